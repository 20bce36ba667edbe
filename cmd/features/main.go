package main

import (
	_ "embed"
	"fmt"
	"log"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

var (
	processedFlag = &cli.StringFlag{
		Name:  "processed",
		Value: "data/processed",
		Usage: "`DIR` holding movies, users, ratings, genres and occupations .parquet",
	}
	outFlag = &cli.StringFlag{
		Name:  "out",
		Value: "data/features",
		Usage: "`DIR` for the feature tables and text_encoder.bin",
	}
	metricsFlag = &cli.StringFlag{
		Name:  "metrics",
		Value: "metrics/features.json",
		Usage: "metrics `FILE`, written last",
	}
)

func main() { cliapp.Main(newApp()) }

func newApp() *cli.App {
	app := cliapp.NewApp("features", "compute movie and user features, text embeddings and model inputs from data/processed")
	app.UsageText = "features [--processed DIR] [--out DIR] [--metrics FILE] [--params FILE]... [--set KEY=VALUE]..."
	app.Description = cliapp.Manual(docSource)
	app.Flags = append(app.Flags, processedFlag, outFlag, metricsFlag)
	app.Action = func(c *cli.Context) error {
		if c.NArg() > 0 {
			return cliapp.Usagef("unexpected argument %q (features takes flags only)", c.Args().First())
		}
		for _, f := range []*cli.StringFlag{processedFlag, outFlag, metricsFlag} {
			if c.String(f.Name) == "" {
				return cliapp.Usagef("--%s must not be empty", f.Name)
			}
		}
		p, err := cliapp.LoadParams(c)
		if err != nil {
			return err
		}
		return run(p, c.String(processedFlag.Name), c.String(outFlag.Name), c.String(metricsFlag.Name))
	}
	return app
}

// run computes every output in memory, then writes them, then the metrics.
func run(p *params.Params, processed, out, metricsPath string) error {
	cfg, err := features.ConfigFromParams(p)
	if err != nil {
		return err
	}
	rec := runmetrics.Start("features")
	rec.SetParams(p, features.Section)

	t0 := time.Now()
	in, err := features.ReadInputs(processed)
	if err != nil {
		return err
	}
	for _, path := range features.InputPaths(processed) {
		if err := rec.AddInput(path); err != nil {
			return err
		}
	}
	readSec := time.Since(t0).Seconds()
	log.Printf("read %s: %d movies, %d users, %d interactions (%.2fs)", processed, len(in.Movies), len(in.Users), in.NumRatings(), readSec)

	t0 = time.Now()
	o, err := features.Build(in, cfg)
	if err != nil {
		return err
	}
	buildSec := time.Since(t0).Seconds()
	ts := o.Stats.Text
	log.Printf("text encoder: %d documents, vocabulary %d, dim %d of %d, explained variance %.4f (%.2fs)",
		ts.Documents, ts.Vocabulary, ts.Dim, ts.RequestedDim, ts.ExplainedVariance, o.Stats.TextSeconds)
	log.Printf("features: %d train + %d validation interactions, %d windows, title query hit@1 top-20 %.2f, top-100 among all %.2f (%.2fs)",
		o.Stats.TrainInteractions, o.Stats.ValInteractions, o.Stats.Windows, o.Stats.TitleQueryTop20Within20, o.Stats.TitleQueryTop100WithinAll, buildSec)

	t0 = time.Now()
	if err := o.Write(out); err != nil {
		return err
	}
	for _, path := range features.Paths(out) {
		if err := rec.AddOutput(path); err != nil {
			return err
		}
	}
	writeSec := time.Since(t0).Seconds()
	log.Printf("wrote %d files to %s (%.2fs)", len(features.Paths(out)), out, writeSec)

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
			"encoder_file":          filepath.Join(out, features.TextEncoderFile),
		},
		"shapes": map[string][]int{
			"movie_features.genre_multi_hot": {len(o.MovieFeatures), o.Stats.Genres},
			"user_features.genre_affinity":   {len(o.UserFeatures), o.Stats.Genres},
			"text_embeddings.embedding":      {len(o.TextEmbeddings), ts.Dim},
			"text_encoder.projection":        {ts.Vocabulary, ts.Dim},
		},
		"movie_index": map[string]any{"padding": features.PaddingIdx, "first": 1, "last": len(o.MovieFeatures), "mask": o.Stats.MaskIdx},
		"build":       build,
		"seconds":     map[string]float64{"read": readSec, "build": buildSec, "text_encoder": o.Stats.TextSeconds, "write": writeSec},
	}
	return rec.Finish(metricsPath)
}

// docSource is this package's doc.go, whose package comment is the manual.
//
//go:embed doc.go
var docSource string
