package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

func init() {
	register(&cli.Command{
		Name:  "params-stamps",
		Usage: "write build/params/<section>.json so that it is newer than the stage's outputs exactly when the section differs from the params the outputs were built with",
		Description: `Each argument is SECTION=METRICS, e.g. data_processing=metrics/process.json.
The stamp of a section is made old (1970) when the current values equal the
params recorded in the stage's metrics file, and new when they differ, so
Make reruns a stage exactly when its params changed since its outputs were
built, whatever the edits in between. <section>.used.json keeps the params
the outputs were built with, for make why.`,
		ArgsUsage: "SECTION=METRICS...",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "dir", Value: "build/params", Usage: "stamp directory"},
		},
		Action: func(c *cli.Context) error {
			p, err := cliapp.LoadParams(c)
			if err != nil {
				return err
			}
			if c.NArg() == 0 {
				return cliapp.Usagef("params-stamps: name at least one SECTION=METRICS")
			}
			dir := c.String("dir")
			for _, arg := range c.Args().Slice() {
				sec, metricsPath, ok := strings.Cut(arg, "=")
				if !ok {
					return cliapp.Usagef("params-stamps: %q: want SECTION=METRICS", arg)
				}
				cur, err := p.CanonicalJSON(sec)
				if err != nil {
					return err
				}
				if err := stamp(filepath.Join(dir, sec+".json"), append(cur, '\n'), metricsPath); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

// oldTime marks a stamp that must not make its stage rerun.
var oldTime = time.Unix(0, 0)

// stamp writes the section's current values to path. If the stage's
// metrics file says its outputs were built with the same values, the stamp
// gets an old timestamp (no rerun); otherwise a current one (rerun).
func stamp(path string, cur []byte, metricsPath string) error {
	used, usedOK := usedParams(metricsPath)
	if usedOK {
		if err := writeIfChanged(strings.TrimSuffix(path, ".json")+".used.json", used); err != nil {
			return err
		}
	}
	if usedOK && bytes.Equal(used, cur) {
		if err := writeIfChanged(path, cur); err != nil {
			return err
		}
		return os.Chtimes(path, oldTime, oldTime)
	}
	// Params differ from those used (or the stage never ran): the stamp
	// must be newer than the outputs.
	changed, err := writeIfChangedReport(path, cur)
	if err != nil {
		return err
	}
	if !changed {
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		if mfi, err := os.Stat(metricsPath); err == nil && !fi.ModTime().After(mfi.ModTime()) {
			now := time.Now()
			return os.Chtimes(path, now, now)
		}
	}
	return nil
}

// usedParams returns the canonical JSON of the params recorded in a stage's
// metrics file.
func usedParams(metricsPath string) ([]byte, bool) {
	f, err := runmetrics.Read(metricsPath)
	if err != nil || f.Params == nil {
		return nil, false
	}
	b, err := json.MarshalIndent(f.Params, "", "  ")
	if err != nil {
		return nil, false
	}
	return append(b, '\n'), true
}

func writeIfChanged(path string, data []byte) error {
	_, err := writeIfChangedReport(path, data)
	return err
}

func writeIfChangedReport(path string, data []byte) (bool, error) {
	old, err := os.ReadFile(path)
	if err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	if err != nil && !os.IsNotExist(err) {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	return true, atomicfile.WriteFile(path, data)
}
