package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
)

func init() {
	register(&cli.Command{
		Name:  "why",
		Usage: "explain, from `make -n --debug=b TARGET` on stdin, why TARGET would be rebuilt",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "target", Usage: "the target asked about"},
			&cli.StringFlag{Name: "stamps", Value: "build/params", Usage: "params stamp directory"},
		},
		Action: func(c *cli.Context) error {
			return explain(c.App.Writer, os.Stdin, c.String("target"), c.String("stamps"))
		},
	})
}

var (
	newerRe   = regexp.MustCompile(`Prerequisite '([^']+)' is newer than target '([^']+)'`)
	missingRe = regexp.MustCompile(`File '([^']+)' does not exist`)
	remakeRe  = regexp.MustCompile(`Must remake target '([^']+)'`)
)

// explain turns GNU Make's basic debug output into a list of the targets
// that would be remade, each with its reasons, and spells out param changes
// from the stamp files' previous versions.
func explain(w io.Writer, r io.Reader, target, stamps string) error {
	reasons := map[string][]string{}
	var order []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := newerRe.FindStringSubmatch(line); m != nil {
			reasons[m[2]] = append(reasons[m[2]], describeNewer(m[1], stamps))
		} else if m := missingRe.FindStringSubmatch(line); m != nil {
			reasons[m[1]] = append(reasons[m[1]], "it does not exist")
		} else if m := remakeRe.FindStringSubmatch(line); m != nil {
			if !contains(order, m[1]) {
				order = append(order, m[1])
			}
		} else if strings.HasPrefix(line, "make: ") && strings.Contains(line, "up to date") || strings.Contains(line, "Nothing to be done") {
			fmt.Fprintf(w, "%s is up to date: nothing would be rebuilt\n", target)
			return nil
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	var shown []string
	for _, t := range order {
		if strings.HasPrefix(t, "build/") {
			continue // internal bookkeeping, explained through its dependents
		}
		shown = append(shown, t)
	}
	if len(shown) == 0 {
		fmt.Fprintf(w, "%s is up to date: nothing would be rebuilt\n", target)
		return nil
	}
	fmt.Fprintf(w, "make %s would rebuild, in order:\n", target)
	for _, t := range shown {
		rs := reasons[t]
		if len(rs) == 0 {
			rs = []string{"a prerequisite will be rebuilt first"}
		}
		fmt.Fprintf(w, "  %s\n", t)
		for _, r := range dedupe(rs) {
			fmt.Fprintf(w, "      because %s\n", r)
		}
	}
	return nil
}

// describeNewer says why a newer prerequisite matters; for a params stamp it
// lists the keys whose values changed.
func describeNewer(prereq, stamps string) string {
	if strings.HasPrefix(prereq, stamps+"/") && strings.HasSuffix(prereq, ".json") {
		section := strings.TrimSuffix(filepath.Base(prereq), ".json")
		changes := paramChanges(strings.TrimSuffix(prereq, ".json")+".used.json", prereq)
		if len(changes) == 0 {
			return fmt.Sprintf("params section %s changed", section)
		}
		return fmt.Sprintf("params section %s changed: %s", section, strings.Join(changes, ", "))
	}
	if strings.HasPrefix(prereq, "bin/") {
		return fmt.Sprintf("%s is newer (its code changed)", prereq)
	}
	return fmt.Sprintf("%s is newer", prereq)
}

func paramChanges(oldPath, newPath string) []string {
	load := func(p string) map[string]string {
		out := map[string]string{}
		data, err := os.ReadFile(p)
		if err != nil {
			return out
		}
		var tree map[string]any
		if json.Unmarshal(data, &tree) != nil {
			return out
		}
		flatten("", tree, out)
		return out
	}
	old, cur := load(oldPath), load(newPath)
	var keys []string
	for k := range old {
		keys = append(keys, k)
	}
	for k := range cur {
		if _, ok := old[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		o, okO := old[k]
		n, okN := cur[k]
		switch {
		case !okO:
			out = append(out, fmt.Sprintf("%s added (%s)", k, n))
		case !okN:
			out = append(out, fmt.Sprintf("%s removed (was %s)", k, o))
		case o != n:
			out = append(out, fmt.Sprintf("%s %s -> %s", k, o, n))
		}
	}
	return out
}

func flatten(prefix string, v any, out map[string]string) {
	if m, ok := v.(map[string]any); ok {
		for k, sub := range m {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			flatten(key, sub, out)
		}
		return
	}
	b, _ := json.Marshal(v)
	out[prefix] = string(b)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
