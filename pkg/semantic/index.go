package semantic

import (
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/ratingscan"
	"github.com/moviegenie/pipeline/pkg/tables"
	"github.com/moviegenie/pipeline/pkg/textembed"
)

// Movie is one movie of the index.
type Movie struct {
	ID         int32
	Title      string // as in MovieLens: "Godfather, The (1972)"
	CleanTitle string // as a reader writes it: "The Godfather"
	Year       int    // release year, 0 when unknown
	Genres     []string
}

// Index is a loaded or freshly built search index. It is read-only and
// safe for concurrent searches.
type Index struct {
	cfg   Config // the params it was built with
	stats Stats

	// valid is the last search Config that passed Validate: a server
	// searches with one Config, and validating it (by reflection) on every
	// query cost a twentieth of a search.
	valid atomic.Pointer[Config]

	genres   []string
	genreIdx map[string]int
	movies   []Movie // by movie id
	mask     []uint64
	byID     map[int32]int
	pop      []float32 // popularity in [0, 1] (train+validation counts)
	latest   int       // latest release year

	// Lexical index over normalised title words.
	vocab     []string // sorted
	vocabIdx  map[string]int32
	tokIDF    []float32
	tokStop   []bool
	tokNum    []bool  // all digits
	tokLen    []int32 // in runes
	maxIDF    float64
	movieToks [][]int32 // distinct token ids of each title, in title order
	postings  [][]int32 // token -> movies (ascending)
	gramKeys  []string  // sorted padded trigrams
	gramToks  [][]int32 // trigram -> tokens (ascending)
	grams     map[string]int32
	stemToks  map[string][]int32

	// Text embeddings and the encoder that embeds queries into their space.
	dim      int
	emb      []float32 // len(movies) × dim
	enc      *textembed.Encoder
	encKnown map[string]bool

	// Co-occurrence neighbours: movie i's are nbrIdx[nbrOff[i]:nbrOff[i+1]]
	// with weights nbrW, best first.
	nbrOff []int32
	nbrIdx []int32
	nbrW   []float32
}

// Stats describe an index.
type Stats struct {
	Movies              int     `json:"movies"`
	Genres              int     `json:"genres"`
	TitleVocabulary     int     `json:"title_vocabulary"`
	Trigrams            int     `json:"trigrams"`
	EncoderVocabulary   int     `json:"encoder_vocabulary"`
	EmbeddingDim        int     `json:"embedding_dim"`
	Interactions        int     `json:"cooccurrence_interactions"` // train+validation rows read
	Users               int     `json:"cooccurrence_users"`
	NeighbourPairs      int     `json:"neighbour_pairs"`
	MoviesNoNeighbours  int     `json:"movies_without_neighbours"`
	MeanNeighbours      float64 `json:"mean_neighbours"`
	MoviesNoYear        int     `json:"movies_without_year"`
	TestRowsIgnored     int     `json:"test_rows_ignored"`
	EmbeddingZeroVector int     `json:"movies_with_zero_embedding"`
}

// Stats returns the index's figures.
func (ix *Index) Stats() Stats { return ix.stats }

// BuildConfig returns the params the index was built with.
func (ix *Index) BuildConfig() Config { return ix.cfg }

// Movies returns the indexed movies, by movie id. Do not modify.
func (ix *Index) Movies() []Movie { return ix.movies }

// Movie returns the movie with the given id.
func (ix *Index) Movie(id int32) (Movie, bool) {
	i, ok := ix.byID[id]
	if !ok {
		return Movie{}, false
	}
	return ix.movies[i], true
}

// Neighbours returns movie id's co-occurrence neighbours (movie ids, best
// first) and their weights.
func (ix *Index) Neighbours(id int32) ([]int32, []float32) {
	i, ok := ix.byID[id]
	if !ok {
		return nil, nil
	}
	lo, hi := ix.nbrOff[i], ix.nbrOff[i+1]
	ids := make([]int32, 0, hi-lo)
	for _, j := range ix.nbrIdx[lo:hi] {
		ids = append(ids, ix.movies[j].ID)
	}
	return ids, ix.nbrW[lo:hi]
}

