package main

import (
	"io"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/semantic"
)

var (
	processedFlag  = &cli.StringFlag{Name: "processed", Value: "data/processed", Usage: "`DIR` holding genres.parquet and ratings.parquet"}
	featuresFlag   = &cli.StringFlag{Name: "features", Value: "data/features", Usage: "`DIR` holding movie_features.parquet, text_embeddings.parquet and text_encoder.bin"}
	buildIndexFlag = &cli.StringFlag{Name: "index", Value: "models/semantic.bin", Usage: "index `FILE` to write (search reads it with the same flag)"}
	metricsFlag    = &cli.StringFlag{Name: "metrics", Value: "metrics/semantic.json", Usage: "metrics `FILE`, written last"}
)

func buildCommand(stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "build",
		Usage:     "build the search index from data/processed and data/features (the Make stage)",
		UsageText: "semantic [--params FILE]... [--set KEY=VALUE]... build [--processed DIR] [--features DIR] [--index FILE] [--metrics FILE]",
		Flags:     []cli.Flag{processedFlag, featuresFlag, buildIndexFlag, metricsFlag},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return cliapp.Usagef("unexpected argument %q (build takes flags only)", c.Args().First())
			}
			st := &semantic.Stage{
				Processed: c.String(processedFlag.Name), Features: c.String(featuresFlag.Name),
				Index: c.String(buildIndexFlag.Name), Metrics: c.String(metricsFlag.Name), Log: stderr,
			}
			for _, f := range []*cli.StringFlag{processedFlag, featuresFlag, buildIndexFlag, metricsFlag} {
				if c.String(f.Name) == "" {
					return cliapp.Usagef("--%s must not be empty", f.Name)
				}
			}
			p, err := cliapp.LoadParams(c)
			if err != nil {
				return err
			}
			if st.Cfg, err = semantic.ConfigFromParams(p); err != nil {
				return err
			}
			st.Params = p
			return st.Run()
		},
	}
}
