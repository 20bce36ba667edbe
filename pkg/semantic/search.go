package semantic

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/moviegenie/pipeline/pkg/textembed"
)

// MaxQueryBytes is the longest query Search accepts.
const MaxQueryBytes = 1000

// Errors of a bad query (the caller's doing: a command reports them as
// usage errors). Search's errors wrap one of them.
var (
	ErrEmptyQuery   = errors.New("empty query")
	ErrQueryTooLong = errors.New("query too long")
	ErrInvalidUTF8  = errors.New("query is not valid UTF-8")
	ErrBadK         = errors.New("k must be at least 1")
)

// Result is one movie found.
type Result struct {
	MovieID int32    `json:"movie_id"`
	Title   string   `json:"title"`
	Year    int      `json:"year,omitempty"`
	Genres  []string `json:"genres"`
	Score   float64  `json:"score"`
	// Parts are the weighted score components that add up to Score
	// ("lexical", "embedding", "genre", "era", "popularity",
	// "cooccurrence", "content"; with a user blend "semantic" and
	// "personal").
	Parts map[string]float64 `json:"parts"`
}

// Response is the outcome of one query.
type Response struct {
	Query string `json:"query"`
	// Mode is "search" for a free-text query, "like" for "movies like X".
	Mode string `json:"mode"`
	// Like is X's movie in "like" mode.
	Like *Movie `json:"like,omitempty"`
	// Genres and Era are the genre and era cues the query was read as.
	Genres  []string `json:"genres,omitempty"`
	Era     *Era     `json:"era,omitempty"`
	Results []Result `json:"results"`
}

// Personal is a user's model scores for the --user blend.
type Personal struct {
	// Scores by movie id (a movie without one counts as the pool's lowest).
	Scores map[int32]float32
	// Exclude lists movies never to return (the user's rated movies).
	Exclude map[int32]bool
}

// Options set one search.
type Options struct {
	K        int       // results wanted (at least 1)
	Personal *Personal // nil: no user blend
}

// CheckQuery returns an error wrapping ErrEmptyQuery, ErrQueryTooLong or
// ErrInvalidUTF8 when q cannot be searched.
func CheckQuery(q string) error {
	if len(q) > MaxQueryBytes {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrQueryTooLong, len(q), MaxQueryBytes)
	}
	if !utf8.ValidString(q) {
		return fmt.Errorf("%w (give the query in UTF-8)", ErrInvalidUTF8)
	}
	if strings.TrimSpace(q) == "" {
		return ErrEmptyQuery
	}
	if len(words(q)) == 0 {
		return fmt.Errorf("%w: %q has no letters or digits", ErrEmptyQuery, q)
	}
	return nil
}

// Search ranks the catalogue for a query: a title (typos and missing
// articles allowed), a description ("90s sci-fi about space"), or "movies
// like X". cfg gives the weights (its build-time keys are ignored). See the
// package documentation for the scoring.
func (ix *Index) Search(query string, cfg Config, opt Options) (*Response, error) {
	if err := CheckQuery(query); err != nil {
		return nil, err
	}
	if opt.K < 1 {
		return nil, fmt.Errorf("%w (got %d)", ErrBadK, opt.K)
	}
	if v := ix.valid.Load(); v == nil || *v != cfg {
		if err := cfg.Validate(); err != nil {
			return nil, err
		}
		ix.valid.Store(&cfg)
	}
	s := ix.newScorer(cfg)
	defer s.buf.release()
	ws := words(query)
	resp := &Response{Query: query, Mode: "search"}

	in := parseIntent(ws, ix.genreIdx, ix.isTitleWord, ix.latest)
	before, anchorWords, isLike := likeSplit(ws)
	if isLike {
		anchor, anchorLex := s.bestTitle(anchorWords)
		_, fullLex := s.bestTitle(ws)
		if anchor >= 0 && anchorLex >= cfg.LikeMinTitleMatch && anchorLex > fullLex {
			m := ix.movies[anchor]
			resp.Mode, resp.Like = "like", &m
			in = parseIntent(before, ix.genreIdx, ix.isTitleWord, ix.latest)
			s.like(anchor, in)
		} else {
			isLike = false
		}
	}
	if !isLike {
		s.search(ws, in)
	}
	for _, g := range in.genres {
		resp.Genres = append(resp.Genres, ix.genres[g])
	}
	resp.Era = in.era
	resp.Results = s.top(opt)
	return resp, nil
}