// Rating is the part of a ratings.parquet row (tables.Rating) that the
// index reads: who rated what, in which split.
type Rating struct {
	UserID  int32  `parquet:"name=user_id, type=INT32"`
	MovieID int32  `parquet:"name=movie_id, type=INT32"`
	Split   string `parquet:"name=split, type=BYTE_ARRAY, convertedtype=UTF8"`
}

// ratingPairs are the train and validation rows of the ratings table as
// two columns, 8 bytes a row (a []Rating is 24), and the number of test
// rows left out: all the co-occurrence neighbours need.
type ratingPairs struct {
	user, movie []int32
	test        int
}

// readRatings streams the ratings table (pkg/ratingscan: typed column
// batches) into ratingPairs.
func readRatings(path string) (*ratingPairs, error) {
	p := &ratingPairs{}
	n, err := ratingscan.Scan(path, 0, func(b *ratingscan.Batch) error {
		for i, s := range b.Split {
			if s == ratingscan.Test {
				p.test++
				continue
			}
			p.user = append(p.user, b.UserID[i])
			p.movie = append(p.movie, b.MovieID[i])
		}
		return nil
	})
	if err == nil && n == 0 {
		err = fmt.Errorf("read %s: table is empty", path)
	}
	return p, err
}

// pairsOf checks the splits of in-memory rows and keeps their train and
// validation pairs.
func pairsOf(ratings []Rating) (*ratingPairs, error) {
	p := &ratingPairs{user: make([]int32, 0, len(ratings)), movie: make([]int32, 0, len(ratings))}
	for _, r := range ratings {
		switch r.Split {
		case tables.SplitTrain, tables.SplitValidation:
			p.user = append(p.user, r.UserID)
			p.movie = append(p.movie, r.MovieID)
		case tables.SplitTest:
			p.test++
		default:
			return nil, fmt.Errorf("%s: user %d movie %d has split %q, want train, validation or test", features.RatingsFile, r.UserID, r.MovieID, r.Split)
		}
	}
	return p, nil
}

// Ratings keeps the fields Rating has.
func Ratings(rows []tables.Rating) []Rating {
	out := make([]Rating, len(rows))
	for i, r := range rows {
		out[i] = Rating{UserID: r.UserID, MovieID: r.MovieID, Split: r.Split}
	}
	return out
}

// Inputs are what an index is built from.
type Inputs struct {
	Genres []tables.Genre // data/processed/genres.parquet
	// Ratings are ratings.parquet's rows, for Inputs built in memory;
	// ReadInputs leaves them nil and streams the table into compact
	// columns instead (pairs).
	Ratings    []Rating
	pairs      *ratingPairs
	Movies     []features.MovieFeature  // data/features/movie_features.parquet
	Embeddings []features.TextEmbedding // data/features/text_embeddings.parquet
	Encoder    *textembed.Encoder       // data/features/text_encoder.bin
}

// InputPaths lists the files ReadInputs reads, in reading order.
func InputPaths(processed, featuresDir string) []string {
	return []string{
		filepath.Join(processed, features.GenresFile),
		filepath.Join(processed, features.RatingsFile),
		filepath.Join(featuresDir, features.MovieFeaturesFile),
		filepath.Join(featuresDir, features.TextEmbeddingsFile),
		filepath.Join(featuresDir, features.TextEncoderFile),
	}
}

