package twotower

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/linalg"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/progress"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/tables"
	"github.com/moviegenie/pipeline/pkg/trainer"
)

// StageName is the name of the training stage (metrics, logs).
const StageName = "train-twotower"

// Files of data/processed the stage reads.
const (
	SequencesFile   = "sequences.parquet"
	OccupationsFile = "occupations.parquet"
)

// Files the stage writes in the vectors directory.
const (
	MovieVectorsFile = "twotower_movies.parquet"
	UserVectorsFile  = "twotower_users.parquet"
)

// Stage is one run of the train-twotower stage: where its inputs and
// outputs are, and its params.
type Stage struct {
	Processed string // data/processed (sequences, occupations)
	Features  string // data/features
	Model     string // models/twotower.bin
	Recs      string // data/recs/twotower.parquet
	Vectors   string // data/vectors
	Metrics   string // metrics/train-twotower.json

	Params *params.Params // the whole tree; its Section is recorded in the metrics
	Cfg    Config         // DecodeConfig(Params)
	Stderr io.Writer      // progress lines
}

// Inputs is what the stage trains and evaluates on, checked for
// consistency (ReadInputs).
type Inputs struct {
	Split       *eval.Split
	Users       *Users
	Movies      *Movies
	Sizes       Sizes
	Occupations []string // occupation names by occupation_idx
	Pairs       []Pair
}