// isTitleWord reports whether w is a word of some title.
func (ix *Index) isTitleWord(w string) bool {
	_, ok := ix.vocabIdx[w]
	return ok
}

// scorer holds one query's score components, each per movie in [0, 1]
// before weighting.
type scorer struct {
	ix    *Index
	cfg   Config
	parts map[string][]float64 // component -> per-movie weighted value
	order []string             // component names in the order added
	skip  int                  // movie never to return (the "like" anchor), or -1
	buf   *buffers             // scratch of this search
}

func (ix *Index) newScorer(cfg Config) *scorer {
	return &scorer{ix: ix, cfg: cfg, parts: map[string][]float64{}, skip: -1, buf: getBuffers()}
}

// add records a component with its weight; a zero weight or an all-zero
// component is left out.
func (s *scorer) add(name string, weight float64, vals []float64) {
	if weight == 0 {
		return
	}
	any := false
	for i := range vals {
		vals[i] *= weight
		any = any || vals[i] != 0
	}
	if any {
		s.parts[name] = vals
		s.order = append(s.order, name)
	}
}

// search scores a free-text query.
func (s *scorer) search(ws []string, in intent) {
	cfg := s.cfg
	qws := s.matchWords(ws)
	// The title match is over the words that are not genre or era cues,
	// if any content word remains; otherwise over all words, scaled down.
	var lexSet []int
	gate := 1.0
	for j, q := range qws {
		if !in.consumed[j] && !q.stop {
			lexSet = nil
			for k := range qws {
				if !in.consumed[k] {
					lexSet = append(lexSet, k)
				}
			}
			break
		}
	}
	if lexSet == nil {
		gate = cfg.IntentLexicalShare
		for k := range qws {
			lexSet = append(lexSet, k)
		}
	}
	lex := s.lexical(qws, lexSet)
	for i := range lex {
		lex[i] *= gate
	}
	// A title query: the best title's co-occurrence neighbours follow it.
	// Movies the title match already explains get less of it.
	if best := argmax(lex); best >= 0 && lex[best] >= cfg.LikeMinTitleMatch {
		rel := s.neighbourScores(best, lex[best])
		for i := range rel {
			rel[i] *= 1 - lex[i]
		}
		s.add("related", cfg.RelatedWeight, rel)
	}
	s.add("lexical", cfg.LexicalWeight, lex)
	s.add("embedding", cfg.EmbeddingWeight, s.embedding(s.embedText(qws)))
	s.intents(in)
}

// like scores "movies like X" for X = movie a.
func (s *scorer) like(a int, in intent) {
	ix, cfg := s.ix, s.cfg
	s.skip = a
	s.add("cooccurrence", cfg.LikeCooccurrenceWeight, s.neighbourScores(a, 1))
	content := s.embedding(ix.emb[a*ix.dim : (a+1)*ix.dim])
	// Min-max over the other movies: cosines of movies sharing genres and
	// decade crowd near the top, so the spread matters, not the level.
	lowest, highest := math.Inf(1), math.Inf(-1)
	for i, c := range content {
		if i != a {
			lowest, highest = math.Min(lowest, c), math.Max(highest, c)
		}
	}
	for i := range content {
		if highest > lowest {
			content[i] = math.Max(0, (content[i]-lowest)/(highest-lowest))
		} else {
			content[i] = 0
		}
	}
	s.add("content", cfg.LikeContentWeight, content)
	s.intents(in)
}

// neighbourScores gives movie a's co-occurrence neighbours their weight
// relative to a's best neighbour, times scale; other movies 0.
func (s *scorer) neighbourScores(a int, scale float64) []float64 {
	ix := s.ix
	out := s.buf.float64s(len(ix.movies))
	lo, hi := ix.nbrOff[a], ix.nbrOff[a+1]
	if hi > lo {
		top := float64(ix.nbrW[lo])
		for k := lo; k < hi; k++ {
			out[ix.nbrIdx[k]] = scale * float64(ix.nbrW[k]) / top
		}
	}
	return out
}

// argmax returns the index of the largest positive value (the first of
// equals), or -1.
func argmax(xs []float64) int {
	best := -1
	for i, x := range xs {
		if x > 0 && (best < 0 || x > xs[best]) {
			best = i
		}
	}
	return best
}

