package monitor

import (
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

func TestChangeArithmetic(t *testing.T) {
	absent := Value{}
	for _, tc := range []struct {
		name               string
		old, new           Value
		status, delta, pct string
	}{
		{"rise", Num(0.10), Num(0.12), "changed", "+0.02", "+20.0%"},
		{"fall", Num(0.20), Num(0.15), "changed", "-0.05", "-25.0%"},
		{"negative old", Num(-2), Num(-1), "changed", "+1", "+50.0%"},
		{"zero old", Num(0), Num(0.5), "changed", "+0.5", "n/a"},
		{"zero both", Num(0), Num(0), "unchanged", "+0", "+0.0%"},
		{"same", Num(523.7), Num(523.7), "unchanged", "+0", "+0.0%"},
		{"integers", Num(97953), Num(98000), "changed", "+47", "+0.0%"},
		{"added", absent, Num(3), "added", "", ""},
		{"removed", Num(3), absent, "removed", "", ""},
		{"string", Str("temporal"), Str("leave_one_out"), "changed", "", ""},
		{"number to string", Num(1), Str("1"), "changed", "", ""},
	} {
		c := Change{Old: tc.old, New: tc.new}
		if got := c.Status(); got != tc.status {
			t.Errorf("%s: got status %q, want %q", tc.name, got, tc.status)
		}
		if got := c.DeltaString(); got != tc.delta {
			t.Errorf("%s: got change %q, want %q", tc.name, got, tc.delta)
		}
		if got := c.PercentString(); got != tc.pct {
			t.Errorf("%s: got change %% %q, want %q", tc.name, got, tc.pct)
		}
	}
}

func TestFormatNum(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{{0.12 - 0.10, "0.02"}, {0.0812, "0.0812"}, {1288490188, "1288490188"}, {-3, "-3"}, {523.7, "523.7"}, {1.0 / 3, "0.333333"}} {
		if got := FormatNum(tc.v); got != tc.want {
			t.Errorf("FormatNum(%v): got %q, want %q", tc.v, got, tc.want)
		}
	}
}

// find returns the change of key in stage, failing the test if absent.
func find(t *testing.T, changes []Change, stage, kind, key string) Change {
	t.Helper()
	for _, c := range changes {
		if c.Stage == stage && c.Kind == kind && c.Key == key {
			return c
		}
	}
	t.Fatalf("no %s change %s.%s", kind, stage, key)
	return Change{}
}

func TestDiffParamsAndMetrics(t *testing.T) {
	old := snapOf(t, "old", map[string]*runmetrics.File{
		"train-bert4rec": {
			Stage:  "train-bert4rec",
			Params: map[string]any{"learning_rate": 0.001, "epochs": 50.0, "dropout": 0.1, "optimizer": map[string]any{"beta1": 0.9, "name": "adam"}, "layers": []any{1.0, 2.0}},
			Models: map[string]map[string]float64{"bert4rec": {"ndcg@10": 0.10, "recall@10": 0.2}},
			Rows:   map[string]int64{"recs": 94300},
			Checks: []runmetrics.Check{{Name: "finite loss", Passed: true}},
			Curve:  []runmetrics.Epoch{{Epoch: 1, TrainLoss: 7}, {Epoch: 2, TrainLoss: 6}},
		},
	})
	newer := snapOf(t, "new", map[string]*runmetrics.File{
		"train-bert4rec": {
			Stage:  "train-bert4rec",
			Params: map[string]any{"learning_rate": 0.002, "epochs": 50.0, "seed": 7.0, "optimizer": map[string]any{"beta1": 0.95, "name": "adamw"}, "layers": []any{1.0, 2.0}},
			Models: map[string]map[string]float64{"bert4rec": {"ndcg@10": 0.12, "recall@10": 0.2}},
			Rows:   map[string]int64{"recs": 94300},
			Checks: []runmetrics.Check{{Name: "finite loss", Passed: false}},
			Curve:  []runmetrics.Epoch{{Epoch: 1, TrainLoss: 7}},
		},
		"train-twotower": {Stage: "train-twotower", Params: map[string]any{"epochs": 10.0}, Models: map[string]map[string]float64{"twotower": {"ndcg@10": 0.11}}},
	})
	changes := Diff(old, newer)
	for _, tc := range []struct {
		stage, kind, key, status, old, new, delta, pct string
	}{
		{"train-bert4rec", KindParam, "learning_rate", "changed", "0.001", "0.002", "+0.001", "+100.0%"},
		{"train-bert4rec", KindParam, "epochs", "unchanged", "50", "50", "+0", "+0.0%"},
		{"train-bert4rec", KindParam, "dropout", "removed", "0.1", "-", "", ""},
		{"train-bert4rec", KindParam, "seed", "added", "-", "7", "", ""},
		{"train-bert4rec", KindParam, "optimizer.beta1", "changed", "0.9", "0.95", "+0.05", "+5.6%"},
		{"train-bert4rec", KindParam, "optimizer.name", "changed", "adam", "adamw", "", ""},
		{"train-bert4rec", KindParam, "layers", "unchanged", "[1,2]", "[1,2]", "", ""},
		{"train-bert4rec", KindMetric, "models.bert4rec.ndcg@10", "changed", "0.1", "0.12", "+0.02", "+20.0%"},
		{"train-bert4rec", KindMetric, "models.bert4rec.recall@10", "unchanged", "0.2", "0.2", "+0", "+0.0%"},
		{"train-bert4rec", KindMetric, "rows.recs", "unchanged", "94300", "94300", "+0", "+0.0%"},
		{"train-bert4rec", KindMetric, "checks.finite loss", "changed", "passed", "FAILED", "", ""},
		{"train-bert4rec", KindMetric, "curve.epochs", "changed", "2", "1", "-1", "-50.0%"},
		{"train-bert4rec", KindMetric, "file", "unchanged", "ok", "ok", "", ""},
		{"train-twotower", KindMetric, "file", "changed", "missing", "ok", "", ""},
		{"train-twotower", KindMetric, "models.twotower.ndcg@10", "added", "-", "0.11", "", ""},
		{"train-twotower", KindParam, "epochs", "added", "-", "10", "", ""},
		{"process", KindMetric, "file", "unchanged", "missing", "missing", "", ""},
	} {
		c := find(t, changes, tc.stage, tc.kind, tc.key)
		got := []string{c.Status(), c.Old.String(), c.New.String(), c.DeltaString(), c.PercentString()}
		want := []string{tc.status, tc.old, tc.new, tc.delta, tc.pct}
		if strings.Join(got, " | ") != strings.Join(want, " | ") {
			t.Errorf("%s %s: got %q, want %q", tc.stage, tc.key, got, want)
		}
	}

	params, metrics := DiffTables(changes, "old", "new", false)
	var keys []string
	for _, r := range params.Rows {
		keys = append(keys, r[0]+":"+r[1])
	}
	if g, w := strings.Join(keys, " "), "train-bert4rec:dropout train-bert4rec:learning_rate train-bert4rec:optimizer.beta1 train-bert4rec:optimizer.name train-bert4rec:seed train-twotower:epochs"; g != w {
		t.Errorf("got changed params %s, want %s", g, w)
	}
	for _, r := range metrics.Rows {
		if r[1] == "models.bert4rec.recall@10" || r[1] == "rows.recs" {
			t.Errorf("got unchanged row %q without --all", r)
		}
	}
	if g, w := strings.Join(params.Header, ","), "stage,param,old,new,change,change %"; g != w {
		t.Errorf("got header %s, want %s", g, w)
	}
	_, all := DiffTables(changes, "old", "new", true)
	if len(all.Rows) <= len(metrics.Rows) {
		t.Errorf("got %d rows with --all, want more than the %d changed", len(all.Rows), len(metrics.Rows))
	}

	same, _ := DiffTables(Diff(old, old), "old", "old", false)
	if len(same.Rows) != 0 || same.Note != "(no changes)" {
		t.Errorf("got %d rows and note %q for a snapshot against itself", len(same.Rows), same.Note)
	}
}

func TestDiffMalformedStage(t *testing.T) {
	dir := copyFixtures(t)
	old, err := Load(dir, "old")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir+"/features.json", "{broken")
	cur, err := Load(dir, "new")
	if err != nil {
		t.Fatal(err)
	}
	changes := Diff(old, cur)
	c := find(t, changes, "features", KindMetric, "file")
	if c.Old.String() != "ok" || !strings.HasPrefix(c.New.String(), "malformed: ") {
		t.Errorf("got file %s -> %s, want ok -> malformed: ...", c.Old, c.New)
	}
	if c := find(t, changes, "features", KindParam, "embedding_dim"); c.Status() != "removed" {
		t.Errorf("got embedding_dim %s, want removed (the new file cannot be read)", c.Status())
	}
}