// Run trains the model, picks its best epoch on the validation items,
// scores the test part, and writes the model file, the vectors, the recs
// file and, last, the metrics file.
func (st *Stage) Run() error {
	rec := runmetrics.Start(StageName)
	rec.SetParams(st.Params, Section)
	rec.Env.BLAS = linalg.Backend()
	cfg := st.Cfg
	rep := progress.New(st.Stderr, StageName, cfg.Epochs)

	in, err := ReadInputs(st.Processed, st.Features, rec)
	if err != nil {
		return err
	}
	if err := in.KeepTextComponents(cfg.TextComponents); err != nil {
		key := Section + ".text_components"
		return &params.Error{Where: st.Params.Where(key), Key: key, Value: cfg.TextComponents, Msg: err.Error()}
	}
	s := in.Split
	m, err := New(cfg, in.Users, in.Movies, in.Sizes)
	if err != nil {
		return err
	}
	m.Occupations = in.Occupations
	rep.Logf("%d users, %d movies, %d train pairs, E=%d F=%d P=%d user MLP %v movie MLP %v, τ=%g, log-Q weight %g, item bias %v, cold-start rate %g, blas %s",
		len(s.Users), in.Sizes.Movies, len(in.Pairs), cfg.EmbeddingDim, cfg.FeatureDim, cfg.TextDim, cfg.UserLayers, cfg.ItemLayers,
		cfg.Temperature, cfg.LogQWeight, cfg.ItemBias, cfg.ColdStartRate, linalg.Describe())
	if in.Sizes.NoDemographics {
		rep.Logf("no user demographics in the data: the user tower reads the user id and genre affinity only; no demographic cold start")
	}

	ev := newEvaluator(m, s)
	validate := func(m *Model) (map[string]float64, error) {
		return eval.Evaluate(s, eval.Validation, ev.rank(eval.Validation, false, 100), eval.RetrievalKs)
	}
	// Epoch lines show a few metrics and the selection one, not all of them.
	lines := &trainer.ShortProgress{Reporter: rep, Show: []string{"ndcg@10", "recall@50", "recall@100", cfg.SelectMetric}}
	res, err := Train(m, in.Pairs, Options{Validate: validate, Progress: lines})
	if err != nil {
		return err
	}
	rep.Done()
	res.Log(rep)
	coldVal, err := eval.Evaluate(s, eval.Validation, ev.rank(eval.Validation, true, 100), eval.RetrievalKs)
	if err != nil {
		return fmt.Errorf("evaluate cold-start validation: %w", err)
	}
	popVal, err := eval.Evaluate(s, eval.Validation, eval.Popularity(s, eval.Validation, 100), eval.RetrievalKs)
	if err != nil {
		return fmt.Errorf("evaluate popularity on validation: %w", err)
	}
	rep.Logf("validation cold-start: %v", coldVal)
	rep.Logf("validation popularity: %v", popVal)

	// Test: touched once, with the best epoch's weights.
	test, err := trainer.EvaluateTest(s, func(t eval.Target, k int) []eval.Ranking { return ev.rank(t, false, k) })
	if err != nil {
		return err
	}
	coldTest, err := eval.Evaluate(s, eval.Test, ev.rank(eval.Test, true, trainer.TopN), eval.RetrievalKs)
	if err != nil {
		return fmt.Errorf("evaluate cold-start test: %w", err)
	}
	rep.Logf("test twotower:   %v", test.Model)
	rep.Logf("test cold-start: %v", coldTest)
	rep.Logf("test popularity: %v", test.Popularity)
	rep.Logf("test itemknn:    %v", test.ItemKNN)

	// Outputs, metrics last.
	if err := m.Save(st.Model); err != nil {
		return err
	}
	if err := rec.AddOutput(st.Model); err != nil {
		return err
	}
	m.UserVectors(m.KnownUserRows(false), ev.userVecs)
	m.MovieVectors(ev.movieVecs)
	movieVecs, userVecs := ExportVectors(m, ev.movieVecs, ev.userVecs)
	mvPath, uvPath := filepath.Join(st.Vectors, MovieVectorsFile), filepath.Join(st.Vectors, UserVectorsFile)
	if err := tables.Write(mvPath, movieVecs); err != nil {
		return fmt.Errorf("write %s: %w", mvPath, err)
	}
	if err := tables.Write(uvPath, userVecs); err != nil {
		return fmt.Errorf("write %s: %w", uvPath, err)
	}
	for _, p := range []string{mvPath, uvPath} {
		if err := rec.AddOutput(p); err != nil {
			return err
		}
	}
	if err := test.WriteRecs(rec, st.Recs); err != nil {
		return err
	}
	rec.Rows["users"] = int64(len(s.Users))
	rec.Rows["movies"] = int64(in.Sizes.Movies)
	rec.Rows["train_pairs"] = int64(len(in.Pairs))
	rec.Rows["movie_vectors"] = int64(len(movieVecs))
	rec.Rows["user_vectors"] = int64(len(userVecs))
	test.Record(rec, "twotower")
	res.Record(rec)
	rec.Figures["architecture"] = Architecture
	rec.Figures["config"] = cfg
	rec.Figures["sizes"] = in.Sizes
	rec.Figures["num_params"] = m.P.Len() + m.Emb.Len()
	rec.Figures["select_metric"] = cfg.SelectMetric
	rec.Figures["cold_start_validation"] = coldVal
	rec.Figures["cold_start_test"] = coldTest
	rec.Figures["popularity_validation"] = popVal
	rec.Figures["cold_start"] = "users shown without their id embedding and genre affinity (the learned unknown-user row, the mean affinity): demographics only"
	rec.Figures["vectors"] = VectorsNote
	rec.Figures["split_target"] = "test: train+validation movies excluded; validation: train movies excluded"
	return rec.Finish(st.Metrics)
}

// Architecture describes the network, for the metrics file.
const Architecture = "two-tower retrieval (Yi et al. 2019): user tower = [user-id embedding | gender, age-bucket, occupation, zip-region embeddings (when the data has them) | genre affinity] -> MLP (ReLU, dropout) -> L2 norm; " +
	"movie tower = [movie-id embedding | genre multi-hot | decade embedding | text embedding · W] -> MLP (ReLU, dropout) -> L2 norm; " +
	"score = cos(u, v)/τ (+ learned movie bias); in-batch sampled softmax with log-Q correction (α·log of the movie's share of the train pairs), same-movie columns masked; AdamW; " +
	"cold-start training: a share of the rows see the unknown-user row and the mean genre affinity instead of the user's own"

