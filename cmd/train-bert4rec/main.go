package main

import (
	_ "embed"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/bert4rec"
	"github.com/moviegenie/pipeline/pkg/cliapp"
)

var (
	processedFlag = &cli.StringFlag{Name: "processed", Value: "data/processed", Usage: "`DIR` holding sequences.parquet"}
	featuresFlag  = &cli.StringFlag{Name: "features", Value: "data/features", Usage: "`DIR` holding movie_features, train_sequences and bert4rec_windows .parquet"}
	modelFlag     = &cli.StringFlag{Name: "model", Value: "models/bert4rec.bin", Usage: "model `FILE` to write"}
	recsFlag      = &cli.StringFlag{Name: "recs", Value: "data/recs/bert4rec.parquet", Usage: "recommendations `FILE` to write (top 100 per user)"}
	metricsFlag   = &cli.StringFlag{Name: "metrics", Value: "metrics/train-bert4rec.json", Usage: "metrics `FILE`, written last"}
)

func main() { cliapp.Main(newApp()) }

func newApp() *cli.App {
	app := cliapp.NewApp(bert4rec.StageName, "train BERT4Rec, pick the best epoch on validation, score the test part")
	app.UsageText = "train-bert4rec [--processed DIR] [--features DIR] [--model FILE] [--recs FILE] [--metrics FILE] [--params FILE]... [--set KEY=VALUE]..."
	app.Description = cliapp.Manual(docSource)
	app.Flags = append(app.Flags, processedFlag, featuresFlag, modelFlag, recsFlag, metricsFlag)
	app.Action = func(c *cli.Context) error {
		if c.NArg() > 0 {
			return cliapp.Usagef("unexpected argument %q (train-bert4rec takes flags only)", c.Args().First())
		}
		st := &bert4rec.Stage{
			Processed: c.String(processedFlag.Name), Features: c.String(featuresFlag.Name),
			Model: c.String(modelFlag.Name), Recs: c.String(recsFlag.Name), Metrics: c.String(metricsFlag.Name),
			Stderr: os.Stderr,
		}
		for _, f := range []*cli.StringFlag{processedFlag, featuresFlag, modelFlag, recsFlag, metricsFlag} {
			if c.String(f.Name) == "" {
				return cliapp.Usagef("--%s must not be empty", f.Name)
			}
		}
		p, err := cliapp.LoadParams(c)
		if err != nil {
			return err
		}
		if st.Cfg, err = bert4rec.DecodeConfig(p); err != nil {
			return err
		}
		st.Params = p
		return st.Run()
	}
	return app
}

// docSource is this package's doc.go, whose package comment is the manual.
//
//go:embed doc.go
var docSource string
