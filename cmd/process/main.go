package main

import (
	_ "embed"
	"log"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
)

var (
	rawFlag = &cli.StringFlag{
		Name:  "raw",
		Value: "data/raw/ml-100k",
		Usage: "raw dataset `DIR` holding u.data, u.item, u.user, u.genre and u.occupation",
	}
	outFlag = &cli.StringFlag{
		Name:  "out",
		Value: "data/processed",
		Usage: "`DIR` for movies, users, ratings, sequences, genres and occupations .parquet",
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
		cfg := config{Raw: c.String(rawFlag.Name), Out: c.String(outFlag.Name), Metrics: c.String(metricsFlag.Name), Tree: p}
		for _, f := range []struct{ name, val string }{{rawFlag.Name, cfg.Raw}, {outFlag.Name, cfg.Out}, {metricsFlag.Name, cfg.Metrics}} {
			if f.val == "" {
				return cliapp.Usagef("--%s must not be empty", f.name)
			}
		}
		if cfg.Params, err = decodeParams(p); err != nil {
			return err
		}
		log.Printf("params: %v", cfg.Params)
		return run(cfg)
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