// intents adds the genre, era and popularity components.
func (s *scorer) intents(in intent) {
	ix, cfg := s.ix, s.cfg
	n := len(ix.movies)
	if len(in.genres) > 0 {
		g := s.buf.float64s(n)
		for i := range g {
			hit := 0
			for _, gi := range in.genres {
				if ix.mask[i]&(1<<gi) != 0 {
					hit++
				}
			}
			g[i] = float64(hit) / float64(len(in.genres))
		}
		s.add("genre", cfg.GenreWeight, g)
	}
	if in.era != nil {
		e := s.buf.float64s(n)
		for i, m := range ix.movies {
			e[i] = eraScore(m.Year, *in.era, cfg.EraToleranceYears)
		}
		s.add("era", cfg.EraWeight, e)
	}
	p := s.buf.float64s(n)
	for i, v := range ix.pop {
		p[i] = float64(v)
	}
	s.add("popularity", cfg.PopularityWeight, p)
}

// qword is one query word and the title words it matches.
type qword struct {
	w      string
	stop   bool
	weight float64 // IDF of the title word it is (or best matches), stop words scaled down
	cands  []cand  // title vocabulary ids it matches, with similarity
	best   int32   // best candidate, or -1
}

type cand struct {
	tok int32
	sim float64
}

// matchWords finds, for each query word, the title words it matches:
// itself (similarity 1), the same stem (StemSimilarity), or one or two
// edits away (TypoSimilarity per edit), found through the trigram index.
func (s *scorer) matchWords(ws []string) []qword {
	ix, cfg := s.ix, s.cfg
	out := make([]qword, len(ws))
	shared := s.buf.boolSlice(len(ix.vocab))
	var touched []int32
	done := map[string]int{} // word -> its first position
	for j, w := range ws {
		if first, ok := done[w]; ok {
			out[j] = out[first] // a repeated word matches the same
			continue
		}
		done[w] = j
		q := qword{w: w, stop: textembed.IsStopWord(w), best: -1}
		sims := map[int32]float64{}
		if id, ok := ix.vocabIdx[w]; ok {
			sims[id] = 1
		}
		for _, id := range ix.stemToks[stem(w)] {
			if _, ok := sims[id]; !ok {
				sims[id] = cfg.StemSimilarity
			}
		}
		n := runeLen(w)
		if me := maxEdits(n); me > 0 && !isNumber(w) {
			for _, id := range touched {
				shared[id] = false
			}
			touched = touched[:0]
			for _, g := range trigrams(w) {
				gi, ok := ix.grams[g]
				if !ok {
					continue
				}
				for _, id := range ix.gramToks[gi] {
					if shared[id] {
						continue
					}
					shared[id] = true
					if d := int(ix.tokLen[id]) - n; d > me || -d > me {
						continue
					}
					if _, ok := sims[id]; ok || ix.tokNum[id] {
						continue
					}
					touched = append(touched, id)
				}
			}
			for _, id := range touched {
				if d := editDistance(w, ix.vocab[id], me); d <= me {
					sims[id] = math.Pow(cfg.TypoSimilarity, float64(d))
				}
			}
		}
		var bestSim float64
		for id, sim := range sims {
			q.cands = append(q.cands, cand{id, sim})
			if sim > bestSim || (sim == bestSim && id < q.best) {
				bestSim, q.best = sim, id
			}
		}
		sort.Slice(q.cands, func(a, b int) bool { return q.cands[a].tok < q.cands[b].tok })
		if q.best >= 0 {
			q.weight = float64(ix.tokIDF[q.best])
		} else {
			q.weight = ix.maxIDF // an unknown word: as rare as a word can be
		}
		if q.stop {
			q.weight *= cfg.StopwordWeight
		}
		out[j] = q
	}
	return out
}

