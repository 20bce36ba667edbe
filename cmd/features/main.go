package main

import (
	_ "embed"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/features"
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
		cfg, err := features.ConfigFromParams(p)
		if err != nil {
			return err
		}
		st := &features.Stage{Processed: c.String(processedFlag.Name), Out: c.String(outFlag.Name),
			Metrics: c.String(metricsFlag.Name), Params: p, Cfg: cfg, Log: os.Stderr}
		return st.Run()
	}
	return app
}

// docSource is this package's doc.go, whose package comment is the manual.
//
//go:embed doc.go
var docSource string
