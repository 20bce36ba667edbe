package monitor

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/quality"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

func TestQualityTable(t *testing.T) {
	dir := t.TempDir()
	if s, err := Load(dir, "x"); err != nil || QualityTable(s) != nil || QualityValidationTable(s) != nil {
		t.Fatalf("no quality file: got table %v (err %v), want none", QualityTable(s), err)
	}
	sum := quality.Summarize([]quality.RunResult{
		{Split: "temporal", Model: "bert4rec", Seed: 42, WallSeconds: 200, Val: map[string]float64{"ndcg@10": 0.1}, Test: map[string]float64{"ndcg@10": 0.21},
			Baselines: map[string]map[string]float64{"popularity": {"ndcg@10": 0.11}}},
		{Split: "temporal", Model: "bert4rec", Seed: 43, WallSeconds: 220, Val: map[string]float64{"ndcg@10": 0.09}, Test: map[string]float64{"ndcg@10": 0.20},
			Baselines: map[string]map[string]float64{"popularity": {"ndcg@10": 0.11}}},
	})
	f := runmetrics.File{SchemaVersion: 1, Stage: quality.StageName, WallSeconds: 30, Figures: map[string]any{"summary": sum}}
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "quality.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(dir, "x")
	if err != nil {
		t.Fatal(err)
	}
	tab := QualityTable(s)
	if tab == nil || len(tab.Rows) != 2 {
		t.Fatalf("got table %+v, want rows for bert4rec and popularity", tab)
	}
	row := strings.Join(tab.Rows[0], " | ")
	for _, want := range []string{"temporal", "bert4rec", "0.0950 ± 0.0071", "0.2050 ± 0.0071", "3m30s"} {
		if !strings.Contains(row, want) {
			t.Errorf("bert4rec row %q: want %q in it", row, want)
		}
	}
	if pop := strings.Join(tab.Rows[1], " | "); !strings.Contains(pop, "0.1100 ± 0.0000") {
		t.Errorf("popularity row %q: want 0.1100 ± 0.0000", pop)
	}

	// The same file as the validation study's: its own table, which says
	// what its figures are; the test study's table is unaffected.
	if err := os.WriteFile(filepath.Join(dir, quality.ValidationName+".json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	s, _ = Load(dir, "x")
	if v := QualityValidationTable(s); v == nil || len(v.Rows) != 2 || !strings.Contains(v.Note, "validation-fold") || !strings.Contains(v.Title, "validation fold") {
		t.Errorf("validation study: got %+v, want its two rows, titled and noted as the validation fold's", v)
	}
	if q := QualityTable(s); q == nil || strings.Contains(q.Note, "validation-fold") {
		t.Errorf("test study beside a validation one: got %+v", q)
	}

	// A quality file without a summary shows the problem, not a crash.
	if err := os.WriteFile(filepath.Join(dir, "quality.json"), []byte(`{"stage": "quality"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _ = Load(dir, "x")
	if tab := QualityTable(s); tab == nil || !strings.Contains(tab.Note, "no figures.summary") {
		t.Errorf("no summary: got %+v, want a note saying so", tab)
	}
}
