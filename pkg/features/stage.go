package features

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// StageName is the name of the features stage (metrics, logs).
const StageName = "features"

// Stage is one run of the features stage: where its inputs and outputs
// are, and its params.
type Stage struct {
	Processed string // data/processed: movies, users, ratings, genres, occupations .parquet
	Out       string // data/features: the outputs (Paths)
	Metrics   string // metrics/features.json, written last

	Params *params.Params // the whole tree; its Section is recorded in the metrics
	Cfg    Config         // ConfigFromParams(Params)
	Log    io.Writer      // progress lines; nil for none
}

// Run computes every output in memory, then writes them (each to a
// temporary file renamed into place), then the metrics file.
func (st *Stage) Run() error {
	processed, out, cfg := st.Processed, st.Out, st.Cfg
	logf := func(format string, args ...any) {
		if st.Log != nil {
			fmt.Fprintf(st.Log, StageName+": "+format+"\n", args...)
		}
	}
	rec := runmetrics.Start(StageName)
	rec.SetParams(st.Params, Section)

	t0 := time.Now()
	in, err := ReadInputs(processed)
	if err != nil {
		return err
	}
	for _, path := range InputPaths(processed) {
		if err := rec.AddInput(path); err != nil {
			return err
		}
	}
	readSec := time.Since(t0).Seconds()
	logf("read %s: %d movies, %d users, %d interactions (%.2fs)", processed, len(in.Movies), len(in.Users), in.NumRatings(), readSec)

	t0 = time.Now()
	o, err := Build(in, cfg)
	if err != nil {
		return err
	}
	buildSec := time.Since(t0).Seconds()
	ts := o.Stats.Text
	logf("text encoder: %d documents, vocabulary %d, dim %d of %d, explained variance %.4f (%.2fs)",
		ts.Documents, ts.Vocabulary, ts.Dim, ts.RequestedDim, ts.ExplainedVariance, o.Stats.TextSeconds)
	logf("features: %d train + %d validation interactions, %d windows, title query hit@1 top-20 %.2f, top-100 among all %.2f (%.2fs)",
		o.Stats.TrainInteractions, o.Stats.ValInteractions, o.Stats.Windows, o.Stats.TitleQueryTop20Within20, o.Stats.TitleQueryTop100WithinAll, buildSec)

	t0 = time.Now()
	if err := o.Write(out); err != nil {
		return err
	}
	for _, path := range Paths(out) {
		if err := rec.AddOutput(path); err != nil {
			return err
		}
	}
	writeSec := time.Since(t0).Seconds()
	logf("wrote %d files to %s (%.2fs)", len(Paths(out)), out, writeSec)

	rec.Rows = map[string]int64{
		"movies": int64(len(in.Movies)), "users": int64(len(in.Users)), "ratings": int64(in.NumRatings()),
		"movie_features": int64(len(o.MovieFeatures)), "user_features": int64(len(o.UserFeatures)),
		"text_embeddings": int64(len(o.TextEmbeddings)), "train_sequences": int64(len(o.TrainSequences)),
		"bert4rec_windows": int64(len(o.Windows)), "twotower_pairs": int64(len(o.Pairs)),
	}
	rec.Checks = o.Checks()
	sv := ts.SingularValues
	build := o.Stats
	build.Text.SingularValues = nil // the top ones are below; all are in text_encoder.bin
	rec.Figures = map[string]any{
		"effective_embedding_dim": ts.Dim,
		"requested_embedding_dim": ts.RequestedDim,
		"svd_explained_variance":  ts.ExplainedVariance,
		"vocabulary_size":         ts.Vocabulary,
		"text_encoder": map[string]any{
			"documents": ts.Documents, "empty_documents": ts.EmptyDocuments, "nonzeros": ts.NonZeros,
			"method":                fmt.Sprintf("TF-IDF, randomized SVD (oversampling %d, %d power iterations, seed %d)", cfg.SVDOversampling, cfg.SVDPowerIterations, cfg.Seed),
			"singular_values_top10": sv[:min(10, len(sv))],
			"singular_value_last":   sv[len(sv)-1],
			"seconds":               o.Stats.TextSeconds,
			"encoder_file":          filepath.Join(out, TextEncoderFile),
		},
		"shapes": map[string][]int{
			"movie_genre_multi_hot":     {len(o.MovieFeatures), o.Stats.Genres},
			"user_genre_affinity":       {len(o.UserFeatures), o.Stats.Genres},
			"text_embeddings.embedding": {len(o.TextEmbeddings), ts.Dim},
			"text_encoder.projection":   {ts.Vocabulary, ts.Dim},
		},
		"movie_index": map[string]any{"padding": PaddingIdx, "first": 1, "last": len(o.MovieFeatures), "mask": o.Stats.MaskIdx},
		"build":       build,
		"seconds":     map[string]float64{"read": readSec, "build": buildSec, "text_encoder": o.Stats.TextSeconds, "write": writeSec},
	}
	return rec.Finish(st.Metrics)
}
