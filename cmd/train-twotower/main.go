package main

import (
	_ "embed"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/twotower"
)

var (
	processedFlag = &cli.StringFlag{Name: "processed", Value: "data/processed", Usage: "`DIR` holding sequences.parquet and occupations.parquet"}
	featuresFlag  = &cli.StringFlag{Name: "features", Value: "data/features", Usage: "`DIR` holding the feature tables"}
	modelFlag     = &cli.StringFlag{Name: "model", Value: "models/twotower.bin", Usage: "model `FILE` to write"}
	recsFlag      = &cli.StringFlag{Name: "recs", Value: "data/recs/twotower.parquet", Usage: "recommendations `FILE` to write (top 100 per user)"}
	vectorsFlag   = &cli.StringFlag{Name: "vectors", Value: "data/vectors", Usage: "`DIR` for twotower_movies.parquet and twotower_users.parquet"}
	metricsFlag   = &cli.StringFlag{Name: "metrics", Value: "metrics/train-twotower.json", Usage: "metrics `FILE`, written last"}
)

func main() { cliapp.Main(newApp()) }

func newApp() *cli.App {
	app := cliapp.NewApp(twotower.StageName, "train the two-tower retrieval model, pick the best epoch on validation, score the test part")
	app.UsageText = "train-twotower [--processed DIR] [--features DIR] [--model FILE] [--recs FILE] [--vectors DIR] [--metrics FILE] [--params FILE]... [--set KEY=VALUE]..."
	app.Description = cliapp.Manual(docSource)
	flags := []*cli.StringFlag{processedFlag, featuresFlag, modelFlag, recsFlag, vectorsFlag, metricsFlag}
	for _, f := range flags {
		app.Flags = append(app.Flags, f)
	}
	app.Action = func(c *cli.Context) error {
		if c.NArg() > 0 {
			return cliapp.Usagef("unexpected argument %q (train-twotower takes flags only)", c.Args().First())
		}
		for _, f := range flags {
			if c.String(f.Name) == "" {
				return cliapp.Usagef("--%s must not be empty", f.Name)
			}
		}
		p, err := cliapp.LoadParams(c)
		if err != nil {
			return err
		}
		cfg, err := twotower.DecodeConfig(p)
		if err != nil {
			return err
		}
		st := &twotower.Stage{
			Processed: c.String(processedFlag.Name), Features: c.String(featuresFlag.Name),
			Model: c.String(modelFlag.Name), Recs: c.String(recsFlag.Name), Vectors: c.String(vectorsFlag.Name),
			Metrics: c.String(metricsFlag.Name), Params: p, Cfg: cfg, Stderr: os.Stderr,
		}
		return st.Run()
	}
	return app
}

// docSource is this package's doc.go, whose package comment is the manual.
//
//go:embed doc.go
var docSource string
