package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/twotower/fixture"
)

const tinyParams = `model_training:
  two_tower:
    embedding_dim: 8
    feature_dim: 4
    text_dim: 2
    user_layers: [8, 4]
    item_layers: [8, 4]
    batch_size: 8
    learning_rate: 0.01
    epochs: 3
    seed: 7
    text_components: 0
`

// run runs the command in-process in dir and returns the exit code and
// stderr.
func run(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	var stderr bytes.Buffer
	app := newApp()
	app.ErrWriter = &stderr
	full := append([]string{"train-twotower", "--params", filepath.Join(dir, "params.yaml"),
		"--processed", filepath.Join(dir, "processed"), "--features", filepath.Join(dir, "features"),
		"--model", filepath.Join(dir, "out", "twotower.bin"), "--recs", filepath.Join(dir, "out", "recs.parquet"),
		"--vectors", filepath.Join(dir, "out", "vectors"), "--metrics", filepath.Join(dir, "out", "twotower.json")}, args...)
	return cliapp.Run(app, full, &stderr), stderr.String()
}

func TestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := fixture.New(12, 14, 3).Write(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "params.yaml"), []byte(tinyParams), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stderr := run(t, dir)
	if code != cliapp.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m, err := runmetrics.Read(filepath.Join(dir, "out", "twotower.json"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Stage != "train-twotower" || len(m.Curve) != 3 || len(m.Outputs) != 4 || m.Models["twotower"]["recall@100"] == 0 && m.Models["twotower"]["recall@10"] == 0 {
		t.Fatalf("metrics: stage %q, %d epochs, %d outputs, models %v", m.Stage, len(m.Curve), len(m.Outputs), m.Models)
	}
	for _, f := range []string{"twotower.bin", "recs.parquet", "vectors/twotower_movies.parquet", "vectors/twotower_users.parquet"} {
		if _, err := os.Stat(filepath.Join(dir, "out", f)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBadParamsBeforeWork: a bad value is a usage error naming the key,
// before any input is read (the directories here do not exist).
func TestBadParamsBeforeWork(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "params.yaml"), []byte(tinyParams), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		set, want string
	}{
		{"model_training.two_tower.temperature=0", "--set model_training.two_tower.temperature=0: model_training.two_tower.temperature = 0: want a number in (0, 100]"},
		{"model_training.two_tower.epochs=ten", `model_training.two_tower.epochs = "ten": want an integer in [1, 100000]`},
		{"model_training.two_tower.epoch=3", "model_training.two_tower.epoch: unknown key"},
	} {
		code, stderr := run(t, dir, "--set", tc.set)
		if code != cliapp.ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("--set %s: exit %d, stderr %q; want exit 2 and %q", tc.set, code, stderr, tc.want)
		}
	}
}
