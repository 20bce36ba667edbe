package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/monitor"
	"github.com/moviegenie/pipeline/pkg/progress"
)

func init() {
	register(&cli.Command{
		Name:  "metrics-diff",
		Usage: "compare the metrics and the params they were made with to a git revision, a saved run or the previous saved run (like dvc metrics diff)",
		Description: `With --rev REV the old side is metrics/ as committed at REV (git show).
With --run NAME it is runs/NAME (see pipeline runs). With the argument
"previous", or with nothing, it is the latest saved run that differs from
the workspace. The models' test metrics come first, then the params the
stages ran with, then the other figures (row counts, checks, curves).
Unchanged rows, and timings (wall and CPU time, memory, per-epoch seconds:
noise from one run to the next), are hidden unless --all. Times and sizes
are shown in human units. For params as they are now, before any run,
see params-diff.`,
		ArgsUsage: "[previous]",
		Flags: []cli.Flag{
			metricsDirFlag, runsDirFlag, jsonFlag,
			&cli.StringFlag{Name: "rev", Usage: "compare with metrics/ at this git revision"},
			&cli.StringFlag{Name: "run", Usage: "compare with this saved run"},
			&cli.BoolFlag{Name: "all", Usage: "show unchanged rows and timings too"},
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
			return fmt.Errorf("metrics-diff: no saved run in %s differs from %s (each make all saves one; or use --rev REV)", runsDir, dir)
		}
		if old, err = monitor.LoadRun(r); err != nil {
			return err
		}
	}
	changes := monitor.Diff(old, cur)
	if asJSON {
		return writeDiffJSON(w, old.Label, cur.Label, changes, all)
	}
	// The tables name each side's dataset: runs of two datasets differ in
	// everything, and that is the reason.
	label := func(s *monitor.Snapshot) string {
		if d := monitor.Dataset(s); d != "" {
			return s.Label + " (" + d + ")"
		}
		return s.Label
	}
	return writeTables(w, diffTables(changes, label(old), label(cur), all)...)
}

// timingKey reports whether a metric is a time or memory measurement,
// which differs from run to run without anything having changed.
func timingKey(key string) bool {
	switch key {
	case "wall_seconds", "cpu_seconds", "peak_rss_bytes":
		return true
	}
	return strings.HasPrefix(key, "figures.") && (strings.Contains(key, "seconds") || strings.HasSuffix(key, "_ms") || strings.Contains(key, "rss"))
}

// human shows a value in the units its key implies: durations for
// *seconds*, binary sizes for *bytes*, numbers otherwise.
func human(key string, v monitor.Value) string {
	if !v.Present || !v.IsNum {
		return v.String()
	}
	switch {
	case strings.Contains(key, "seconds"):
		return durationString(v.Num)
	case strings.HasSuffix(key, "bytes"):
		return monitor.Bytes(int64(v.Num))
	}
	return v.String()
}

func durationString(s float64) string {
	sign := ""
	if s < 0 {
		sign, s = "-", -s
	}
	if s < 1 {
		return fmt.Sprintf("%s%.0fms", sign, s*1000)
	}
	return sign + progress.Duration(time.Duration(s*float64(time.Second)))
}

func humanDelta(key string, c monitor.Change) string {
	d, ok := c.Delta()
	if !ok {
		return ""
	}
	sign := "+"
	if d < 0 || math.Signbit(d) {
		sign = ""
	}
	switch {
	case strings.Contains(key, "seconds"):
		if d >= 0 {
			return "+" + durationString(d)
		}
		return durationString(d)
	case strings.HasSuffix(key, "bytes"):
		if d < 0 {
			return "-" + monitor.Bytes(int64(-d))
		}
		return "+" + monitor.Bytes(int64(d))
	}
	return sign + monitor.FormatNum(d)
}

// diffTables lays a Diff out as three tables: the models' metrics, the
// params, the other metrics. Unchanged rows and timings are left out
// unless all is set; a note says how many.
func diffTables(changes []monitor.Change, oldLabel, newLabel string, all bool) []*monitor.Table {
	arrow := " (" + oldLabel + " → " + newLabel + ")"
	models := &monitor.Table{Title: "Models" + arrow, Header: []string{"model", "metric", "stage", oldLabel, newLabel, "change", "change %"},
		Right: []bool{false, false, false, true, true, true, true}}
	params := &monitor.Table{Title: "Params" + arrow, Header: []string{"stage", "param", oldLabel, newLabel, "change", "change %"},
		Right: []bool{false, false, true, true, true, true}}
	other := &monitor.Table{Title: "Other metrics" + arrow, Header: []string{"stage", "metric", oldLabel, newLabel, "change", "change %"},
		Right: []bool{false, false, true, true, true, true}}
	hiddenSame, hiddenTiming := 0, 0
	for _, c := range changes {
		if !all && timingKey(c.Key) && c.Kind == monitor.KindMetric {
			hiddenTiming++
			continue
		}
		if !all && !c.Changed() {
			hiddenSame++
			continue
		}
		row := []string{human(c.Key, c.Old), human(c.Key, c.New), humanDelta(c.Key, c), c.PercentString()}
		switch {
		case c.Kind == monitor.KindParam:
			params.Rows = append(params.Rows, append([]string{c.Stage, c.Key}, row...))
		case strings.HasPrefix(c.Key, "models."):
			model, metric, _ := strings.Cut(strings.TrimPrefix(c.Key, "models."), ".")
			models.Rows = append(models.Rows, append([]string{model, metric, c.Stage}, row...))
		default:
			other.Rows = append(other.Rows, append([]string{c.Stage, c.Key}, row...))
		}
	}
	for _, t := range []*monitor.Table{models, params, other} {
		if len(t.Rows) == 0 {
			t.Note = "(no changes)"
		}
	}
	var hidden []string
	if hiddenSame > 0 {
		hidden = append(hidden, fmt.Sprintf("%d unchanged rows", hiddenSame))
	}
	if hiddenTiming > 0 {
		hidden = append(hidden, fmt.Sprintf("%d timing rows (wall, CPU, memory: they vary from run to run)", hiddenTiming))
	}
	if len(hidden) > 0 {
		note := "hidden: " + strings.Join(hidden, ", ") + "; ALL=1 (--all) shows them"
		if other.Note != "" {
			other.Note += "\n" + note
		} else {
			other.Note = note
		}
	}
	return []*monitor.Table{models, params, other}
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
