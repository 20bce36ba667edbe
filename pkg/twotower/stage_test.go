package twotower

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/tables"
	"github.com/moviegenie/pipeline/pkg/trainer"
)

// tinyParams is a params tree for a stage run on a world.
func tinyParams() *params.Params {
	return params.FromMap(map[string]any{"model_training": map[string]any{"two_tower": map[string]any{
		"embedding_dim": 4, "feature_dim": 3, "text_dim": 2, "user_layers": []any{5, 3}, "item_layers": []any{6, 3},
		"batch_size": 8, "learning_rate": 0.01, "epochs": 4, "seed": 7, "text_components": 0,
	}}})
}

// runStage runs the stage on w's tables in dir.
func runStage(t *testing.T, w *world, dir string) *Stage {
	t.Helper()
	processed, feats := writeWorld(t, w, dir)
	p := tinyParams()
	cfg, err := DecodeConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	st := &Stage{Processed: processed, Features: feats, Model: filepath.Join(out, "models", "twotower.bin"),
		Recs: filepath.Join(out, "recs", "twotower.parquet"), Vectors: filepath.Join(out, "vectors"),
		Metrics: filepath.Join(out, "metrics", "twotower.json"), Params: p, Cfg: cfg, Stderr: &bytes.Buffer{}}
	if err := st.Run(); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestStageEndToEnd runs the whole stage on a tiny world and checks every
// output: the model loads and scores as the recs say, the vectors
// reproduce the scores, the metrics file has the curve, the three models
// and the raw params; a second run gives identical files.
func TestStageEndToEnd(t *testing.T) {
	w := newWorld(16, 15, 6)
	st := runStage(t, w, t.TempDir())

	m, err := Load(st.Model)
	if err != nil {
		t.Fatal(err)
	}
	s, err := eval.NewSplit(w.seqs)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := eval.ReadRecs(st.Recs)
	if err != nil {
		t.Fatal(err)
	}
	N := w.sz.Movies
	if want := w.sz.Users * min(trainer.TopN, N-0); len(recs) > want || len(recs) < w.sz.Users {
		t.Fatalf("got %d recs, want one list per user of up to %d", len(recs), want)
	}
	fromRecs, err := eval.EvaluateRecs(s, st.Recs, eval.RetrievalKs)
	if err != nil {
		t.Fatal(err)
	}
	mf, err := runmetrics.Read(st.Metrics)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"twotower", "popularity", "itemknn"} {
		if len(mf.Models[k]) == 0 {
			t.Fatalf("metrics: no %s model metrics", k)
		}
	}
	for k, v := range fromRecs {
		if mf.Models["twotower"][k] != v {
			t.Fatalf("metrics %s = %v, recomputed from the recs file %v", k, mf.Models["twotower"][k], v)
		}
	}
	if len(mf.Curve) != 4 || mf.Curve[0].Val["recall@50"] == 0 && mf.Curve[0].Val["recall@10"] == 0 && mf.Curve[0].Val["ndcg@100"] == 0 {
		t.Fatalf("metrics: curve %+v, want 4 epochs with validation metrics", mf.Curve)
	}
	if mf.Params["epochs"] != 4.0 || len(mf.Params) != len(tinyParams().Section(Section)) {
		t.Fatalf("metrics params %v, want the raw section", mf.Params)
	}
	if mf.Env.BLAS == "" || mf.PeakRSSBytes == 0 {
		t.Fatalf("metrics: env %+v, peak RSS %d", mf.Env, mf.PeakRSSBytes)
	}

	// The vectors reproduce the model's ranking: user·movie = τ·score.
	mv, err := tables.Read[MovieVector](filepath.Join(st.Vectors, MovieVectorsFile))
	if err != nil {
		t.Fatal(err)
	}
	uv, err := tables.Read[UserVector](filepath.Join(st.Vectors, UserVectorsFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(mv) != N || len(uv) != w.sz.Users || len(mv[0].Vector) != m.Cfg.D()+1 {
		t.Fatalf("got %d movie and %d user vectors of %d, want %d, %d of %d", len(mv), len(uv), len(mv[0].Vector), N, w.sz.Users, m.Cfg.D()+1)
	}
	scores := scoresOf(m, false)
	tau := m.Cfg.Temperature
	for u := range uv {
		for n := range mv {
			var dot float64
			for k, x := range uv[u].Vector {
				dot += float64(x) * float64(mv[n].Vector[k])
			}
			if d := math.Abs(dot - tau*float64(scores[u*N+n])); d > 1e-5 {
				t.Fatalf("user %d movie %d: vectors give %v, τ·score %v", uv[u].UserID, mv[n].MovieID, dot, tau*float64(scores[u*N+n]))
			}
		}
	}
	// The recs are the model's top list, unseen movies only.
	r := NewRecommender(m, recommendPaths(st))
	first := recs[0]
	items, err := r.Recommend(queryUser(first.UserID), 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range items {
		if recs[i].UserID != first.UserID || recs[i].MovieID != it.MovieID || recs[i].Score != it.Score {
			t.Fatalf("recommend gives %+v, recs file %+v", items, recs[:3])
		}
	}

	// A second run gives the same model, recs and vectors.
	st2 := runStage(t, w, t.TempDir())
	for _, pair := range [][2]string{{st.Model, st2.Model}, {st.Recs, st2.Recs},
		{filepath.Join(st.Vectors, MovieVectorsFile), filepath.Join(st2.Vectors, MovieVectorsFile)}} {
		a, _ := os.ReadFile(pair[0])
		b, _ := os.ReadFile(pair[1])
		if !bytes.Equal(a, b) {
			t.Fatalf("%s differs between two runs", filepath.Base(pair[0]))
		}
	}
}

// TestAssembleRejectsInconsistentInputs checks the cross-checks between
// the feature tables and the split.
func TestAssembleRejectsInconsistentInputs(t *testing.T) {
	w := newWorld(6, 12, 7)
	processed, feats := writeWorld(t, w, t.TempDir())
	if _, err := ReadInputs(processed, feats, nil); err != nil {
		t.Fatal(err)
	}
	pr, err := tables.Read[features.Pair](filepath.Join(feats, features.PairsFile))
	if err != nil {
		t.Fatal(err)
	}
	pr[3].MovieIdx = pr[4].MovieIdx // not the user's next train item
	if err := tables.Write(filepath.Join(feats, features.PairsFile), pr); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadInputs(processed, feats, nil); err == nil || !strings.Contains(err.Error(), "rebuild the features") {
		t.Fatalf("got %v, want an error asking to rebuild the features", err)
	}
}
