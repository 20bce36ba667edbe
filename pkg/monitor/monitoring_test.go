package monitor

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// writeStage writes metrics/<stage>.json with the curve and figures given.
func writeStage(t *testing.T, dir, stage string, curve []runmetrics.Epoch, figures map[string]any) {
	t.Helper()
	f := runmetrics.File{SchemaVersion: runmetrics.SchemaVersion, Stage: stage, Curve: curve, Figures: figures}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, stage+".json"), string(b))
}

// twoTowerCurve peaks on ndcg@10 at epoch 2 and on recall@50 at epoch 4,
// with 21 metrics per epoch as Two-Tower records them.
func twoTowerCurve() []runmetrics.Epoch {
	ndcg := []float64{0.05, 0.09, 0.07, 0.08, 0.06}
	rec50 := []float64{0.30, 0.40, 0.45, 0.50, 0.48}
	var c []runmetrics.Epoch
	for i := range ndcg {
		val := map[string]float64{"ndcg@10": ndcg[i], "next_ndcg@10": ndcg[i], "recall@50": rec50[i], "hit@50": rec50[i]}
		for _, k := range []string{"10", "50", "100"} {
			for _, m := range []string{"mrr@", "precision@", "next_hit@"} {
				if _, ok := val[m+k]; !ok {
					val[m+k] = 0.01 * float64(i+len(m)+len(k))
				}
			}
			for _, m := range []string{"recall@", "hit@", "ndcg@", "next_ndcg@"} {
				if _, ok := val[m+k]; !ok {
					val[m+k] = 0.02*float64(i) + 0.001*float64(len(m)) + 0.1*float64(len(k))
				}
			}
		}
		c = append(c, runmetrics.Epoch{Epoch: i + 1, TrainLoss: 5 - 0.1*float64(i), Seconds: 1, Val: val})
	}
	return c
}

// TestCurvesShowTheKeptEpoch: a stage that says which epoch it kept and on
// which metric (Two-Tower: recall@50) is summarised by that epoch, not by
// the best ndcg@10; a stage that says nothing by its best ndcg@10.
func TestCurvesShowTheKeptEpoch(t *testing.T) {
	dir := t.TempDir()
	writeStage(t, dir, "twotower", twoTowerCurve(), map[string]any{"best_epoch": 4, "select_metric": "recall@50"})
	writeStage(t, dir, "bert4rec", twoTowerCurve(), nil)
	s, err := Load(dir, "t")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]CurveSummary{}
	for _, c := range Curves(s) {
		got[c.Stage] = c
	}
	for _, tc := range []struct {
		stage, metric string
		epoch         int
		value         float64
	}{
		{"twotower", "recall@50", 4, 0.50},
		{"bert4rec", "ndcg@10", 2, 0.09},
	} {
		c := got[tc.stage]
		if c.Metric != tc.metric || c.BestEpoch != tc.epoch || c.BestValue != tc.value {
			t.Errorf("%s: got best %s %v at epoch %d, want %s %v at %d", tc.stage, c.Metric, c.BestValue, c.BestEpoch, tc.metric, tc.value, tc.epoch)
		}
	}
	var b strings.Builder
	if err := CurveTable(s).WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "recall@50 0.5000") {
		t.Errorf("training table does not show the kept epoch's recall@50:\n%s", b.String())
	}
}

// TestValLines: a validation chart draws the selected metric first, merges
// metrics equal at every epoch into one line, and draws at most
// maxValLines lines (each its own colour), whatever the stage records.
func TestValLines(t *testing.T) {
	lines := valLines(twoTowerCurve(), "recall@50")
	if len(lines) == 0 || len(lines) > maxValLines || maxValLines >= len(palette) {
		t.Fatalf("got %d lines (palette %d colours), want 1..%d", len(lines), len(palette), maxValLines)
	}
	if got := strings.Join(lines[0].names, " = "); got != "recall@50 = hit@50" {
		t.Errorf("first line %q, want the selected metric merged with its equal: recall@50 = hit@50", got)
	}
	seen := map[string]bool{}
	for _, ln := range lines {
		for _, n := range ln.names {
			if seen[n] {
				t.Errorf("metric %s on two lines", n)
			}
			seen[n] = true
		}
	}
	if !seen["ndcg@10"] || !seen["next_ndcg@10"] {
		t.Errorf("got lines %v, want ndcg@10 = next_ndcg@10 among them", lines)
	}
}

// TestPlotCurvesFit draws the 21-metric curve and checks the file is a
// PNG; the bound on lines above is what keeps its legend inside.
func TestPlotCurvesFit(t *testing.T) {
	dir := t.TempDir()
	writeStage(t, dir, "twotower", twoTowerCurve(), map[string]any{"best_epoch": 4, "select_metric": "recall@50"})
	s, err := Load(dir, "t")
	if err != nil {
		t.Fatal(err)
	}
	files, err := PlotCurves(s, t.TempDir())
	if err != nil || len(files) != 1 {
		t.Fatalf("got %v, %v; want one chart", files, err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil || !strings.HasPrefix(string(b), "\x89PNG") {
		t.Errorf("%s is not a PNG (%v)", files[0], err)
	}
}

// TestRunNames: a run saved from a dirty tree says so in its name, and
// reading it back gives the revision and the flag apart.
func TestRunNames(t *testing.T) {
	hist := t.TempDir()
	metrics := copyFixtures(t)
	opt := SaveOptions{Rev: "abc1234", Dirty: true, Force: true}
	run, _, err := SaveWith(metrics, hist, opt)
	if err != nil {
		t.Fatal(err)
	}
	run2, _, err := SaveWith(metrics, hist, opt) // same second: -2
	if err != nil {
		t.Fatal(err)
	}
	clean, _, err := SaveWith(metrics, hist, SaveOptions{Rev: "abc1234", Force: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		run   Run
		dirty bool
	}{{run, true}, {run2, true}, {clean, false}} {
		if tc.run.Rev != "abc1234" || tc.run.Dirty != tc.dirty {
			t.Errorf("run %s: got rev %q dirty %v, want abc1234 and %v", tc.run.Name, tc.run.Rev, tc.run.Dirty, tc.dirty)
		}
	}
	runs, err := List(hist)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := RunsTable(runs)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tab.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Count(b.String(), "abc1234 (dirty)") != 2 || !strings.Contains(b.String(), "uncommitted changes") {
		t.Errorf("runs table does not mark the two dirty runs:\n%s", b.String())
	}
}

// TestGitDirty: a clean tree is not dirty, a tracked source edit or a new
// file is, and the pipeline's own outputs (metrics/) are not.
func TestGitDirty(t *testing.T) {
	dir := gitRepo(t)
	repo := filepath.Dir(dir)
	if GitDirty(dir) {
		t.Fatal("freshly committed tree reported dirty")
	}
	writeFile(t, filepath.Join(dir, "bert4rec.json"), "{}")
	if GitDirty(dir) {
		t.Error("a rewritten metrics file made the tree dirty")
	}
	writeFile(t, filepath.Join(repo, "README"), "changed")
	if !GitDirty(dir) {
		t.Error("an edited tracked file did not make the tree dirty")
	}
	if GitDirty(filepath.Join(t.TempDir(), "metrics")) {
		t.Error("a directory outside any work tree reported dirty")
	}
}
