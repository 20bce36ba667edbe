package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/process"
	"github.com/moviegenie/pipeline/pkg/process/processtest"
	"github.com/moviegenie/pipeline/pkg/testbin"
)

// bin is this command, built once for all tests (TestMain removes it).
var bin testbin.Binary

// runBinary runs the binary in dir and returns its exit code and output.
func runBinary(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	r := bin.Exec(t, dir, nil, args...)
	return r.Code, r.Stdout + r.Stderr
}

func TestEndToEnd(t *testing.T) {
	work := t.TempDir()
	raw := writeRaw(t, nil)
	paramsFile := filepath.Join(work, "params.yaml")
	yaml := "data_processing:\n  min_ratings_per_user: 3\n  min_ratings_per_movie: 2\n  test_split_ratio: 0.2\n  split: temporal\nmodel_training:\n  bert4rec:\n    epochs: 3\n"
	if err := os.WriteFile(paramsFile, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	// Defaults relative to the working directory, as the Makefile calls it.
	args := []string{"--raw", raw}

	code, stderr := runBinary(t, work, args...)
	if code != 0 {
		t.Fatalf("got exit %d, want 0; stderr:\n%s", code, stderr)
	}
	out := filepath.Join(work, "data", "processed")
	before := processtest.Snapshot(t, out)
	for _, name := range process.OutputFiles {
		if len(before[name]) == 0 {
			t.Errorf("no %s written", name)
		}
	}
	if len(before) != len(process.OutputFiles) {
		t.Errorf("got %d files in %s, want the %d tables only", len(before), out, len(process.OutputFiles))
	}
	metricsPath := filepath.Join(work, "metrics", "process.json")
	metrics, err := os.ReadFile(metricsPath)
	if err != nil {
		t.Fatal(err)
	}

	// A bad line: exit 1, a message naming file and line, nothing touched.
	bad := writeRaw(t, map[string]string{"u.data": strings.Replace(processtest.TinyRaw["u.data"], "2\t2\t4\t881250910", "2,2,4,881250910", 1)})
	code, stderr = runBinary(t, work, "--raw", bad)
	wantMsg := "process: " + filepath.Join(bad, "u.data") + ":6: want 4 tab-separated fields"
	if code != 1 || !strings.Contains(stderr, wantMsg) {
		t.Errorf("got exit %d, stderr %q; want exit 1 and %q", code, stderr, wantMsg)
	}
	for _, override := range []map[string]string{
		{"u.data": processtest.TinyRaw["u.data"] + "1\t99\t3\t881250949\n"},               // unknown movie
		{"u.data": processtest.TinyRaw["u.data"] + "1\t2\t3\t881250949\n"},                // duplicate rating
		{"u.item": processtest.TinyRaw["u.item"][:len(processtest.TinyRaw["u.item"])-12]}, // truncated
		{"u.user": ""}, // empty
		{"u.user": strings.Replace(processtest.TinyRaw["u.user"], "53|F", "53|\xff\x00", 1)}, // garbled
		{"u.genre": strings.ReplaceAll(processtest.TinyRaw["u.genre"], "|", ",")},            // wrong delimiter
	} {
		code, stderr = runBinary(t, work, "--raw", writeRaw(t, override))
		if code != 1 || !strings.Contains(stderr, "process: ") {
			t.Errorf("bad %v: got exit %d, stderr %q; want exit 1", keys(override), code, stderr)
		}
	}

	// Usage errors: exit 2, before reading anything.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--set", "data_processing.split=random"}, "data_processing.split"},
		{[]string{"--set", "data_processing.test_split_ratio=1"}, "data_processing.test_split_ratio"},
		{[]string{"--set", "data_processing.min_ratings_per_user=0"}, "data_processing.min_ratings_per_user"},
		{[]string{"--set", "data_processing.min_rating=3"}, "min_rating"},
		{[]string{"--params", paramsFile, "--set", "data_processing.test_split_ratio=-1"}, "test_split_ratio"},
		{[]string{"--params", filepath.Join(work, "missing.yaml")}, "missing.yaml"},
		{[]string{"--no-such-flag"}, "no-such-flag"},
		{[]string{"extra-argument"}, "unexpected argument"},
		{[]string{"--out", ""}, "--out must not be empty"},
	} {
		code, stderr := runBinary(t, work, append([]string{"--raw", bad}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: got exit %d, stderr %q; want exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}

	if after := processtest.Snapshot(t, out); !reflect.DeepEqual(after, before) {
		t.Error("a failing run changed the outputs of the earlier successful run")
	}
	if got, _ := os.ReadFile(metricsPath); !bytes.Equal(got, metrics) {
		t.Error("a failing run changed the metrics file")
	}

	// Explicit flags and a second params file that overrides the first.
	over := filepath.Join(work, "loo.yaml")
	os.WriteFile(over, []byte("data_processing:\n  split: leave_one_out\n"), 0o644)
	out2, metrics2 := filepath.Join(work, "loo"), filepath.Join(work, "loo.json")
	code, stderr = runBinary(t, work, "--raw", raw, "--out", out2, "--metrics", metrics2, "--params", paramsFile, "--params", over)
	if code != 0 {
		t.Fatalf("got exit %d, want 0; stderr:\n%s", code, stderr)
	}
	m, err := os.ReadFile(metrics2)
	if err != nil || !bytes.Contains(m, []byte(`"split": "leave_one_out"`)) {
		t.Errorf("got metrics %s (%v), want split leave_one_out", m, err)
	}

	code, stderr = runBinary(t, work, "--help")
	if code != 0 {
		t.Errorf("--help: got exit %d, want 0", code)
	}
	for _, want := range []string{"--raw", "--out", "--metrics", "--params", "--set",
		"min_ratings_per_user", "min_ratings_per_movie", "test_split_ratio", "leave_one_out",
		"movies.parquet", "sequences.parquet", "occupations.parquet", "Exit status", "u.occupation"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("--help does not mention %q", want)
		}
	}
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestManualIsThePackageComment(t *testing.T) {
	if !strings.HasPrefix(description, "Process is the first stage") {
		t.Errorf("manual starts %q, want the package comment", description[:min(40, len(description))])
	}
	if strings.Contains(description, "package main") || strings.Contains(description, "// ") {
		t.Error("manual holds Go source, want only the comment text")
	}
	if !strings.Contains(description, "\tprocess [--raw DIR]") {
		t.Error("manual lost the indentation of its code blocks")
	}
}
