package main

import (
	_ "embed"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/quality"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

var (
	looFlag      = &cli.StringFlag{Name: "loo-params", Value: "params-loo.yaml", Usage: "params `FILE` layered on top for the leave_one_out split"}
	seedsFlag    = &cli.StringFlag{Name: "seeds", Value: "42,43,44", Usage: "comma-separated `SEEDS`"}
	modelsFlag   = &cli.StringFlag{Name: "models", Value: "bert4rec,twotower", Usage: "comma-separated `MODELS` (bert4rec, twotower)"}
	splitsFlag   = &cli.StringFlag{Name: "splits", Value: "temporal,leave_one_out", Usage: "comma-separated `SPLITS` (temporal, leave_one_out)"}
	binFlag      = &cli.StringFlag{Name: "bin", Value: "bin", Usage: "`DIR` of the stage binaries"}
	rawFlag      = &cli.StringFlag{Name: "raw", Value: "data/raw/ml-100k", Usage: "raw MovieLens 100K `DIR`"}
	outFlag      = &cli.StringFlag{Name: "out", Value: "build/quality", Usage: "`DIR` for every split's data and runs"}
	metricsFlag  = &cli.StringFlag{Name: "metrics", Value: "metrics/quality.json", Usage: "metrics `FILE`, written last"}
	finishedFlag = &cli.BoolFlag{Name: "finished-only", Usage: "train nothing: summarise the runs already finished with the current binaries, params and data"}
	stageFlag    = &cli.StringFlag{Name: "stage", Value: quality.StageName, Usage: "stage `NAME` the metrics file records (" + quality.ValidationName + " for the validation-fold study: one metrics file per stage)"}
)

func main() { cliapp.Main(newApp()) }

func newApp() *cli.App {
	app := cliapp.NewApp(quality.StageName, "train every model with several seeds under both splits; mean and sd of the metrics")
	app.UsageText = "quality [--params FILE]... [--set KEY=VALUE]... [--loo-params FILE] [--seeds LIST] [--models LIST] [--splits LIST] [--bin DIR] [--raw DIR] [--out DIR] [--metrics FILE]"
	app.Description = cliapp.Manual(docSource)
	app.Flags = append(app.Flags, looFlag, seedsFlag, modelsFlag, splitsFlag, binFlag, rawFlag, outFlag, metricsFlag, finishedFlag, stageFlag)
	app.Action = func(c *cli.Context) error {
		if c.NArg() > 0 {
			return cliapp.Usagef("unexpected argument %q (quality takes flags only)", c.Args().First())
		}
		plan, err := planOf(c)
		if err != nil {
			return err
		}
		rec := runmetrics.Start(c.String(stageFlag.Name))
		results, err := plan.Run()
		if err != nil {
			return err
		}
		plan.Record(rec, results)
		return rec.Finish(c.String(metricsFlag.Name))
	}
	return app
}

// planOf builds the plan from the flags; a bad list is a usage error
// naming the flag.
func planOf(c *cli.Context) (*quality.Plan, error) {
	for _, f := range []*cli.StringFlag{looFlag, binFlag, rawFlag, outFlag, metricsFlag, stageFlag} {
		if c.String(f.Name) == "" {
			return nil, cliapp.Usagef("--%s must not be empty", f.Name)
		}
	}
	p := &quality.Plan{
		Bin: c.String(binFlag.Name), Raw: c.String(rawFlag.Name), Out: c.String(outFlag.Name),
		Params: c.StringSlice(cliapp.ParamsFlag.Name), Sets: c.StringSlice(cliapp.SetFlag.Name), Log: os.Stderr,
		FinishedOnly: c.Bool(finishedFlag.Name),
	}
	for _, s := range list(c.String(seedsFlag.Name)) {
		seed, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, cliapp.Usagef("--seeds: %q is not an integer", s)
		}
		p.Seeds = append(p.Seeds, seed)
	}
	for _, name := range list(c.String(modelsFlag.Name)) {
		m, ok := quality.Models[name]
		if !ok {
			return nil, cliapp.Usagef("--models: unknown model %q (want bert4rec or twotower)", name)
		}
		p.Models = append(p.Models, m)
	}
	for _, name := range list(c.String(splitsFlag.Name)) {
		switch name {
		case "temporal":
			p.Splits = append(p.Splits, quality.Split{Name: name, Sets: []string{"data_processing.split=temporal"}})
		case "leave_one_out":
			p.Splits = append(p.Splits, quality.Split{Name: name, Params: []string{c.String(looFlag.Name)}, Sets: []string{"data_processing.split=leave_one_out"}})
		default:
			return nil, cliapp.Usagef("--splits: unknown split %q (want temporal or leave_one_out)", name)
		}
	}
	if len(p.Seeds) == 0 || len(p.Models) == 0 || len(p.Splits) == 0 {
		return nil, cliapp.Usagef("--seeds, --models and --splits need at least one value each")
	}
	// The params must load before hours of training start.
	if _, err := cliapp.LoadParams(c); err != nil {
		return nil, err
	}
	return p, nil
}

// list splits a comma-separated flag value, dropping empty items.
func list(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// docSource is this package's doc.go, whose package comment is the manual.
//
//go:embed doc.go
var docSource string
