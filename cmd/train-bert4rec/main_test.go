package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/bert4rec"
	"github.com/moviegenie/pipeline/pkg/bert4rec/fixture"
	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/testbin"
)

// bin is this command, built once for all tests.
var bin testbin.Binary

func TestMain(m *testing.M) { os.Exit(bin.Run(m)) }

// runBinary runs the binary in dir and returns its exit code and stderr.
func runBinary(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	r := bin.Exec(t, dir, nil, args...)
	return r.Code, r.Stderr
}

// TestEndToEnd builds the binary and runs it on the fixture with the
// stage's flags, then checks its outputs and its exit codes on bad calls.
func TestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	if err := fixture.Write(dir); err != nil {
		t.Fatal(err)
	}
	args := []string{"--params", "params.yaml", "--processed", "processed", "--features", "features",
		"--model", "models/bert4rec.bin", "--recs", "data/recs/bert4rec.parquet", "--metrics", "metrics/train-bert4rec.json"}
	code, stderr := runBinary(t, dir, args...)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	for _, want := range []string{"train-bert4rec: epoch 1/6 loss ", " val ndcg@10 ", "best epoch", "test bert4rec:"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := bert4rec.Load(filepath.Join(dir, "models/bert4rec.bin")); err != nil {
		t.Error(err)
	}
	s, err := eval.LoadSplit(filepath.Join(dir, "processed", "sequences.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := eval.EvaluateRecs(s, filepath.Join(dir, "data/recs/bert4rec.parquet"), eval.RetrievalKs)
	if err != nil {
		t.Fatal(err)
	}
	f, err := runmetrics.Read(filepath.Join(dir, "metrics/train-bert4rec.json"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Stage != bert4rec.StageName || f.Models["bert4rec"]["ndcg@10"] != m["ndcg@10"] || len(f.Curve) != 6 {
		t.Errorf("metrics: stage %q, ndcg@10 %v (recs give %v), %d epochs", f.Stage, f.Models["bert4rec"]["ndcg@10"], m["ndcg@10"], len(f.Curve))
	}

	// Bad calls: usage errors (exit 2) name the problem and write nothing.
	os.RemoveAll(filepath.Join(dir, "metrics"))
	for _, c := range []struct {
		extra []string
		code  int
		msg   string
	}{
		{[]string{"--set", "model_training.bert4rec.num_heads=3"}, 2, "num_heads"},
		{[]string{"--set", "model_training.bert4rec.epochs=0"}, 2, "epochs"},
		{[]string{"--set", "model_training.bert4rec.learning_rate=-1"}, 2, "learning_rate"},
		{[]string{"--set", "model_training.bert4rec.dropuot=0.2"}, 2, "dropuot"},
		{[]string{"--bogus"}, 2, "bogus"},
		{[]string{"--features", "nowhere"}, 1, "nowhere"},
	} {
		code, stderr := runBinary(t, dir, append(args, c.extra...)...)
		if code != c.code || !strings.Contains(stderr, c.msg) || !strings.HasPrefix(stderr, "train-bert4rec: ") {
			t.Errorf("%v: exit %d, stderr %q; want exit %d naming %q", c.extra, code, stderr, c.code, c.msg)
		}
		if _, err := os.Stat(filepath.Join(dir, "metrics/train-bert4rec.json")); err == nil {
			t.Errorf("%v: a failed run wrote the metrics file", c.extra)
		}
	}
}