// ReadInputs reads the index inputs from the processed and features
// directories, the files side by side. A missing or malformed file is an
// error naming it (the first in InputPaths order when several are bad).
func ReadInputs(processed, featuresDir string) (*Inputs, error) {
	p := InputPaths(processed, featuresDir)
	var in Inputs
	errs := make([]error, len(p))
	reads := []func() error{
		func() (err error) { in.Genres, err = tables.Read[tables.Genre](p[0]); return },
		func() (err error) { in.pairs, err = readRatings(p[1]); return },
		func() (err error) { in.Movies, err = tables.Read[features.MovieFeature](p[2]); return },
		func() (err error) { in.Embeddings, err = features.ReadTextEmbeddings(p[3]); return },
		func() (err error) { in.Encoder, err = textembed.Load(p[4]); return },
	}
	var wg sync.WaitGroup
	for i, read := range reads {
		wg.Go(func() { errs[i] = read() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return &in, nil
}

// Build makes an index from its inputs. Only train and validation ratings
// feed the co-occurrence neighbours; test rows are counted and ignored.
// Inconsistent inputs (an embedding for an unknown movie, a rating of an
// unknown movie, dimensions that disagree) are errors naming the file.
func Build(in *Inputs, cfg Config) (*Index, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if in.Encoder == nil {
		return nil, fmt.Errorf("build index: no text encoder")
	}
	if len(in.Movies) == 0 {
		return nil, fmt.Errorf("%s: no movies", features.MovieFeaturesFile)
	}
	if len(in.Genres) > 64 {
		return nil, fmt.Errorf("%s: %d genres, at most 64 supported", features.GenresFile, len(in.Genres))
	}
	ix := &Index{cfg: cfg}
	genres := slices.Clone(in.Genres)
	sort.Slice(genres, func(i, j int) bool { return genres[i].GenreID < genres[j].GenreID })
	for i, g := range genres {
		if int(g.GenreID) != i {
			return nil, fmt.Errorf("%s: genre ids are not 0..%d (found %d at position %d)", features.GenresFile, len(genres)-1, g.GenreID, i)
		}
		ix.genres = append(ix.genres, g.Name)
	}

	mfs := slices.Clone(in.Movies)
	sort.Slice(mfs, func(i, j int) bool { return mfs[i].MovieID < mfs[j].MovieID })
	ix.movies = make([]Movie, len(mfs))
	ix.mask = make([]uint64, len(mfs))
	ix.pop = make([]float32, len(mfs))
	titleToks := make([][]string, len(mfs))
	for i, mf := range mfs {
		if i > 0 && mf.MovieID == mfs[i-1].MovieID {
			return nil, fmt.Errorf("%s: movie %d appears twice", features.MovieFeaturesFile, mf.MovieID)
		}
		if len(mf.GenreMultiHot) != len(ix.genres) {
			return nil, fmt.Errorf("%s: movie %d has %d genre flags, %s has %d genres", features.MovieFeaturesFile, mf.MovieID, len(mf.GenreMultiHot), features.GenresFile, len(ix.genres))
		}
		m := Movie{ID: mf.MovieID, Title: mf.Title, CleanTitle: mf.CleanTitle}
		if mf.Year != nil {
			m.Year = int(*mf.Year)
		} else {
			ix.stats.MoviesNoYear++
		}
		for g, h := range mf.GenreMultiHot {
			if h != 0 {
				m.Genres = append(m.Genres, ix.genres[g])
				ix.mask[i] |= 1 << g
			}
		}
		p := float64(mf.Popularity)
		if math.IsNaN(p) || p < 0 || p > 1 {
			return nil, fmt.Errorf("%s: movie %d has popularity %v, want [0, 1]", features.MovieFeaturesFile, mf.MovieID, p)
		}
		ix.pop[i] = mf.Popularity
		ix.movies[i] = m
		titleToks[i] = normWords(mf.TitleTokens)
	}

	// Embeddings, aligned with the movies.
	ix.enc = in.Encoder
	ix.dim = in.Encoder.Dim()
	ix.emb = make([]float32, len(mfs)*ix.dim)
	ix.byID = make(map[int32]int, len(mfs))
	for i, m := range ix.movies {
		ix.byID[m.ID] = i
	}
	have := make([]bool, len(mfs))
	for _, e := range in.Embeddings {
		i, ok := ix.byID[e.MovieID]
		if !ok {
			return nil, fmt.Errorf("%s: movie %d is not in %s", features.TextEmbeddingsFile, e.MovieID, features.MovieFeaturesFile)
		}
		if have[i] {
			return nil, fmt.Errorf("%s: movie %d appears twice", features.TextEmbeddingsFile, e.MovieID)
		}
		if len(e.Embedding) != ix.dim {
			return nil, fmt.Errorf("%s: movie %d has an embedding of %d values, the text encoder's dimension is %d", features.TextEmbeddingsFile, e.MovieID, len(e.Embedding), ix.dim)
		}
		var norm float64
		for _, v := range e.Embedding {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("%s: movie %d has a non-finite embedding value", features.TextEmbeddingsFile, e.MovieID)
			}
			norm += float64(v) * float64(v)
		}
		if norm == 0 {
			ix.stats.EmbeddingZeroVector++
		}
		have[i] = true
		copy(ix.emb[i*ix.dim:], e.Embedding)
	}
	for i, ok := range have {
		if !ok {
			return nil, fmt.Errorf("%s: no embedding for movie %d", features.TextEmbeddingsFile, ix.movies[i].ID)
		}
	}

	ix.buildLexical(titleToks)
	pairs := in.pairs
	if pairs == nil {
		var err error
		if pairs, err = pairsOf(in.Ratings); err != nil {
			return nil, err
		}
	}
	if err := ix.buildNeighbours(pairs); err != nil {
		return nil, err
	}
	if err := ix.finish(); err != nil {
		return nil, err
	}
	return ix, nil
}

// buildLexical makes the title vocabulary, IDF weights, each title's
// tokens and the trigram postings.
func (ix *Index) buildLexical(titleToks [][]string) {
	df := map[string]int{}
	for _, ts := range titleToks {
		seen := map[string]bool{}
		for _, t := range ts {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	ix.vocab = make([]string, 0, len(df))
	for t := range df {
		ix.vocab = append(ix.vocab, t)
	}
	sort.Strings(ix.vocab)
	idx := make(map[string]int32, len(ix.vocab))
	n := float64(len(titleToks))
	ix.tokIDF = make([]float32, len(ix.vocab))
	for i, t := range ix.vocab {
		idx[t] = int32(i)
		ix.tokIDF[i] = float32(math.Log((1+n)/(1+float64(df[t]))) + 1)
	}
	ix.movieToks = make([][]int32, len(titleToks))
	for m, ts := range titleToks {
		ix.movieToks[m] = []int32{} // a title without words still has a (empty) list
		seen := map[int32]bool{}
		for _, t := range ts {
			if id := idx[t]; !seen[id] {
				seen[id] = true
				ix.movieToks[m] = append(ix.movieToks[m], id)
			}
		}
	}
	byGram := map[string][]int32{}
	for i, t := range ix.vocab {
		for _, g := range trigrams(t) {
			byGram[g] = append(byGram[g], int32(i))
		}
	}
	ix.gramKeys = make([]string, 0, len(byGram))
	for g := range byGram {
		ix.gramKeys = append(ix.gramKeys, g)
	}
	sort.Strings(ix.gramKeys)
	ix.gramToks = make([][]int32, len(ix.gramKeys))
	for i, g := range ix.gramKeys {
		ix.gramToks[i] = byGram[g]
	}
}

// buildNeighbours counts, over the train and validation ratings, how many
// users rated each pair of movies, and keeps each movie's best neighbours
// by c/(n_i^(1-β) n_j^β) × c/(c+shrinkage), c users sharing the pair and
// n_i, n_j users per movie (β = 0.5: the cosine).
func (ix *Index) buildNeighbours(p *ratingPairs) error {
	cfg := ix.cfg
	n := len(ix.movies)
	ix.stats.TestRowsIgnored = p.test
	ix.stats.Interactions = len(p.user)
	// Users get indexes in id order; each pair's movie becomes its index.
	userIdxOf := map[int32]int32{}
	movieOf := make([]int32, len(p.movie))
	for k, m := range p.movie {
		i, ok := ix.byID[m]
		if !ok {
			return fmt.Errorf("%s: user %d rated movie %d, which is not in %s", features.RatingsFile, p.user[k], m, features.MovieFeaturesFile)
		}
		movieOf[k] = int32(i)
		userIdxOf[p.user[k]] = 0
	}
	users := make([]int32, 0, len(userIdxOf))
	for u := range userIdxOf {
		users = append(users, u)
	}
	slices.Sort(users)
	for k, u := range users {
		userIdxOf[u] = int32(k)
	}
	ix.stats.Users = len(users)

	// items[u] the distinct movies of user u (CSR over user order, a
	// counting sort of the pairs), users[i] the users who rated movie i:
	// together O(ratings) memory. A dense movies² pair table would be
	// 14 GB at ML-25M's 60K movies.
	itemOff := make([]int32, len(users)+1)
	for _, u := range p.user {
		itemOff[userIdxOf[u]+1]++
	}
	for u := range users {
		itemOff[u+1] += itemOff[u]
	}
	itemIdx := make([]int32, len(p.user))
	fillItem := slices.Clone(itemOff[:len(users)])
	for k, u := range p.user {
		x := userIdxOf[u]
		itemIdx[fillItem[x]] = movieOf[k]
		fillItem[x]++
	}
	movieOf, fillItem = nil, nil
	// Each user's movies sorted and deduplicated (a movie rated twice
	// counts once), compacted in place.
	count := make([]int32, n) // users per movie
	w := int32(0)
	for u := range users {
		items := itemIdx[itemOff[u]:itemOff[u+1]]
		slices.Sort(items)
		items = slices.Compact(items)
		itemOff[u] = w
		w += int32(copy(itemIdx[w:], items))
		for _, i := range items {
			count[i]++
		}
	}
	itemOff[len(users)] = w
	itemIdx = itemIdx[:w]
	userOff := make([]int32, n+1)
	for i, c := range count {
		userOff[i+1] = userOff[i] + c
	}
	userIdx := make([]int32, len(itemIdx))
	fill := slices.Clone(userOff[:n])
	for u := range users {
		for _, i := range itemIdx[itemOff[u]:itemOff[u+1]] {
			userIdx[fill[i]] = int32(u)
			fill[i]++
		}
	}
	beta := cfg.CooccurrencePopularityExponent
	powI, powJ := make([]float64, n), make([]float64, n) // n_i^(1-β), n_j^β
	for i, c := range count {
		powI[i], powJ[i] = math.Pow(float64(c), 1-beta), math.Pow(float64(c), beta)
	}
	// Each movie's row of pair counts is gathered from its users' items,
	// movies split among workers (each with its own row), then its best
	// neighbours kept. The heap's order is total, so the result does not
	// depend on the order candidates are offered in.
	nbrs := make([][]neighbour, n)
	workers := min(runtime.GOMAXPROCS(0), max(1, n/64))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			row := make([]int32, n)
			var touched []int32
			top := make(topK, 0, cfg.Neighbours)
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				touched = touched[:0]
				for _, u := range userIdx[userOff[i]:userOff[i+1]] {
					for _, j := range itemIdx[itemOff[u]:itemOff[u+1]] {
						if row[j] == 0 {
							touched = append(touched, j)
						}
						row[j]++
					}
				}
				top = top[:0]
				for _, j := range touched {
					c := row[j]
					row[j] = 0
					if int(j) == i || int(c) < cfg.MinCooccurrence {
						continue
					}
					cf := float64(c)
					top.offer(neighbour{j, cf / (powI[i] * powJ[j]) * cf / (cf + cfg.CooccurrenceShrinkage)}, cfg.Neighbours)
				}
				nbrs[i] = top.sorted()
			}
		})
	}
	wg.Wait()
	ix.nbrOff = make([]int32, 1, n+1)
	for _, cands := range nbrs {
		if len(cands) == 0 {
			ix.stats.MoviesNoNeighbours++
		}
		for _, c := range cands {
			ix.nbrIdx = append(ix.nbrIdx, c.j)
			ix.nbrW = append(ix.nbrW, float32(c.w))
		}
		ix.nbrOff = append(ix.nbrOff, int32(len(ix.nbrIdx)))
	}
	return nil
}

