package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/monitor"
)

// Flags shared by the monitoring commands.
var (
	metricsDirFlag = &cli.StringFlag{Name: "metrics-dir", Value: "metrics", Usage: "metrics directory (metrics/<stage>.json)"}
	runsDirFlag    = &cli.StringFlag{Name: "runs", Value: "runs", Usage: "directory of saved runs"}
	outDirFlag     = &cli.StringFlag{Name: "out", Value: "reports", Usage: "where charts and the report go"}
	processedFlag  = &cli.StringFlag{Name: "processed", Value: "data/processed", Usage: "processed data (for ratings.parquet)"}
	jsonFlag       = &cli.BoolFlag{Name: "json", Usage: "print JSON instead of tables"}
)

func init() {
	register(&cli.Command{
		Name:  "metrics",
		Usage: "show every stage's costs, row counts, params hash and checks, and the models side by side (like dvc metrics show)",
		Flags: []cli.Flag{metricsDirFlag, jsonFlag},
		Action: func(c *cli.Context) error {
			return showMetrics(c.App.Writer, c.String(metricsDirFlag.Name), c.Bool(jsonFlag.Name))
		},
	})
	register(&cli.Command{
		Name:  "metrics-diff",
		Usage: "compare params and metrics with a git revision, a saved run or the previous saved run (like dvc metrics diff / params diff)",
		Description: `With --rev REV the old side is metrics/ as committed at REV (git show).
With --run NAME it is runs/NAME (see pipeline runs). With the argument
"previous", or with nothing, it is the latest saved run that differs from
the workspace. Unchanged rows are hidden unless --all.`,
		ArgsUsage: "[previous]",
		Flags: []cli.Flag{
			metricsDirFlag, runsDirFlag, jsonFlag,
			&cli.StringFlag{Name: "rev", Usage: "compare with metrics/ at this git revision"},
			&cli.StringFlag{Name: "run", Usage: "compare with this saved run"},
			&cli.BoolFlag{Name: "all", Usage: "show unchanged rows too"},
		},
		Action: func(c *cli.Context) error {
			dir, runs := c.String(metricsDirFlag.Name), c.String(runsDirFlag.Name)
			rev, run := c.String("rev"), c.String("run")
			switch {
			case c.NArg() > 1 || (c.NArg() == 1 && c.Args().First() != "previous"):
				return cliapp.Usagef("metrics-diff: the only argument is \"previous\"; use --rev REV or --run NAME")
			case rev != "" && run != "", (rev != "" || run != "") && c.NArg() == 1:
				return cliapp.Usagef("metrics-diff: give one of --rev, --run or previous")
			}
			return diffMetrics(c.App.Writer, dir, runs, rev, run, c.Bool("all"), c.Bool(jsonFlag.Name))
		},
	})
	register(&cli.Command{
		Name:  "runs-save",
		Usage: "copy metrics/*.json into runs/<UTC time>-<git rev>/ unless they equal the latest saved run",
		Flags: []cli.Flag{metricsDirFlag, runsDirFlag,
			&cli.BoolFlag{Name: "force", Usage: "save even when nothing changed since the latest run"}},
		Action: func(c *cli.Context) error {
			dir, runs := c.String(metricsDirFlag.Name), c.String(runsDirFlag.Name)
			run, created, err := monitor.SaveWith(dir, runs, monitor.SaveOptions{
				Time: time.Now(), Rev: monitor.GitRev(dir), Dirty: monitor.GitDirty(dir), Force: c.Bool("force")})
			if err != nil {
				return err
			}
			if created {
				fmt.Fprintf(c.App.Writer, "saved %s (%d metrics files)\n", run.Dir, len(run.Stages))
			} else {
				fmt.Fprintf(c.App.Writer, "metrics unchanged since %s: nothing saved\n", run.Dir)
			}
			return nil
		},
	})
	register(&cli.Command{
		Name:  "runs",
		Usage: "list the saved runs with each model's ndcg@10",
		Flags: []cli.Flag{runsDirFlag},
		Action: func(c *cli.Context) error {
			runs, err := monitor.List(c.String(runsDirFlag.Name))
			if err != nil {
				return err
			}
			t, err := monitor.RunsTable(runs)
			if err != nil {
				return err
			}
			return t.WriteText(c.App.Writer)
		},
	})
	register(&cli.Command{
		Name:  "plots",
		Usage: "draw the charts (training curves, model comparison, interactions per user and movie) as PNG files",
		Flags: []cli.Flag{metricsDirFlag, processedFlag, outDirFlag},
		Action: func(c *cli.Context) error {
			snap, err := monitor.Load(c.String(metricsDirFlag.Name), c.String(metricsDirFlag.Name))
			if err != nil {
				return err
			}
			charts, err := plotAll(c.App.ErrWriter, snap, c.String(processedFlag.Name), c.String(outDirFlag.Name))
			if err != nil {
				return err
			}
			for _, p := range chartFiles(charts) {
				fmt.Fprintln(c.App.Writer, p)
			}
			return nil
		},
	})
	register(&cli.Command{
		Name:  "report",
		Usage: "draw the charts and write <out>/index.md: models, training, changes since the previous run, data, stages",
		Flags: []cli.Flag{metricsDirFlag, runsDirFlag, processedFlag, outDirFlag},
		Action: func(c *cli.Context) error {
			dir, out := c.String(metricsDirFlag.Name), c.String(outDirFlag.Name)
			snap, err := monitor.Load(dir, dir)
			if err != nil {
				return err
			}
			charts, err := plotAll(c.App.ErrWriter, snap, c.String(processedFlag.Name), out)
			if err != nil {
				return err
			}
			r := monitor.Report{Current: snap, ModelsChart: charts.Models, CurveCharts: charts.Curves,
				InteractionsChart: charts.Interactions, Generated: time.Now()}
			prev, ok, err := monitor.Previous(c.String(runsDirFlag.Name), snap)
			if err != nil {
				return err
			}
			if ok {
				if r.Previous, err = monitor.LoadRun(prev); err != nil {
					return err
				}
			}
			path := filepath.Join(out, "index.md")
			if err := monitor.WriteReport(path, r); err != nil {
				return err
			}
			fmt.Fprintln(c.App.Writer, path)
			return nil
		},
	})
}

