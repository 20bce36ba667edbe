package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/monitor"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/stages"
)

func init() {
	register(&cli.Command{
		Name:  "params-diff",
		Usage: "compare the params as they are now with those each stage last ran with (or with a git revision), key by key, and say which stages will rerun",
		Description: `Like dvc params diff. Each argument is a stage as the Makefile declares it
("NAME;SECTION;INPUTS;OUTPUTS"). Without --rev the old side of each stage's
section is the params its last finished run used (its record in --state),
so the answer is what make all will rerun for params. With --rev REV the
old side is the --params files as committed at REV (overrides given with
--set apply to the new side only).`,
		ArgsUsage: "SPEC...",
		Flags: []cli.Flag{stateFlag,
			&cli.StringFlag{Name: "rev", Usage: "compare with the params files at this git revision"},
			&cli.BoolFlag{Name: "all", Usage: "show unchanged keys too"}},
		Action: func(c *cli.Context) error {
			cur, err := cliapp.LoadParams(c)
			if err != nil {
				return err
			}
			specs, err := stages.ParseSpecs(c.Args().Slice())
			if err != nil {
				return cliapp.Usagef("params-diff: %v", err)
			}
			old, oldLabel, err := oldParams(c, specs)
			if err != nil {
				return err
			}
			return writeParamsDiff(c.App.Writer, specs, old, cur, oldLabel, c.Bool("all"))
		},
	})
}

// oldParams returns, per stage, the old side of its section.
func oldParams(c *cli.Context, specs []stages.Spec) (map[string]json.RawMessage, string, error) {
	out := map[string]json.RawMessage{}
	rev := c.String("rev")
	if rev == "" {
		for _, sp := range specs {
			rec, ok, err := stages.ReadRecord(stages.RecordPath(c.String(stateFlag.Name), sp.Name))
			if err != nil {
				return nil, "", err
			}
			if ok {
				out[sp.Name] = rec.Params
			}
		}
		return out, "last run", nil
	}
	dir, err := os.MkdirTemp("", "params-diff-")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(dir)
	var files []string
	for i, f := range c.StringSlice(cliapp.ParamsFlag.Name) {
		data, err := exec.Command("git", "show", rev+":./"+filepath.ToSlash(f)).Output()
		if err != nil {
			return nil, "", cliapp.Usagef("params-diff: %s at %s: %v (is %q a commit, and was the file committed there?)", f, rev, err, rev)
		}
		path := filepath.Join(dir, fmt.Sprintf("%d-%s", i, filepath.Base(f)))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, "", err
		}
		files = append(files, path)
	}
	p, err := params.Load(files, nil)
	if err != nil {
		return nil, "", fmt.Errorf("params at %s: %w", rev, err)
	}
	for _, sp := range specs {
		if sp.Section != "" {
			b, err := p.CanonicalJSON(sp.Section)
			if err != nil {
				return nil, "", err
			}
			out[sp.Name] = b
		}
	}
	return out, rev, nil
}

func writeParamsDiff(w io.Writer, specs []stages.Spec, old map[string]json.RawMessage, cur *params.Params, oldLabel string, all bool) error {
	t := &monitor.Table{Title: "Params", Header: []string{"stage", "key", oldLabel, "now"}}
	var changed []string
	for _, sp := range specs {
		if sp.Section == "" {
			continue
		}
		now, err := sectionJSON(cur, sp.Section)
		if err != nil {
			return err
		}
		before, ran := old[sp.Name]
		if !ran {
			changed = append(changed, sp.Name)
			t.Rows = append(t.Rows, []string{sp.Name, sp.Section + ".*", "(never ran)", "-"})
			continue
		}
		diff := stages.ParamChanges(before, now)
		if len(diff) > 0 {
			changed = append(changed, sp.Name)
		}
		for _, ch := range diff {
			t.Rows = append(t.Rows, []string{sp.Name, sp.Section + "." + ch.Key, orDash(ch.Old), orDash(ch.New)})
		}
		if all {
			flat := stages.Flatten(now)
			for _, k := range sortedKeys(flat) {
				if !changedKey(diff, k) {
					t.Rows = append(t.Rows, []string{sp.Name, sp.Section + "." + k, flat[k], flat[k]})
				}
			}
		}
	}
	if len(t.Rows) == 0 {
		_, err := fmt.Fprintf(w, "params: no change since %s\n", map[bool]string{true: "each stage last ran", false: oldLabel}[oldLabel == "last run"])
		return err
	}
	if err := t.WriteText(w); err != nil {
		return err
	}
	var err error
	if oldLabel == "last run" {
		_, err = fmt.Fprintf(w, "\nmake all would rerun, for these params: %s\n", strings.Join(stages.Downstream(specs, changed), " "))
	} else {
		_, err = fmt.Fprintf(w, "\nstages whose params differ from %s: %s\n", oldLabel, strings.Join(changed, " "))
	}
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func changedKey(diff []stages.Change, k string) bool {
	return slices.ContainsFunc(diff, func(c stages.Change) bool { return c.Key == k })
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