// neighbour is a candidate neighbour j with weight w.
type neighbour struct {
	j int32
	w float64
}

// better orders neighbours: higher weight first, then lower index.
func (a neighbour) better(b neighbour) bool {
	if a.w != b.w {
		return a.w > b.w
	}
	return a.j < b.j
}

// topK keeps the k best neighbours offered, as a heap whose root is the
// worst kept.
type topK []neighbour

func (h *topK) offer(x neighbour, k int) {
	t := *h
	if len(t) < k {
		t = append(t, x)
		for c := len(t) - 1; c > 0; { // sift up
			p := (c - 1) / 2
			if !t[p].better(t[c]) {
				break
			}
			t[p], t[c] = t[c], t[p]
			c = p
		}
		*h = t
		return
	}
	if !x.better(t[0]) {
		return
	}
	t[0] = x
	for p := 0; ; { // sift down
		w, l, r := p, 2*p+1, 2*p+2
		if l < len(t) && t[w].better(t[l]) {
			w = l
		}
		if r < len(t) && t[w].better(t[r]) {
			w = r
		}
		if w == p {
			break
		}
		t[p], t[w] = t[w], t[p]
		p = w
	}
}

// sorted returns the kept neighbours, best first.
func (h topK) sorted() []neighbour {
	out := slices.Clone(h)
	slices.SortFunc(out, func(a, b neighbour) int {
		if a.better(b) {
			return -1
		}
		if b.better(a) {
			return 1
		}
		return 0
	})
	return out
}

