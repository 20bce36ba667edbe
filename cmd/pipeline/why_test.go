package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/moviegenie/pipeline/pkg/stages"
)

func TestExplain(t *testing.T) {
	state := t.TempDir()
	sp := stages.Spec{Name: "semantic", Section: "semantic_search", Outputs: []string{"models/semantic.bin"}}
	if err := stages.WriteStamp(state, sp, json.RawMessage(`{"neighbours":40}`), []string{"params changed: neighbours 50 -> 40"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	debug := strings.Join([]string{
		"Considering target file 'build/stages/semantic.json'.",
		"Prerequisite '" + state + "/semantic.stamp' is newer than target '" + state + "/semantic.json'.",
		"Must remake target '" + state + "/semantic.json'.",
		"Prerequisite '" + state + "/semantic.json' is newer than target '" + state + "/dbsetup.json'.",
		"Must remake target '" + state + "/dbsetup.json'.",
		"Prerequisite 'go.mod' is newer than target 'bin/process'.",
		"Must remake target 'bin/process'.",
		"File '" + state + "/process.json' does not exist.",
		"Prerequisite 'bin/process' is newer than target '" + state + "/process.json'.",
		"Must remake target '" + state + "/process.json'.",
	}, "\n")
	var out strings.Builder
	if err := explain(&out, strings.NewReader(debug), "dbsetup", state); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"make dbsetup would rebuild, in order:\n  stage semantic\n      because params changed: neighbours 50 -> 40\n  stage dbsetup\n      because stage semantic, whose outputs it reads, reruns",
		"  bin/process\n      because go.mod is newer",
		"  stage process\n      because it has not run yet",
		"bin/process is newer (its code changed)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("got\n%s\nwant it to contain\n%s", out.String(), want)
		}
	}
	out.Reset()
	if err := explain(&out, strings.NewReader("make: 'build/stages/process.json' is up to date.\n"), "process", state); err != nil || !strings.Contains(out.String(), "process is up to date") {
		t.Errorf("up to date: got %q, %v", out.String(), err)
	}
}
