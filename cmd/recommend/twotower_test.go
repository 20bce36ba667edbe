package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/twotower"
	"github.com/moviegenie/pipeline/pkg/twotower/fixture"
)

// twoTowerFixture writes the two-tower fixture into a temporary directory
// and trains a tiny model on it with the stage; it returns the directory.
func twoTowerFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	processed, feats, err := fixture.New(24, 18, 1).Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := params.FromMap(map[string]any{"model_training": map[string]any{"two_tower": map[string]any{
		"embedding_dim": 8, "feature_dim": 4, "text_dim": 2, "user_layers": []any{8, 4}, "item_layers": []any{8, 4},
		"batch_size": 8, "learning_rate": 0.01, "epochs": 10, "seed": 7, "text_components": 0,
	}}})
	cfg, err := twotower.DecodeConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	st := &twotower.Stage{Processed: processed, Features: feats, Model: filepath.Join(dir, "models", "twotower.bin"),
		Recs: filepath.Join(dir, "recs.parquet"), Vectors: filepath.Join(dir, "vectors"), Metrics: filepath.Join(dir, "metrics.json"),
		Params: p, Cfg: cfg, Stderr: &bytes.Buffer{}}
	if err := st.Run(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runTwoTower runs the command in-process on the fixture's two-tower model
// and returns the exit code, stdout and stderr.
func runTwoTower(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	app := newApp()
	var stdout, stderr bytes.Buffer
	app.Writer = &stdout
	full := append([]string{"recommend", "--model", filepath.Join(dir, "models", "twotower.bin"),
		"--processed", filepath.Join(dir, "processed"), "--features", filepath.Join(dir, "features")}, args...)
	code := cliapp.Run(app, full, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestTwoTowerRecommend(t *testing.T) {
	dir := twoTowerFixture(t)

	// A known user: the recs file's list.
	recs, err := eval.ReadRecs(filepath.Join(dir, "recs.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	user := recs[0].UserID
	code, out, stderr := runTwoTower(t, dir, "--user", "1", "-k", "3", "--json")
	if code != 0 || user != 1 {
		t.Fatalf("--user 1: exit %d: %s (first recs user %d)", code, stderr, user)
	}
	var got []int32
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var row struct {
			MovieID int32  `json:"movie_id"`
			Title   string `json:"title"`
		}
		if err := json.Unmarshal([]byte(l), &row); err != nil || row.Title == "" {
			t.Fatalf("--json line %q: %v (title %q)", l, err, row.Title)
		}
		got = append(got, row.MovieID)
	}
	for i, id := range got {
		if recs[i].MovieID != id {
			t.Fatalf("--user 1 gives %v, the recs file starts %v", got, recs[:3])
		}
	}

	// Cold start: demographics only, with or without a zip code.
	for _, args := range [][]string{
		{"--age", "25", "--gender", "F", "--occupation", "writer", "--zip", "94110"},
		{"--age", "25", "--gender", "F", "--occupation", "writer"},
		{"--gender", "m"},
	} {
		code, out, stderr := runTwoTower(t, dir, args...)
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		if code != 0 || len(lines) != 11 || !strings.HasPrefix(lines[0], "RANK") {
			t.Fatalf("%v: exit %d, stderr %q, stdout\n%s\nwant a header and 10 rows", args, code, stderr, out)
		}
	}
}

func TestTwoTowerRecommendErrors(t *testing.T) {
	dir := twoTowerFixture(t)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--age", "30", "--gender", "F", "--occupation", "astronaut"}, cliapp.ExitUsage,
			`unknown occupation "astronaut": want one of artist, engineer, student, Writer`},
		{[]string{"--age", "30", "--gender", "X", "--occupation", "writer"}, cliapp.ExitUsage, `unknown gender "X": want M or F`},
		{[]string{"--age", "0", "--gender", "F"}, cliapp.ExitUsage, "--age 0: want an age in years, 1..120"},
		{[]string{"--user", "1", "--gender", "F"}, cliapp.ExitUsage, "give a user or demographics, not both"},
		{[]string{"--user", "2"}, cliapp.ExitUsage, "unknown user 2"},
		{[]string{"--history", "11"}, cliapp.ExitUsage, "unknown movie 11"},
		{[]string{}, cliapp.ExitUsage, "--age/--gender/--occupation[/--zip] (twotower)"},
	} {
		code, _, stderr := runTwoTower(t, dir, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
}
