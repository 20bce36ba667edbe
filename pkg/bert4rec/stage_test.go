package bert4rec

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/moviegenie/pipeline/pkg/bert4rec/fixture"
	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/trainer"
)

// runFixtureStage writes the fixture into dir and runs the stage on it,
// with outputs under dir/out.
func runFixtureStage(t *testing.T, dir string, overrides ...string) *Stage {
	t.Helper()
	if err := fixture.Write(dir); err != nil {
		t.Fatal(err)
	}
	p, err := params.Load([]string{filepath.Join(dir, "params.yaml")}, overrides)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := DecodeConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	st := &Stage{
		Processed: filepath.Join(dir, "processed"), Features: filepath.Join(dir, "features"),
		Model: filepath.Join(out, "models", "bert4rec.bin"), Recs: filepath.Join(out, "recs", "bert4rec.parquet"),
		Metrics: filepath.Join(out, "metrics", "bert4rec.json"),
		Params:  p, Cfg: cfg, Stderr: &bytes.Buffer{},
	}
	if err := st.Run(); err != nil {
		t.Fatalf("stage: %v\n%s", err, st.Stderr.(*bytes.Buffer))
	}
	return st
}

// TestStage runs the whole stage on the fixture and checks its outputs
// against each other: the model loads, the recs file re-evaluates to the
// reported test metrics, the metrics file carries the curve, the
// baselines and the params section as given.
func TestStage(t *testing.T) {
	dir := t.TempDir()
	st := runFixtureStage(t, dir)
	m, err := Load(st.Model)
	if err != nil {
		t.Fatal(err)
	}
	if m.V != fixture.Movies || m.MovieIDs[0] != fixture.MovieID(0) {
		t.Errorf("model has %d items, first id %d", m.V, m.MovieIDs[0])
	}
	f, err := runmetrics.Read(st.Metrics)
	if err != nil {
		t.Fatal(err)
	}
	s, err := eval.LoadSplit(filepath.Join(st.Processed, SequencesFile))
	if err != nil {
		t.Fatal(err)
	}
	got, err := eval.EvaluateRecs(s, st.Recs, eval.RetrievalKs)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range got {
		if f.Models["bert4rec"][k] != v {
			t.Errorf("%s: recs file gives %v, metrics file %v", k, v, f.Models["bert4rec"][k])
		}
	}
	for _, name := range []string{"bert4rec", "popularity", "itemknn"} {
		if len(f.Models[name]) != 21 {
			t.Errorf("metrics for %s: got %d values, want 21 (7 metrics at K = 10, 50, 100)", name, len(f.Models[name]))
		}
	}
	if len(f.Curve) != st.Cfg.Epochs || f.Curve[0].Val["ndcg@10"] == 0 && f.Curve[0].Val["recall@10"] == 0 && f.Curve[1].Val == nil {
		t.Errorf("curve: got %d epochs (%+v), want %d with validation", len(f.Curve), f.Curve, st.Cfg.Epochs)
	}
	if !reflect.DeepEqual(f.Params, jsonRound(t, st.Params.Section(Section))) || f.ParamsHash != st.Params.Hash(Section) {
		t.Errorf("params: got %v (%s), want the section as given %v", f.Params, f.ParamsHash, st.Params.Section(Section))
	}
	if f.Env.BLAS == "" || f.PeakRSSBytes <= 0 || f.Figures["best_epoch"] == nil {
		t.Errorf("missing env or figures: blas %q rss %d best_epoch %v", f.Env.BLAS, f.PeakRSSBytes, f.Figures["best_epoch"])
	}
	recs, err := eval.ReadRecs(st.Recs)
	if err != nil {
		t.Fatal(err)
	}
	perUser := map[int32]int{}
	for _, r := range recs {
		perUser[r.UserID]++
	}
	for i := range s.Users {
		u := &s.Users[i]
		if want := min(trainer.TopN, fixture.Movies-len(u.Exclude(eval.Test))); perUser[u.UserID] != want {
			t.Errorf("user %d: %d recommendations, want %d", u.UserID, perUser[u.UserID], want)
		}
	}
}

// TestStageDeterministic: two runs with the same params write
// byte-identical model and recs files.
func TestStageDeterministic(t *testing.T) {
	a := runFixtureStage(t, t.TempDir(), "model_training.bert4rec.epochs=2")
	b := runFixtureStage(t, t.TempDir(), "model_training.bert4rec.epochs=2")
	for _, pair := range [][2]string{{a.Model, b.Model}, {a.Recs, b.Recs}} {
		x, err1 := os.ReadFile(pair[0])
		y, err2 := os.ReadFile(pair[1])
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s and %s differ", pair[0], pair[1])
		}
	}
}

// jsonRound converts a params section to what a JSON round trip gives.
func jsonRound(t *testing.T, m map[string]any) map[string]any {
	f := runmetrics.Start("x")
	f.Params = m
	path := filepath.Join(t.TempDir(), "m.json")
	if err := f.Finish(path); err != nil {
		t.Fatal(err)
	}
	g, err := runmetrics.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return g.Params
}
