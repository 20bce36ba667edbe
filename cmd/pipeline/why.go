package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/stages"
)

func init() {
	register(&cli.Command{
		Name:  "why",
		Usage: "explain, from `make -n --debug=b TARGET` on stdin, why TARGET would be rebuilt",
		Description: `make why T=<stage or file> pipes Make's basic debug output of a dry run
here. The answer lists the stages (and binaries) that would run, in
order, each with its reasons: a newer input, a rebuilt binary (its code
changed), a stage before it that reruns, and, from the stage's stamp, the
params keys that changed or the outputs deleted or changed since it ran.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "target", Usage: "the target asked about"},
			stateFlag,
		},
		Action: func(c *cli.Context) error {
			return explain(c.App.Writer, os.Stdin, c.String("target"), c.String(stateFlag.Name))
		},
	})
}

var (
	newerRe   = regexp.MustCompile(`Prerequisite '([^']+)' is newer than target '([^']+)'`)
	missingRe = regexp.MustCompile(`File '([^']+)' does not exist`)
	remakeRe  = regexp.MustCompile(`Must remake target '([^']+)'`)
	upToDate  = regexp.MustCompile(`is up to date|Nothing to be done`)
)

// explain turns GNU Make's basic debug output into the list of stages and
// binaries that would be remade, each with its reasons.
func explain(w io.Writer, r io.Reader, target, state string) error {
	reasons := map[string][]string{}
	var order []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch m := newerRe.FindStringSubmatch(line); {
		case m != nil:
			reasons[m[2]] = append(reasons[m[2]], describeNewer(m[1], state)...)
			continue
		}
		if m := missingRe.FindStringSubmatch(line); m != nil {
			reasons[m[1]] = append(reasons[m[1]], missingReason(m[1], state))
		} else if m := remakeRe.FindStringSubmatch(line); m != nil {
			if !slices.Contains(order, m[1]) {
				order = append(order, m[1])
			}
		} else if strings.HasPrefix(line, "make") && upToDate.MatchString(line) && len(order) == 0 {
			fmt.Fprintf(w, "%s is up to date: nothing would be rebuilt\n", target)
			return nil
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	var shown []string
	for _, t := range order {
		if name, ok := stageOf(t, state); ok {
			shown = append(shown, "stage "+name)
			reasons["stage "+name] = reasons[t]
		} else if strings.HasPrefix(t, "bin/") || (t == target && !strings.HasPrefix(t, "build/")) {
			shown = append(shown, t)
		}
	}
	if len(shown) == 0 {
		fmt.Fprintf(w, "%s is up to date: nothing would be rebuilt\n", target)
		return nil
	}
	fmt.Fprintf(w, "make %s would rebuild, in order:\n", target)
	for _, t := range shown {
		rs := reasons[t]
		if len(rs) == 0 {
			rs = []string{"something it needs is rebuilt first"}
		}
		fmt.Fprintf(w, "  %s\n", t)
		for _, r := range dedupe(rs) {
			fmt.Fprintf(w, "      because %s\n", r)
		}
	}
	return nil
}

// stageOf recognises a stage's record (<state>/NAME.json).
func stageOf(path, state string) (string, bool) {
	if filepath.Dir(path) != filepath.Clean(state) || !strings.HasSuffix(path, ".json") {
		return "", false
	}
	return strings.TrimSuffix(filepath.Base(path), ".json"), true
}

func missingReason(path, state string) string {
	if _, ok := stageOf(path, state); ok {
		return "it has not run yet (or its last run did not finish)"
	}
	return path + " does not exist"
}

// describeNewer says why a newer prerequisite matters: a stamp gives the
// reasons the stage check found, a record says a stage before it reruns.
func describeNewer(prereq, state string) []string {
	if filepath.Dir(prereq) == filepath.Clean(state) && strings.HasSuffix(prereq, ".stamp") {
		name := strings.TrimSuffix(filepath.Base(prereq), ".stamp")
		st, ok := stages.ReadStamp(state, name)
		if !ok || len(st.Reasons) == 0 {
			return []string{"its stamp is newer (params or outputs changed)"}
		}
		return st.Reasons
	}
	if name, ok := stageOf(prereq, state); ok {
		return []string{fmt.Sprintf("stage %s, whose outputs it reads, reruns (or ran since)", name)}
	}
	if strings.HasPrefix(prereq, "bin/") {
		return []string{fmt.Sprintf("%s is newer (its code changed)", prereq)}
	}
	return []string{fmt.Sprintf("%s is newer", prereq)}
}

func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
