package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/stages"
)

func init() {
	register(&cli.Command{
		Name:  "stage-check",
		Usage: "make each stage's stamp new when its outputs or params no longer match its record, old (1970) when they do",
		Description: `Run by the Makefile on every make invocation (make -n too), before Make
compares any timestamp. Each argument is a stage as the Makefile declares
it: "NAME;SECTION;INPUTS;OUTPUTS". A stage whose record is missing, whose
params section differs from the one it last ran with, or one of whose
outputs was deleted or changed since (size, then SHA-256 when the mtime
moved) gets a new stamp, so Make reruns it and everything after it. With
--clean-temp it also removes the temporary files killed stages left beside
their outputs (the Makefile passes it only while it holds the build lock).`,
		ArgsUsage: "SPEC...",
		Flags: []cli.Flag{stateFlag,
			&cli.BoolFlag{Name: "clean-temp", Usage: "remove stale .<output>.tmp-* files (only when no build runs)"}},
		Action: func(c *cli.Context) error {
			p, err := cliapp.LoadParams(c)
			if err != nil {
				return err
			}
			specs, err := stages.ParseSpecs(c.Args().Slice())
			if err != nil {
				return cliapp.Usagef("stage-check: %v", err)
			}
			dir := c.String(stateFlag.Name)
			if err := stages.WriteDeclared(dir, specs); err != nil {
				return err
			}
			now := time.Now()
			var all []string
			for _, sp := range specs {
				cur, err := sectionJSON(p, sp.Section)
				if err != nil {
					return err
				}
				reasons, err := stages.Check(dir, sp, cur)
				if err != nil {
					return fmt.Errorf("stage-check %s: %w", sp.Name, err)
				}
				if err := stages.WriteStamp(dir, sp, cur, reasons, now); err != nil {
					return fmt.Errorf("stage-check %s: %w", sp.Name, err)
				}
				all = append(all, sp.Outputs...)
				all = append(all, stages.RecordPath(dir, sp.Name), stages.StampPath(dir, sp.Name))
			}
			if c.Bool("clean-temp") {
				removed, err := stages.RemoveTemps(all)
				for _, r := range removed {
					fmt.Fprintf(c.App.ErrWriter, "pipeline: removed %s, left by an interrupted stage\n", r)
				}
				return err
			}
			return nil
		},
	})
	register(&cli.Command{
		Name:  "stage-record",
		Usage: "record a stage's finished run: its params section and each output's size, mtime and SHA-256",
		Description: `The last line of every stage's recipe. The record (<state>/NAME.json) is
the stage's one real Make target; it is written only after the stage's
command succeeded, atomically, so an interrupted stage never counts as
done. A declared output the command did not write is an error. The
stage's declaration is the one stage-check saved at the start of this
make run.`,
		ArgsUsage: "STAGE",
		Flags:     []cli.Flag{stateFlag},
		Action: func(c *cli.Context) error {
			p, err := cliapp.LoadParams(c)
			if err != nil {
				return err
			}
			if c.NArg() != 1 {
				return cliapp.Usagef("stage-record: name exactly one stage")
			}
			dir := c.String(stateFlag.Name)
			sp, err := stages.Declared(dir, c.Args().First())
			if err != nil {
				return err
			}
			cur, err := sectionJSON(p, sp.Section)
			if err != nil {
				return err
			}
			return stages.Write(dir, sp, cur, time.Now())
		},
	})
	register(&cli.Command{
		Name:      "dag",
		Usage:     "draw the stage graph from the Makefile's stage declarations",
		ArgsUsage: "SPEC...",
		Flags:     []cli.Flag{&cli.StringFlag{Name: "format", Value: "text", Usage: "text, mermaid or dot"}},
		Action: func(c *cli.Context) error {
			specs, err := stages.ParseSpecs(c.Args().Slice())
			if err != nil {
				return cliapp.Usagef("dag: %v", err)
			}
			f := c.String("format")
			if err := stages.WriteDAG(c.App.Writer, specs, f); err != nil {
				return cliapp.Usagef("dag: %v", err)
			}
			return nil
		},
	})
}

// sectionJSON is the canonical JSON of a params section, nil for a stage
// without one.
func sectionJSON(p *params.Params, section string) (json.RawMessage, error) {
	if section == "" {
		return nil, nil
	}
	b, err := p.CanonicalJSON(section)
	if err != nil {
		return nil, fmt.Errorf("params section %s: %w", section, err)
	}
	return b, nil
}
