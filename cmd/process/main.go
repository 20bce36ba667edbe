package main

import (
	_ "embed"
	"log"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/process"
)

var (
	rawFlag = &cli.StringFlag{
		Name:  "raw",
		Value: "data/raw/ml-100k",
		Usage: "raw dataset `DIR` (its files per data_processing.dataset: u.data, u.item, ... for ml-100k)",
	}
	outFlag = &cli.StringFlag{
		Name:  "out",
		Value: "data/processed",
		Usage: "`DIR` for movies, users, ratings, sequences, genres, occupations and tags .parquet",
	}
	metricsFlag = &cli.StringFlag{
		Name:  "metrics",
		Value: "metrics/process.json",
		Usage: "metrics `FILE`, written last",
	}
)

func main() { cliapp.Main(newApp()) }

func newApp() *cli.App {
	app := cliapp.NewApp("process", "validate, filter, order and split the raw MovieLens ratings into data/processed")
	app.UsageText = "process [--raw DIR] [--out DIR] [--metrics FILE] [--params FILE]... [--set KEY=VALUE]..."
	app.Description = description
	app.Flags = append(app.Flags, rawFlag, outFlag, metricsFlag)
	app.Action = func(c *cli.Context) error {
		p, err := cliapp.LoadParams(c)
		if err != nil {
			return err
		}
		if c.NArg() > 0 {
			return cliapp.Usagef("unexpected argument %q (process takes flags only)", c.Args().First())
		}
		paths := process.Paths{Raw: c.String(rawFlag.Name), Out: c.String(outFlag.Name), Metrics: c.String(metricsFlag.Name)}
		for _, f := range []struct{ name, val string }{{rawFlag.Name, paths.Raw}, {outFlag.Name, paths.Out}, {metricsFlag.Name, paths.Metrics}} {
			if f.val == "" {
				return cliapp.Usagef("--%s must not be empty", f.name)
			}
		}
		cfg, err := process.Decode(p)
		if err != nil {
			return err
		}
		log.Printf("params: %v", cfg)
		return process.Run(cfg, paths, p)
	}
	return app
}

// docSource is this package's doc.go: its package comment is the manual,
// and --help prints it (see manual).
//
//go:embed doc.go
var docSource string

// description is the manual, for --help.
var description = cliapp.Manual(docSource)