// ReadInputs loads the stage's inputs from the processed and features
// directories, checks that they agree (same users and catalogue in the
// same order, pairs = the train parts, validation items = the split's),
// and records them in rec (nil: not recorded).
func ReadInputs(processed, featuresDir string, rec *runmetrics.Run) (*Inputs, error) {
	seqPath := filepath.Join(processed, SequencesFile)
	occPath := filepath.Join(processed, OccupationsFile)
	mfPath := filepath.Join(featuresDir, features.MovieFeaturesFile)
	ufPath := filepath.Join(featuresDir, features.UserFeaturesFile)
	tePath := filepath.Join(featuresDir, features.TextEmbeddingsFile)
	tsPath := filepath.Join(featuresDir, features.TrainSequencesFile)
	prPath := filepath.Join(featuresDir, features.PairsFile)
	if rec != nil {
		for _, p := range []string{seqPath, occPath, mfPath, ufPath, tePath, tsPath, prPath} {
			if err := rec.AddInput(p); err != nil {
				return nil, fmt.Errorf("input: %w", err)
			}
		}
	}
	s, err := eval.LoadSplit(seqPath)
	if err != nil {
		return nil, err
	}
	occ, err := tables.ReadMaybeEmpty[tables.Occupation](occPath) // no rows without demographics
	if err != nil {
		return nil, err
	}
	mf, err := tables.Read[features.MovieFeature](mfPath)
	if err != nil {
		return nil, err
	}
	uf, err := tables.Read[features.UserFeature](ufPath)
	if err != nil {
		return nil, err
	}
	te, err := features.ReadTextEmbeddings(tePath)
	if err != nil {
		return nil, err
	}
	ts, err := tables.ReadColumnar[features.TrainSequence](tsPath)
	if err != nil {
		return nil, err
	}
	pr, err := tables.ReadColumnar[features.Pair](prPath)
	if err != nil {
		return nil, err
	}
	in, err := Assemble(s, occ, mf, uf, te, ts, pr)
	if err != nil {
		return nil, err
	}
	if rec != nil {
		rec.AddCheck("catalogue matches the split", true, fmt.Sprintf("%d movies, movie_idx 1..%d by movie id", in.Sizes.Movies, in.Sizes.Movies))
		rec.AddCheck("users match the split", true, fmt.Sprintf("%d users, user_idx by user id", in.Sizes.Users))
		rec.AddCheck("pairs are the train parts, validation items the split's", true, fmt.Sprintf("%d pairs", len(in.Pairs)))
	}
	return in, nil
}

// KeepTextComponents keeps the first k components of every movie's text
// embedding (k = 0: all). It fails if the embeddings have fewer than k.
func (in *Inputs) KeepTextComponents(k int) error {
	T, N := in.Sizes.TextWidth, in.Sizes.Movies
	if k == 0 || k == T {
		return nil
	}
	if k > T {
		return fmt.Errorf("want at most %d or 0 (all): the text embeddings of %s have %d components", T, features.TextEmbeddingsFile, T)
	}
	text := make([]float32, N*k)
	for n := 0; n < N; n++ {
		copy(text[n*k:(n+1)*k], in.Movies.Text[n*T:n*T+k])
	}
	in.Movies.Text, in.Sizes.TextWidth = text, k
	return nil
}

