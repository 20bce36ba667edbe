package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/monitor"
)

func init() {
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
}