// lexical scores every title against the query words in set:
// queryCoverage² × (1-λ + λ × titleCoverage), where queryCoverage is the
// IDF-weighted share of the query words found in the title (each at its
// best similarity) and titleCoverage the IDF-weighted share of the title's
// words found among all the query's words.
func (s *scorer) lexical(qws []qword, set []int) []float64 {
	ix, cfg := s.ix, s.cfg
	n := len(ix.movies)
	out := s.buf.float64s(n)
	var total float64
	for _, j := range set {
		total += qws[j].weight
	}
	if total == 0 {
		return out
	}
	// Best similarity of each title word over all query words.
	tokSim := map[int32]float64{}
	for _, q := range qws {
		for _, c := range q.cands {
			tokSim[c.tok] = math.Max(tokSim[c.tok], c.sim)
		}
	}
	// Query coverage per movie, over the words in set (a repeated word
	// once, with its weight times its count).
	mult := map[string]float64{}
	var distinct []int
	for _, j := range set {
		if _, ok := mult[qws[j].w]; !ok {
			distinct = append(distinct, j)
		}
		mult[qws[j].w]++
	}
	cover := s.buf.float64s(n)
	touched := s.buf.boolSlice(n)
	best := s.buf.float64s(n)
	for _, j := range distinct {
		q := qws[j]
		if len(q.cands) == 0 {
			continue
		}
		clear(best)
		for _, c := range q.cands {
			for _, m := range ix.postings[c.tok] {
				best[m] = math.Max(best[m], c.sim)
				touched[m] = true
			}
		}
		w := q.weight * mult[q.w]
		for m, b := range best {
			cover[m] += w * b
		}
	}
	lambda := cfg.TitleCoverageShare
	for m := range out {
		if !touched[m] || cover[m] == 0 {
			continue
		}
		var got, all float64
		for _, t := range ix.movieToks[m] {
			w := float64(ix.tokIDF[t])
			if ix.tokStop[t] {
				w *= cfg.StopwordWeight
			}
			all += w
			got += w * tokSim[t]
		}
		titleCov := 0.0
		if all > 0 {
			titleCov = got / all
		}
		qc := cover[m] / total
		out[m] = qc * qc * (1 - lambda + lambda*titleCov)
	}
	return out
}

// bestTitle returns the movie whose title best matches ws alone (no
// intents), and its lexical score; ties go to the more popular movie, then
// the lower id. It returns -1 when no title matches.
func (s *scorer) bestTitle(ws []string) (int, float64) {
	qws := s.matchWords(ws)
	set := make([]int, len(qws))
	for j := range set {
		set[j] = j
	}
	lex := s.lexical(qws, set)
	best, bestScore := -1, 0.0
	for i, v := range lex {
		if v > bestScore || (v == bestScore && v > 0 && s.ix.pop[i] > s.ix.pop[best]) {
			best, bestScore = i, v
		}
	}
	return best, bestScore
}

// embedText is the text the query is embedded from: its words, each
// replaced by the title word it best matches when the text encoder does
// not know it (so "godfater" is embedded as "godfather").
func (s *scorer) embedText(qws []qword) string {
	parts := make([]string, 0, len(qws))
	for _, q := range qws {
		w := q.w
		if !s.ix.encKnown[w] && q.best >= 0 {
			w = s.ix.vocab[q.best]
		}
		parts = append(parts, w)
	}
	return strings.Join(parts, " ")
}

// embedding returns the cosine of every movie's embedding with the
// embedding of text (a string) or with a given vector ([]float32), clipped
// at 0.
func (s *scorer) embedding(q any) []float64 {
	ix := s.ix
	var v []float32
	switch x := q.(type) {
	case string:
		v = ix.enc.Embed(x)
	case []float32:
		v = x
	}
	out := s.buf.float64s(len(ix.movies))
	if !slices.ContainsFunc(v, func(x float32) bool { return x != 0 }) {
		return out // no known word: no similarity
	}
	dots := s.buf.float32s(len(ix.movies))
	dotRows(v, ix.emb, dots)
	for i, x := range dots {
		out[i] = math.Max(0, float64(x))
	}
	return out
}