// Assemble checks the tables against each other and builds the Inputs.
func Assemble(s *eval.Split, occ []tables.Occupation, mf []features.MovieFeature, uf []features.UserFeature,
	te []features.TextEmbedding, ts []features.TrainSequence, pr []features.Pair) (*Inputs, error) {
	N, U := len(s.Movies), len(s.Users)
	if len(mf) != N {
		return nil, fmt.Errorf("%s has %d movies, %s %d: rebuild the features", features.MovieFeaturesFile, len(mf), SequencesFile, N)
	}
	if len(mf[0].GenreMultiHot) == 0 || len(te[0].Embedding) == 0 {
		return nil, fmt.Errorf("%s or %s: empty genre or text vectors", features.MovieFeaturesFile, features.TextEmbeddingsFile)
	}
	G, T := len(mf[0].GenreMultiHot), len(te[0].Embedding)
	mv := &Movies{MovieIDs: make([]int32, N), Genres: make([]float32, 0, N*G), Decade: make([]int32, N), Text: make([]float32, 0, N*T)}
	for i, x := range mf {
		if x.MovieIdx != int32(i+1) || x.MovieID != s.Movies[i] {
			return nil, fmt.Errorf("%s row %d: movie_idx %d movie_id %d, want movie_idx %d movie_id %d (movies sorted by id)",
				features.MovieFeaturesFile, i, x.MovieIdx, x.MovieID, i+1, s.Movies[i])
		}
		if len(x.GenreMultiHot) != G {
			return nil, fmt.Errorf("%s row %d: %d genres, row 0 has %d", features.MovieFeaturesFile, i, len(x.GenreMultiHot), G)
		}
		mv.MovieIDs[i], mv.Decade[i] = x.MovieID, x.DecadeIdx
		mv.Genres = append(mv.Genres, x.GenreMultiHot...)
	}
	if len(te) != N {
		return nil, fmt.Errorf("%s has %d movies, want %d", features.TextEmbeddingsFile, len(te), N)
	}
	for i, x := range te {
		if x.MovieIdx != int32(i+1) || x.MovieID != s.Movies[i] {
			return nil, fmt.Errorf("%s row %d: movie_idx %d movie_id %d, want movie_idx %d movie_id %d", features.TextEmbeddingsFile, i, x.MovieIdx, x.MovieID, i+1, s.Movies[i])
		}
		if len(x.Embedding) != T {
			return nil, fmt.Errorf("%s row %d: embedding of %d, row 0 has %d", features.TextEmbeddingsFile, i, len(x.Embedding), T)
		}
		mv.Text = append(mv.Text, x.Embedding...)
	}

	if len(uf) != U {
		return nil, fmt.Errorf("%s has %d users, %s %d: rebuild the features", features.UserFeaturesFile, len(uf), SequencesFile, U)
	}
	us := &Users{UserIDs: make([]int32, U), Gender: make([]int32, U), AgeBucket: make([]int32, U),
		Occupation: make([]int32, U), ZipRegion: make([]int32, U), Affinity: make([]float32, 0, U*G)}
	for i, x := range uf {
		if x.UserIdx != int32(i) || x.UserID != s.Users[i].UserID {
			return nil, fmt.Errorf("%s row %d: user_idx %d user_id %d, want user_idx %d user_id %d (users sorted by id)",
				features.UserFeaturesFile, i, x.UserIdx, x.UserID, i, s.Users[i].UserID)
		}
		if len(x.GenreAffinity) != G {
			return nil, fmt.Errorf("%s row %d: %d genre affinities, want %d", features.UserFeaturesFile, i, len(x.GenreAffinity), G)
		}
		us.UserIDs[i], us.Gender[i], us.AgeBucket[i], us.Occupation[i], us.ZipRegion[i] = x.UserID, x.GenderIdx, x.AgeBucket, x.OccupationIdx, x.ZipRegionIdx
		us.Affinity = append(us.Affinity, x.GenreAffinity...)
	}

	names := make([]string, len(occ))
	for _, o := range occ {
		if o.OccupationID < 0 || int(o.OccupationID) >= len(occ) || names[o.OccupationID] != "" || o.Name == "" {
			return nil, fmt.Errorf("%s: occupation_id %d (%q): ids must be 0..%d, each once, with a name", OccupationsFile, o.OccupationID, o.Name, len(occ)-1)
		}
		names[o.OccupationID] = o.Name
	}

	sz := Sizes{Users: U, Movies: N, Genres: G, TextWidth: T, Genders: features.NumGenders, AgeBuckets: features.NumAgeBuckets,
		Occupations: len(occ), ZipRegions: features.NumZipRegions, Decades: features.NumDecades,
		NoDemographics: !slices.ContainsFunc(uf, features.HasDemographics)}
	if err := us.Check(sz); err != nil {
		return nil, fmt.Errorf("%s: %w", features.UserFeaturesFile, err)
	}
	if err := mv.Check(sz); err != nil {
		return nil, fmt.Errorf("%s, %s: %w", features.MovieFeaturesFile, features.TextEmbeddingsFile, err)
	}

	// Train sequences and pairs must be the split's train parts.
	if len(ts) != U {
		return nil, fmt.Errorf("%s has %d users, want %d", features.TrainSequencesFile, len(ts), U)
	}
	for i, q := range ts {
		u := &s.Users[i]
		if q.UserIdx != int32(i) || q.UserID != u.UserID {
			return nil, fmt.Errorf("%s row %d: user_idx %d user_id %d, want %d %d", features.TrainSequencesFile, i, q.UserIdx, q.UserID, i, u.UserID)
		}
		if !slices.Equal(s.MovieIdx(u.Train), q.Items) || !slices.Equal(s.MovieIdx(u.Val), q.ValItems) {
			return nil, fmt.Errorf("%s: user %d: train or validation items differ from %s: rebuild the features", features.TrainSequencesFile, q.UserID, SequencesFile)
		}
	}
	pairs := make([]Pair, len(pr))
	next := make([]int, U) // position in the user's train part
	for i, p := range pr {
		if p.UserIdx < 0 || int(p.UserIdx) >= U {
			return nil, fmt.Errorf("%s row %d: user_idx %d outside 0..%d", features.PairsFile, i, p.UserIdx, U-1)
		}
		items := ts[p.UserIdx].Items
		k := next[p.UserIdx]
		if k >= len(items) || items[k] != p.MovieIdx {
			return nil, fmt.Errorf("%s row %d: user_idx %d movie_idx %d is not the user's next train item: rebuild the features", features.PairsFile, i, p.UserIdx, p.MovieIdx)
		}
		next[p.UserIdx]++
		pairs[i] = Pair{User: p.UserIdx, Movie: p.MovieIdx - 1}
	}
	for u, k := range next {
		if k != len(ts[u].Items) {
			return nil, fmt.Errorf("%s: user %d has %d pairs, %d train items", features.PairsFile, s.Users[u].UserID, k, len(ts[u].Items))
		}
	}
	return &Inputs{Split: s, Users: us, Movies: mv, Sizes: sz, Occupations: names, Pairs: pairs}, nil
}

