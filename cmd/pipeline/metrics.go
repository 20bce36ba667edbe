package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/monitor"
)

func init() {
	register(&cli.Command{
		Name:  "metrics",
		Usage: "show every stage's costs, row counts, params hash and checks, and the models side by side (like dvc metrics show)",
		Description: `Reads every *.json file of --metrics-dir. The built-in stages come first,
in processing order ("missing" when a stage has not written its file);
other stages' files follow by name. A JSON file that is not a pipeline
metrics file (no "stage" field) is listed as such and otherwise ignored.`,
		Flags: []cli.Flag{metricsDirFlag, jsonFlag},
		Action: func(c *cli.Context) error {
			return showMetrics(c.App.Writer, c.String(metricsDirFlag.Name), c.Bool(jsonFlag.Name))
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
	for _, q := range []*monitor.Table{monitor.QualityTable(snap), monitor.QualityValidationTable(snap)} {
		if q != nil {
			tables = append(tables, q)
		}
	}
	if t := monitor.ServeTable(snap); t != nil {
		tables = append(tables, t)
	}
	return writeTables(w, tables...)
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