// top returns the best opt.K relevant movies, best first, ties by lower
// movie id, blended with opt.Personal when given.
func (s *scorer) top(opt Options) []Result {
	ix := s.ix
	n := len(ix.movies)
	total := s.buf.float64s(n)
	for _, name := range s.order {
		for i, v := range s.parts[name] {
			total[i] += v
		}
	}
	// Relevant movies: a nonzero component other than popularity (which
	// alone says nothing about the query).
	relevant := s.buf.boolSlice(n)
	for _, name := range s.order {
		if name == "popularity" {
			continue
		}
		for i, v := range s.parts[name] {
			relevant[i] = relevant[i] || v > 0
		}
	}
	cands := s.buf.intSlice(n)
	for i := 0; i < n; i++ {
		if i == s.skip || !relevant[i] {
			continue
		}
		if opt.Personal != nil && opt.Personal.Exclude[ix.movies[i].ID] {
			continue
		}
		cands = append(cands, i)
	}
	byScore := func(score []float64) {
		slices.SortFunc(cands, func(a, b int) int {
			if c := cmp.Compare(score[b], score[a]); c != 0 {
				return c
			}
			return cmp.Compare(a, b) // movies are in id order
		})
	}
	var extra map[int]map[string]float64
	if p := opt.Personal; p != nil {
		cands = bestFirst(cands, total, s.cfg.UserPool)
		extra = map[int]map[string]float64{}
		sem := minMax(cands, func(i int) float64 { return total[i] })
		per := minMax(cands, func(i int) float64 {
			if v, ok := p.Scores[ix.movies[i].ID]; ok {
				return float64(v)
			}
			return math.Inf(-1)
		})
		wsum := s.cfg.SemanticWeight + s.cfg.PersonalWeight
		for k, i := range cands {
			a := s.cfg.SemanticWeight / wsum * sem[k]
			b := s.cfg.PersonalWeight / wsum * per[k]
			extra[i] = map[string]float64{"semantic": a, "personal": b}
			total[i] = a + b
		}
		byScore(total)
		if len(cands) > opt.K {
			cands = cands[:opt.K]
		}
	} else {
		cands = bestFirst(cands, total, opt.K)
	}
	out := make([]Result, 0, len(cands))
	for _, i := range cands {
		m := ix.movies[i]
		r := Result{MovieID: m.ID, Title: m.CleanTitle, Year: m.Year, Genres: m.Genres, Score: total[i], Parts: map[string]float64{}}
		if r.Genres == nil {
			r.Genres = []string{}
		}
		for _, name := range s.order {
			if v := s.parts[name][i]; v != 0 {
				r.Parts[name] = v
			}
		}
		for k, v := range extra[i] {
			r.Parts[k] = v
		}
		out = append(out, r)
	}
	return out
}

// bestFirst returns the best n candidates by score, best first, ties by
// the lower index: the head of the full sort, found with a bounded heap
// (a search keeps 10 or 100 of some thousand candidates). It reuses
// cands' storage.
func bestFirst(cands []int, score []float64, n int) []int {
	// before reports whether a ranks before b (a strict total order).
	before := func(a, b int) bool { return score[a] > score[b] || (score[a] == score[b] && a < b) }
	if n > len(cands) {
		n = len(cands)
	}
	// heap[0] is the worst of the best n seen so far.
	heap := make([]int, 0, n)
	down := func(i int) {
		for {
			w, l, r := i, 2*i+1, 2*i+2
			if l < len(heap) && before(heap[w], heap[l]) {
				w = l
			}
			if r < len(heap) && before(heap[w], heap[r]) {
				w = r
			}
			if w == i {
				return
			}
			heap[i], heap[w] = heap[w], heap[i]
			i = w
		}
	}
	for _, c := range cands {
		switch {
		case len(heap) < n:
			heap = append(heap, c)
			for i := len(heap) - 1; i > 0; {
				p := (i - 1) / 2
				if !before(heap[p], heap[i]) {
					break
				}
				heap[p], heap[i] = heap[i], heap[p]
				i = p
			}
		case n > 0 && before(c, heap[0]):
			heap[0] = c
			down(0)
		}
	}
	slices.SortFunc(heap, func(a, b int) int {
		if before(a, b) {
			return -1
		}
		if before(b, a) {
			return 1
		}
		return 0
	})
	return append(cands[:0], heap...)
}

// minMax maps f over the candidates to [0, 1] by min-max (all 0 when they
// are equal); -Inf values count as the lowest finite value.
func minMax(cands []int, f func(int) float64) []float64 {
	vals := make([]float64, len(cands))
	lo, hi := math.Inf(1), math.Inf(-1)
	for k, i := range cands {
		vals[k] = f(i)
		if !math.IsInf(vals[k], -1) {
			lo, hi = math.Min(lo, vals[k]), math.Max(hi, vals[k])
		}
	}
	for k, v := range vals {
		switch {
		case math.IsInf(v, -1) || !(hi > lo):
			vals[k] = 0
		default:
			vals[k] = (v - lo) / (hi - lo)
		}
	}
	return vals
}
