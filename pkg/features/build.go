package features

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/moviegenie/pipeline/pkg/tables"
	"github.com/moviegenie/pipeline/pkg/textembed"
)

// Output holds everything the features stage writes, computed in memory
// before any file is written.
type Output struct {
	MovieFeatures  []MovieFeature
	UserFeatures   []UserFeature
	TextEmbeddings []TextEmbedding
	TrainSequences []TrainSequence
	Windows        []Window
	Pairs          []Pair
	Encoder        *textembed.Encoder
	// Documents are what the encoder was fitted on, by movie_idx-1.
	Documents []textembed.Document
	Stats     Stats
}

// Stats are the figures of a Build for the metrics file.
type Stats struct {
	Movies int `json:"movies"`
	Users  int `json:"users"`
	Genres int `json:"genres"`
	// UsersWithDemographics counts users with a known gender or age
	// (HasDemographics); 0 for every release but ML-100K and ML-1M.
	UsersWithDemographics int `json:"users_with_demographics"`
	// TagRows are the rows of tags.parquet (0 without one); MoviesWithTags
	// the kept movies whose text has tags.
	TagRows           int             `json:"tag_rows"`
	MoviesWithTags    int             `json:"movies_with_tags"`
	MaskIdx           int32           `json:"mask_idx"`
	MoviesNoYear      int             `json:"movies_without_year"`
	MoviesNoHistory   int             `json:"movies_without_train_interactions"`
	TrainInteractions int             `json:"train_interactions"`
	ValInteractions   int             `json:"validation_interactions"`
	Windows           int             `json:"windows"`
	WindowLengthMean  float64         `json:"window_length_mean"`
	DroppedItems      int             `json:"items_dropped_by_windowing"`
	Text              textembed.Stats `json:"text_encoder"`
	TextSeconds       float64         `json:"text_encoder_seconds"`
	UncuratedGenres   []string        `json:"genres_without_curated_words"`
	// TitleQuery figures (see TitleQuery): the 20 most-rated movies found
	// from their own title among those 20, and the 100 most-rated among
	// all movies.
	TitleQueryTop20Within20   float64 `json:"title_query_hit1_top20_within_top20"`
	TitleQueryTop100WithinAll float64 `json:"title_query_hit1_top100_within_all"`
}