// finish derives the lookup tables that are not stored (used by both
// Build and Load) and fills the stats.
func (ix *Index) finish() error {
	ix.genreIdx = genreLookup(ix.genres)
	ix.byID = make(map[int32]int, len(ix.movies))
	ix.latest = 0
	for i, m := range ix.movies {
		ix.byID[m.ID] = i
		ix.latest = max(ix.latest, m.Year)
	}
	ix.vocabIdx = make(map[string]int32, len(ix.vocab))
	ix.tokStop = make([]bool, len(ix.vocab))
	ix.tokNum = make([]bool, len(ix.vocab))
	ix.tokLen = make([]int32, len(ix.vocab))
	ix.maxIDF = 0
	for _, w := range ix.tokIDF {
		ix.maxIDF = math.Max(ix.maxIDF, float64(w))
	}
	ix.stemToks = map[string][]int32{}
	for i, t := range ix.vocab {
		ix.vocabIdx[t] = int32(i)
		ix.tokStop[i] = textembed.IsStopWord(t)
		ix.tokNum[i] = isNumber(t)
		ix.tokLen[i] = int32(runeLen(t))
		s := stem(t)
		ix.stemToks[s] = append(ix.stemToks[s], int32(i))
	}
	ix.postings = make([][]int32, len(ix.vocab))
	for m, ts := range ix.movieToks {
		for _, t := range ts {
			ix.postings[t] = append(ix.postings[t], int32(m))
		}
	}
	ix.grams = make(map[string]int32, len(ix.gramKeys))
	for i, g := range ix.gramKeys {
		ix.grams[g] = int32(i)
	}
	vocab, _, _ := ix.enc.Arrays()
	ix.encKnown = make(map[string]bool, len(vocab))
	for _, t := range vocab {
		ix.encKnown[t] = true
	}

	st := &ix.stats
	st.Movies = len(ix.movies)
	st.Genres = len(ix.genres)
	st.TitleVocabulary = len(ix.vocab)
	st.Trigrams = len(ix.gramKeys)
	st.EncoderVocabulary = len(vocab)
	st.EmbeddingDim = ix.dim
	st.NeighbourPairs = len(ix.nbrIdx)
	if len(ix.movies) > 0 {
		st.MeanNeighbours = float64(len(ix.nbrIdx)) / float64(len(ix.movies))
	}
	return nil
}
