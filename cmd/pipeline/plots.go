package main

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/monitor"
)

func init() {
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
