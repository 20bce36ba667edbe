package bert4rec

import (
	"errors"
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
const StageName = "train-bert4rec"

// Stage is one run of the train-bert4rec stage: where its inputs and
// outputs are, and its params.
type Stage struct {
	Processed string // data/processed (sequences.parquet)
	Features  string // data/features (movie_features, train_sequences, bert4rec_windows)
	Model     string // models/bert4rec.bin
	Recs      string // data/recs/bert4rec.parquet
	Metrics   string // metrics/train-bert4rec.json

	Params *params.Params // the whole tree; its Section is recorded in the metrics
	Cfg    Config         // DecodeConfig(Params)
	Stderr io.Writer      // progress lines
}

// inputs is what the stage reads, checked for consistency.
type inputs struct {
	split    *eval.Split
	movieIDs []int32 // vocabulary: movie_idx i+1 -> movie id
	data     TrainData
	nWindows int
}

// rankChunk is how many users' scores evaluation holds at once: about 64
// MiB of them, a multiple of ScoreNext's batch so that the batches (and so
// the scores, bit for bit) do not depend on it. ML-100K and ML-1M fit in
// one chunk; ML-25M's 162K users × 59K movies would otherwise take 38 GB.
func rankChunk(V int) int { return max(scoreBatch, (16<<20)/max(1, V)/scoreBatch*scoreBatch) }

// Run trains the model, picks its best epoch on the validation items,
// scores the test part, and writes the model file, the recs file and, last,
// the metrics file.
func (st *Stage) Run() error {
	rec := runmetrics.Start(StageName)
	rec.SetParams(st.Params, Section)
	rec.Env.BLAS = linalg.Backend()
	rep := progress.New(st.Stderr, StageName, st.Cfg.Epochs)

	in, err := st.read(rec)
	if err != nil {
		return err
	}
	cfg := st.Cfg
	s, V := in.split, len(in.movieIDs)
	rep.Logf("%d users, %d movies, %d windows (mask_last %s), T=%d C=%d L=%d NH=%d, blas %s",
		len(s.Users), V, in.nWindows, cfg.MaskLast, cfg.MaxLen, cfg.HiddenSize, cfg.NumLayers, cfg.NumHeads, linalg.Describe())

	m := NewModel(cfg, V)
	m.MovieIDs = in.movieIDs
	// Users are scored rankChunk at a time, so that the scores held grow
	// with users plus movies, not their product.
	R := min(len(s.Users), rankChunk(V))
	scores := make([]float32, R*V)
	hists := make([][]int32, R)
	rankAll := func(t eval.Target, k int) []eval.Ranking {
		out := make([]eval.Ranking, len(s.Users))
		for i0 := 0; i0 < len(s.Users); i0 += R {
			r := min(R, len(s.Users)-i0)
			for i := range r {
				hists[i] = s.MovieIdx(s.Users[i0+i].History(t))
			}
			m.ScoreNext(hists[:r], scores)
			for i := range r {
				out[i0+i] = s.Rank(&s.Users[i0+i], t, scores[i*V:(i+1)*V], k)
			}
		}
		return out
	}
	validate := func(m *Model) (map[string]float64, error) {
		return eval.Evaluate(s, eval.Validation, rankAll(eval.Validation, 10), eval.DefaultKs)
	}

	// Epoch lines show the selection metrics, not all of them.
	lines := &trainer.ShortProgress{Reporter: rep, Show: []string{"ndcg@10", "recall@10"}}
	res, err := Train(m, in.data, Options{Validate: validate, Progress: lines})
	if err != nil {
		return err
	}
	rep.Done()
	res.Log(rep)

	// Test: touched once, with the best epoch's weights.
	test, err := trainer.EvaluateTest(s, rankAll)
	if err != nil {
		return err
	}
	rep.Logf("test bert4rec:   %v", test.Model)
	rep.Logf("test popularity: %v", test.Popularity)
	rep.Logf("test itemknn:    %v", test.ItemKNN)

	// Outputs, metrics last.
	if err := m.Save(st.Model); err != nil {
		return err
	}
	if err := rec.AddOutput(st.Model); err != nil {
		return err
	}
	if err := test.WriteRecs(rec, st.Recs); err != nil {
		return err
	}
	rec.Rows["users"] = int64(len(s.Users))
	rec.Rows["movies"] = int64(V)
	rec.Rows["windows"] = int64(in.nWindows)
	test.Record(rec, "bert4rec")
	res.Record(rec)
	rec.Figures["architecture"] = Architecture
	rec.Figures["config"] = cfg
	rec.Figures["num_params"] = m.P.Len()
	rec.Figures["examples_per_epoch"] = res.Examples
	rec.Figures["split_target"] = "test: history train+validation, train+validation movies excluded"
	return rec.Finish(st.Metrics)
}

// Architecture describes the network, for the metrics file.
const Architecture = "BERT4Rec (Sun et al. 2019) in the layout of the original TensorFlow code: " +
	"item + learned position embeddings, LayerNorm, dropout; post-LN transformer blocks " +
	"(multi-head self-attention, dropout, residual, LayerNorm; FFN dense-GELU(tanh)-dense, dropout, residual, LayerNorm); " +
	"masked-LM head dense-GELU-LayerNorm, output tied to the item embedding plus a bias, " +
	"full softmax over all items at the masked positions (Cloze); no dropout on attention probabilities"

// read loads and cross-checks the stage's inputs.
func (st *Stage) read(rec *runmetrics.Run) (*inputs, error) {
	seqPath := filepath.Join(st.Processed, SequencesFile)
	mfPath := filepath.Join(st.Features, features.MovieFeaturesFile)
	tsPath := filepath.Join(st.Features, features.TrainSequencesFile)
	wPath := filepath.Join(st.Features, features.WindowsFile)
	for _, p := range []string{seqPath, mfPath, tsPath, wPath} {
		if err := rec.AddInput(p); err != nil {
			return nil, fmt.Errorf("input: %w", err)
		}
	}
	s, err := eval.LoadSplit(seqPath)
	if err != nil {
		return nil, err
	}
	movies, err := tables.Read[features.MovieFeature](mfPath)
	if err != nil {
		return nil, err
	}
	seqs, err := tables.ReadColumnar[features.TrainSequence](tsPath)
	if err != nil {
		return nil, err
	}
	windows, err := tables.ReadColumnar[features.Window](wPath)
	if err != nil {
		return nil, err
	}
	if st.Cfg.MaxLen == 0 {
		// The windows carry their length: the features stage cut them to
		// at most max_sequence_length, and the first window of every user
		// with that many train items has exactly that length.
		for _, w := range windows {
			st.Cfg.MaxLen = max(st.Cfg.MaxLen, len(w.Items))
		}
		if st.Cfg.MaxLen < 2 {
			return nil, fmt.Errorf("%s: no window of 2 or more items", wPath)
		}
		if err := st.Cfg.Validate(); err != nil {
			var pe *params.Error
			if errors.As(err, &pe) {
				pe.Where = st.Params.Where(Section)
				pe.Msg = fmt.Sprintf("with the windows of %s (%d items)", wPath, st.Cfg.MaxLen)
			}
			return nil, err
		}
	}
	in, err := assemble(s, movies, seqs, windows, st.Cfg.MaxLen)
	if err != nil {
		return nil, err
	}
	rec.AddCheck("vocabulary matches the split's catalogue", true, fmt.Sprintf("%d movies, movie_idx 1..%d by movie id", len(movies), len(movies)))
	rec.AddCheck("train_sequences match the split's train and validation parts", true, fmt.Sprintf("%d users", len(seqs)))
	rec.AddCheck("windows within max_len, from the train part", true, fmt.Sprintf("%d windows, T=%d", len(windows), st.Cfg.MaxLen))
	return in, nil
}

// assemble checks that the feature files agree with the split (same
// movies in the same order, same train and validation parts, windows cut
// from the train parts and at most T long) and builds the training data.
func assemble(s *eval.Split, movies []features.MovieFeature, seqs []features.TrainSequence, windows []features.Window, T int) (*inputs, error) {
	if len(movies) != len(s.Movies) {
		return nil, fmt.Errorf("%s has %d movies, %s %d: rebuild the features", features.MovieFeaturesFile, len(movies), SequencesFile, len(s.Movies))
	}
	ids := make([]int32, len(movies))
	for i, mv := range movies {
		if mv.MovieIdx != int32(i+1) || mv.MovieID != s.Movies[i] {
			return nil, fmt.Errorf("%s row %d: movie_idx %d movie_id %d, want movie_idx %d movie_id %d (movies sorted by id)",
				features.MovieFeaturesFile, i, mv.MovieIdx, mv.MovieID, i+1, s.Movies[i])
		}
		ids[i] = mv.MovieID
	}
	V := len(ids)
	byUser := map[int32]*eval.User{}
	for i := range s.Users {
		byUser[s.Users[i].UserID] = &s.Users[i]
	}
	trainOf := make(map[int32][]int32, len(seqs)) // user_idx -> train items
	for _, q := range seqs {
		u := byUser[q.UserID]
		if u == nil {
			return nil, fmt.Errorf("%s: user %d is not in %s", features.TrainSequencesFile, q.UserID, SequencesFile)
		}
		if !slices.Equal(s.MovieIdx(u.Train), q.Items) || !slices.Equal(s.MovieIdx(u.Val), q.ValItems) {
			return nil, fmt.Errorf("%s: user %d: train or validation items differ from %s: rebuild the features", features.TrainSequencesFile, q.UserID, SequencesFile)
		}
		trainOf[q.UserIdx] = q.Items
	}
	if len(seqs) != len(s.Users) {
		return nil, fmt.Errorf("%s has %d users, %s %d: rebuild the features", features.TrainSequencesFile, len(seqs), SequencesFile, len(s.Users))
	}
	in := &inputs{split: s, movieIDs: ids, nWindows: len(windows)}
	for i, w := range windows {
		tr, ok := trainOf[w.UserIdx]
		if !ok {
			return nil, fmt.Errorf("%s row %d: user_idx %d has no train sequence", features.WindowsFile, i, w.UserIdx)
		}
		if len(w.Items) > T {
			return nil, fmt.Errorf("%s row %d: window of %d items, longer than max_len %d: the features were cut with another max_sequence_length", features.WindowsFile, i, len(w.Items), T)
		}
		if err := checkWindow(w.Items, T, V); err != nil {
			return nil, fmt.Errorf("%s row %d: %w", features.WindowsFile, i, err)
		}
		if st := int(w.Start); st < 0 || st+len(w.Items) > len(tr) || !slices.Equal(tr[st:st+len(w.Items)], w.Items) {
			return nil, fmt.Errorf("%s row %d: window is not the train part of user_idx %d at %d", features.WindowsFile, i, w.UserIdx, w.Start)
		}
		in.data.Windows = append(in.data.Windows, w.Items)
		in.data.Seqs = append(in.data.Seqs, tr)
		// The most recent window ends with the user's last train item.
		in.data.Recent = append(in.data.Recent, int(w.Start)+len(w.Items) == len(tr))
	}
	return in, nil
}