func showMetrics(w io.Writer, dir string, asJSON bool) error {
	snap, err := monitor.Load(dir, dir)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(monitor.Summarize(snap))
	}
	tables := []*monitor.Table{monitor.StageTable(snap), monitor.ModelTable(snap), monitor.CurveTable(snap), monitor.RowsTable(snap)}
	if q := monitor.QualityTable(snap); q != nil {
		tables = append(tables, q)
	}
	if t := monitor.ServeTable(snap); t != nil {
		tables = append(tables, t)
	}
	return writeTables(w, tables...)
}

func diffMetrics(w io.Writer, dir, runsDir, rev, run string, all, asJSON bool) error {
	cur, err := monitor.Load(dir, "workspace")
	if err != nil {
		return err
	}
	var old *monitor.Snapshot
	switch {
	case rev != "":
		if old, err = monitor.LoadGit(dir, rev); err != nil {
			return cliapp.Usagef("metrics-diff: %v", err)
		}
	case run != "":
		r, err := monitor.FindRun(runsDir, run)
		if err != nil {
			return cliapp.Usagef("metrics-diff: %v", err)
		}
		if old, err = monitor.LoadRun(r); err != nil {
			return err
		}
	default:
		r, ok, err := monitor.Previous(runsDir, cur)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("metrics-diff: no saved run in %s differs from %s (save runs with `make runs-save`, or use --rev REV)", runsDir, dir)
		}
		if old, err = monitor.LoadRun(r); err != nil {
			return err
		}
	}
	changes := monitor.Diff(old, cur)
	if asJSON {
		return writeDiffJSON(w, old.Label, cur.Label, changes, all)
	}
	params, metrics := monitor.DiffTables(changes, old.Label, cur.Label, all)
	return writeTables(w, params, metrics)
}

// diffJSON is one row of `metrics-diff --json`.
type diffJSON struct {
	Stage   string   `json:"stage"`
	Kind    string   `json:"kind"`
	Key     string   `json:"key"`
	Status  string   `json:"status"`
	Old     any      `json:"old"`
	New     any      `json:"new"`
	Delta   *float64 `json:"delta,omitempty"`
	Percent *float64 `json:"percent,omitempty"`
}

func writeDiffJSON(w io.Writer, oldLabel, newLabel string, changes []monitor.Change, all bool) error {
	val := func(v monitor.Value) any {
		switch {
		case !v.Present:
			return nil
		case v.IsNum:
			return v.Num
		}
		return v.Str
	}
	rows := []diffJSON{}
	for _, c := range changes {
		if !all && !c.Changed() {
			continue
		}
		d := diffJSON{Stage: c.Stage, Kind: c.Kind, Key: c.Key, Status: c.Status(), Old: val(c.Old), New: val(c.New)}
		if v, ok := c.Delta(); ok {
			d.Delta = &v
		}
		if v, ok := c.Percent(); ok {
			d.Percent = &v
		}
		rows = append(rows, d)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"old": oldLabel, "new": newLabel, "changes": rows})
}

func writeTables(w io.Writer, ts ...*monitor.Table) error {
	for i, t := range ts {
		if i > 0 {
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
		}
		if err := t.WriteText(w); err != nil {
			return err
		}
	}
	return nil
}

func plotAll(stderr io.Writer, snap *monitor.Snapshot, processed, out string) (monitor.Charts, error) {
	charts, notes, err := monitor.PlotAll(snap, filepath.Join(processed, "ratings.parquet"), out)
	for _, n := range notes {
		fmt.Fprintf(stderr, "pipeline: %s\n", n)
	}
	return charts, err
}

func chartFiles(c monitor.Charts) []string {
	var out []string
	if c.Models != "" {
		out = append(out, c.Models)
	}
	out = append(out, c.Curves...)
	if c.Interactions != "" {
		out = append(out, c.Interactions)
	}
	return out
}