// Build computes every feature table from the processed inputs. Only
// interactions of the train and validation splits are read; test rows are
// checked for consistency (known user and movie, positions after the
// user's history) and otherwise ignored, so no feature depends on them.
// Bad input is an error naming the file and column.
func Build(in *Inputs, cfg Config) (*Output, error) {
	if cfg.MaxSequenceLength < MinWindowLength || cfg.EmbeddingDim < 1 {
		return nil, fmt.Errorf("features: invalid config %+v", cfg)
	}
	genreNames, genreIdx, err := checkGenres(in.Genres)
	if err != nil {
		return nil, err
	}
	occIdx, err := checkOccupations(in.Occupations)
	if err != nil {
		return nil, err
	}
	words, err := GenreWords()
	if err != nil {
		return nil, err
	}
	out := &Output{}
	st := &out.Stats
	st.Genres = len(genreNames)
	for _, g := range genreNames {
		if !NoGenre(g) && len(words[GenreKey(g)]) == 0 {
			st.UncuratedGenres = append(st.UncuratedGenres, g)
		}
	}

	// Movie index: movies sorted by movie_id, 1..N.
	movies := append([]tables.Movie(nil), in.Movies...)
	sort.Slice(movies, func(i, j int) bool { return movies[i].MovieID < movies[j].MovieID })
	movieIdx := make(map[int32]int32, len(movies))
	movieGenres := make([][]int, len(movies)) // by movie_idx-1
	for i, m := range movies {
		if i > 0 && m.MovieID == movies[i-1].MovieID {
			return nil, fmt.Errorf("%s: column movie_id: movie %d appears twice", MoviesFile, m.MovieID)
		}
		movieIdx[m.MovieID] = int32(i + 1)
		for _, g := range m.Genres {
			gi, ok := genreIdx[g]
			if !ok {
				return nil, fmt.Errorf("%s: column genres: movie %d has genre %q, not in %s", MoviesFile, m.MovieID, g, GenresFile)
			}
			if !slices.Contains(movieGenres[i], gi) {
				movieGenres[i] = append(movieGenres[i], gi)
			}
		}
	}
	// User index: users sorted by user_id, 0..U-1.
	users := append([]tables.User(nil), in.Users...)
	sort.Slice(users, func(i, j int) bool { return users[i].UserID < users[j].UserID })
	userIdx := make(map[int32]int32, len(users))
	for i, u := range users {
		if i > 0 && u.UserID == users[i-1].UserID {
			return nil, fmt.Errorf("%s: column user_id: user %d appears twice", UsersFile, u.UserID)
		}
		if occ := tables.Or(u.Occupation, ""); occ != "" {
			if _, ok := occIdx[occ]; !ok {
				return nil, fmt.Errorf("%s: column occupation: user %d has occupation %q, not in %s", UsersFile, u.UserID, occ, OccupationsFile)
			}
		}
		userIdx[u.UserID] = int32(i)
	}
	st.Movies, st.Users, st.MaskIdx = len(movies), len(users), MaskIdx(len(movies))
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	tagText, tagged := movieTagText(in.Tags, movieIdx, len(movies))
	st.TagRows, st.MoviesWithTags = len(in.Tags), tagged

	rows := in.rows
	if rows == nil {
		var err error
		if rows, err = rowsOf(in.Ratings); err != nil {
			return nil, err
		}
	}
	hist, err := histories(rows, userIdx, movieIdx, len(users))
	if err != nil {
		return nil, err
	}
	rows = nil

	// Aggregates over train+validation.
	movieCount := make([]int32, len(movies))
	movieSum := make([]float64, len(movies))
	var allSum float64
	var allCount int
	for _, h := range hist {
		for _, r := range h.trainVal() {
			mi := r.movie - 1
			movieCount[mi]++
			movieSum[mi] += float64(r.rating)
			allSum += float64(r.rating)
			allCount++
		}
		st.TrainInteractions += len(h.train)
		st.ValInteractions += len(h.val)
	}
	if allCount == 0 {
		return nil, fmt.Errorf("%s: column split: no train or validation interaction", RatingsFile)
	}
	globalMean := allSum / float64(allCount)
	var maxCount int32
	for _, c := range movieCount {
		maxCount = max(maxCount, c)
	}

	for i, m := range movies {
		year := MovieYear(m)
		if year == nil {
			st.MoviesNoYear++
		}
		var decade *int32
		if year != nil {
			d := *year / 10 * 10
			decade = &d
		}
		hot := make([]float32, len(genreNames))
		for _, g := range movieGenres[i] {
			hot[g] = 1
		}
		mean := globalMean
		if movieCount[i] > 0 {
			mean = movieSum[i] / float64(movieCount[i])
		} else {
			st.MoviesNoHistory++
		}
		out.MovieFeatures = append(out.MovieFeatures, MovieFeature{
			MovieIdx: int32(i + 1), MovieID: m.MovieID, Title: m.Title, CleanTitle: CleanTitle(m.Title),
			Year: year, Decade: decade, DecadeIdx: DecadeIdx(year), GenreMultiHot: hot,
			TrainCount: movieCount[i], MeanRating: float32(mean),
			Popularity:  float32(math.Log1p(float64(movieCount[i])) / math.Log1p(float64(max(maxCount, 1)))),
			TitleTokens: TitleTokens(m.Title),
		})
		doc := movieDocument(m.Title, m.Genres, year, words, cfg.TitleWeight)
		if tagText[i] != "" {
			doc[1].Text = strings.TrimSpace(doc[1].Text + " " + tagText[i])
		}
		out.Documents = append(out.Documents, doc)
	}

	for ui, u := range users {
		h := hist[ui]
		aff := make([]float32, len(genreNames))
		var sum float64
		tv := h.trainVal()
		counts := make([]int, len(genreNames))
		for _, r := range tv {
			sum += float64(r.rating)
			for _, g := range movieGenres[r.movie-1] {
				counts[g]++
			}
		}
		mean := globalMean
		if len(tv) > 0 {
			mean = sum / float64(len(tv))
			for g, c := range counts {
				aff[g] = float32(float64(c) / float64(len(tv)))
			}
		}
		out.UserFeatures = append(out.UserFeatures, UserFeature{
			UserIdx: int32(ui), UserID: u.UserID, GenderIdx: GenderIdx(tables.Or(u.Gender, "")), Age: tables.Or(u.Age, 0),
			AgeBucket: AgeBucket(tables.Or(u.Age, 0)), OccupationIdx: occIdx[tables.Or(u.Occupation, "")], ZipRegionIdx: ZipRegion(tables.Or(u.ZipCode, "")),
			NTrain: int32(len(h.train)), NVal: int32(len(h.val)), MeanRating: float32(mean), GenreAffinity: aff,
		})
		if HasDemographics(out.UserFeatures[ui]) {
			st.UsersWithDemographics++
		}

		seq := TrainSequence{UserIdx: int32(ui), UserID: u.UserID, Items: make([]int32, len(h.train)), ValItems: make([]int32, len(h.val))}
		for p, r := range h.train {
			seq.Items[p] = r.movie
			out.Pairs = append(out.Pairs, Pair{UserIdx: int32(ui), MovieIdx: r.movie, Rating: r.rating, Position: r.pos})
		}
		for p, r := range h.val {
			seq.ValItems[p] = r.movie
		}
		out.TrainSequences = append(out.TrainSequences, seq)

		covered := 0
		for w, sp := range CutWindows(len(seq.Items), cfg.MaxSequenceLength) {
			out.Windows = append(out.Windows, Window{
				UserIdx: int32(ui), WindowIdx: int32(w), Start: int32(sp.Start),
				Items: append([]int32(nil), seq.Items[sp.Start:sp.End]...),
			})
			covered += sp.End - sp.Start
		}
		st.DroppedItems += len(seq.Items) - covered
	}
	st.Windows = len(out.Windows)
	if st.Windows > 0 {
		st.WindowLengthMean = float64(st.TrainInteractions-st.DroppedItems) / float64(st.Windows)
	}

	t0 := time.Now()
	enc, ts, err := textembed.Fit(out.Documents, textembed.Options{
		Dim: cfg.EmbeddingDim, Seed: uint64(cfg.Seed),
		Oversampling: cfg.SVDOversampling, PowerIterations: cfg.SVDPowerIterations,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: column title: %w", MoviesFile, err)
	}
	st.TextSeconds = time.Since(t0).Seconds()
	st.Text = *ts
	out.Encoder = enc
	for i, m := range movies {
		out.TextEmbeddings = append(out.TextEmbeddings, TextEmbedding{
			MovieIdx: int32(i + 1), MovieID: m.MovieID, Embedding: enc.EmbedDocument(out.Documents[i]),
		})
	}
	st.TitleQueryTop20Within20, _ = TitleQuery(out, 20)
	_, st.TitleQueryTop100WithinAll = TitleQuery(out, 100)
	return out, nil
}

func checkGenres(genres []tables.Genre) (names []string, idx map[string]int, err error) {
	g := append([]tables.Genre(nil), genres...)
	sort.Slice(g, func(i, j int) bool { return g[i].GenreID < g[j].GenreID })
	idx = map[string]int{}
	for i, x := range g {
		if x.GenreID != int32(i) {
			return nil, nil, fmt.Errorf("%s: column genre_id: ids must be 0..%d without gaps, found %d", GenresFile, len(g)-1, x.GenreID)
		}
		if _, dup := idx[x.Name]; dup || x.Name == "" {
			return nil, nil, fmt.Errorf("%s: column name: genre name %q empty or repeated", GenresFile, x.Name)
		}
		idx[x.Name] = i
		names = append(names, x.Name)
	}
	return names, idx, nil
}

func checkOccupations(occ []tables.Occupation) (map[string]int32, error) {
	o := append([]tables.Occupation(nil), occ...)
	sort.Slice(o, func(i, j int) bool { return o[i].OccupationID < o[j].OccupationID })
	idx := map[string]int32{}
	for i, x := range o {
		if x.OccupationID != int32(i) {
			return nil, fmt.Errorf("%s: column occupation_id: ids must be 0..%d without gaps, found %d", OccupationsFile, len(o)-1, x.OccupationID)
		}
		if _, dup := idx[x.Name]; dup || x.Name == "" {
			return nil, fmt.Errorf("%s: column name: occupation %q empty or repeated", OccupationsFile, x.Name)
		}
		idx[x.Name] = int32(i)
	}
	return idx, nil
}

// Paths lists the files Write creates in dir, in writing order.
func Paths(dir string) []string {
	names := []string{MovieFeaturesFile, UserFeaturesFile, TextEmbeddingsFile, TrainSequencesFile, WindowsFile, PairsFile, TextEncoderFile}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = filepath.Join(dir, n)
	}
	return out
}

// Write writes every output file into dir, each atomically (temporary file
// renamed into place).
func (o *Output) Write(dir string) error {
	p := Paths(dir)
	steps := []func() error{
		func() error { return tables.Write(p[0], o.MovieFeatures) },
		func() error { return tables.Write(p[1], o.UserFeatures) },
		func() error { return tables.Write(p[2], o.TextEmbeddings) },
		func() error { return tables.Write(p[3], o.TrainSequences) },
		func() error { return tables.Write(p[4], o.Windows) },
		func() error { return tables.Write(p[5], o.Pairs) },
		func() error { return o.Encoder.Save(p[6]) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}