// evaluator scores every known user against every movie, evalChunk users
// at a time: scores for all users at once ([U, N]) would grow with users
// times movies (162K users × 59K movies of ML-25M: 38 GB).
type evaluator struct {
	m                   *Model
	s                   *eval.Split
	userVecs, movieVecs []float32
	scores              []float32
}

func newEvaluator(m *Model, s *eval.Split) *evaluator {
	D, U, N := m.Cfg.D(), m.Sizes.Users, m.Sizes.Movies
	return &evaluator{m: m, s: s, userVecs: make([]float32, U*D), movieVecs: make([]float32, N*D), scores: make([]float32, min(U, evalChunk(N))*N)}
}

// evalChunk is how many users' scores the evaluator holds at once: about
// 64 MiB of them (every user at once for ML-100K and ML-1M).
func evalChunk(N int) int { return max(64, (16<<20)/max(1, N)) }

// rank computes every user's top k for target t with the model's current
// weights; cold scores users as cold-start users. The split's users must
// be the model's (user_idx order).
func (ev *evaluator) rank(t eval.Target, cold bool, k int) []eval.Ranking {
	m, s := ev.m, ev.s
	U, N := m.Sizes.Users, m.Sizes.Movies
	m.UserVectors(m.KnownUserRows(cold), ev.userVecs)
	m.MovieVectors(ev.movieVecs)
	out := make([]eval.Ranking, U)
	D, R := m.Cfg.D(), evalChunk(N)
	for i0 := 0; i0 < U; i0 += R {
		r := min(R, U-i0)
		m.Score(ev.scores, ev.userVecs[i0*D:(i0+r)*D], r, ev.movieVecs)
		for i := i0; i < i0+r; i++ {
			out[i] = s.Rank(&s.Users[i], t, ev.scores[(i-i0)*N:(i-i0+1)*N], k)
		}
	}
	return out
}
