package monitor

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// checkPNG fails unless path is a PNG file of at least minKB kilobytes.
func checkPNG(t *testing.T, path string, minKB int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("%s: got header % x, want the PNG signature", path, data[:min(8, len(data))])
	}
	if len(data) < minKB<<10 {
		t.Errorf("%s: got %d bytes, want at least %d KB", path, len(data), minKB)
	}
}

// fakeRatings makes a small ratings table: user u rated 5+u movies,
// movie m was rated by the users who reach it.
func fakeRatings() []tables.Rating {
	var rows []tables.Rating
	for u := int32(1); u <= 60; u++ {
		for m := int32(1); m <= 5+u; m++ {
			rows = append(rows, tables.Rating{UserID: u, MovieID: m, Rating: 4, Timestamp: int64(u*1000 + m), Split: tables.SplitTrain})
		}
	}
	return rows
}

func TestPlotAll(t *testing.T) {
	s, err := Load(fixtures, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ratings := filepath.Join(dir, "ratings.parquet")
	if err := tables.Write(ratings, fakeRatings()); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "reports")
	charts, notes, err := PlotAll(s, ratings, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("got notes %q, want none", notes)
	}
	want := []string{"models.png", "curve_train-bert4rec.png", "curve_train-twotower.png", "interactions.png"}
	got := append(append([]string{filepath.Base(charts.Models)}, baseNames(charts.Curves)...), filepath.Base(charts.Interactions))
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got charts %q, want %q", got, want)
	}
	for _, name := range want {
		checkPNG(t, filepath.Join(out, name), 20)
	}

	// The report links the charts relative to itself.
	cur := s
	prev := snapWithout(t, "train-bert4rec")
	report := filepath.Join(out, "index.md")
	r := Report{Current: cur, Previous: prev, ModelsChart: charts.Models, CurveCharts: charts.Curves,
		InteractionsChart: charts.Interactions, Generated: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	if err := WriteReport(report, r); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(report)
	for _, s := range []string{
		"# Movie Genie pipeline report",
		"4 stages ok, 3 missing, 0 malformed",
		"Report generated 2025-03-01 12:00:00 UTC",
		"![Model comparison](models.png)",
		"(curve_train-bert4rec.png)",
		"![Interactions per user and per movie](interactions.png)",
		"## Changes since before",
		"| train-bert4rec | models.bert4rec.ndcg@10 | - | 0.1294 |",
		"| bert4rec | train-bert4rec | **0.0823** | **0.1294** |",
		"| process | no duplicate (user, movie) | passed |",
	} {
		if !strings.Contains(string(md), s) {
			t.Errorf("report lacks %q", s)
		}
	}
}

// snapWithout is the fixture snapshot without one stage, labelled "before".
func snapWithout(t *testing.T, stage string) *Snapshot {
	t.Helper()
	dir := copyFixtures(t)
	os.Remove(filepath.Join(dir, stage+".json"))
	s, err := Load(dir, "before")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func baseNames(paths []string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, filepath.Base(p))
	}
	return out
}

func TestPlotAllWithoutData(t *testing.T) {
	s, _ := Load(filepath.Join(t.TempDir(), "none"), "empty")
	out := t.TempDir()
	charts, notes, err := PlotAll(s, filepath.Join(out, "no-ratings.parquet"), out)
	if err != nil {
		t.Fatal(err)
	}
	if charts.Models != "" || len(charts.Curves) != 0 || charts.Interactions != "" {
		t.Errorf("got charts %+v from no data, want none", charts)
	}
	if len(notes) != 3 {
		t.Errorf("got notes %q, want one per chart not drawn", notes)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("got %d files, want none", len(entries))
	}
}

func TestInteractionCounts(t *testing.T) {
	perUser, perMovie := InteractionCounts(fakeRatings())
	if len(perUser) != 60 || perUser[0] != 6 || perUser[59] != 65 {
		t.Errorf("got %d users from %v to %v, want 60 from 6 to 65", len(perUser), perUser[0], perUser[len(perUser)-1])
	}
	// Movies 1..6 were rated by all 60 users, movie 65 by one.
	if len(perMovie) != 65 || perMovie[0] != 1 || perMovie[64] != 60 {
		t.Errorf("got %d movies from %v to %v, want 65 from 1 to 60", len(perMovie), perMovie[0], perMovie[len(perMovie)-1])
	}
}

func TestLogBins(t *testing.T) {
	for _, counts := range [][]float64{
		{5, 5, 6, 7, 9, 20, 50, 120, 583},
		{20, 21, 22, 25, 40, 100, 737},
		{1, 1, 1, 2, 3},
		{7, 7, 7},
	} {
		bins := logBins(counts, 30)
		total := 0.0
		for i, b := range bins {
			total += b.Weight
			if math.Floor(b.Max) < math.Ceil(b.Min) {
				t.Errorf("%v: bin %d [%v, %v] holds no whole number", counts, i, b.Min, b.Max)
			}
			if i > 0 && b.Min != bins[i-1].Max {
				t.Errorf("%v: bin %d starts at %v, previous ends at %v", counts, i, b.Min, bins[i-1].Max)
			}
		}
		if total != float64(len(counts)) {
			t.Errorf("%v: got %v counted, want %d", counts, total, len(counts))
		}
		if len(bins) > 30 {
			t.Errorf("%v: got %d bins, want at most 30", counts, len(bins))
		}
		if lo, hi := bins[0].Min, bins[len(bins)-1].Max; lo > counts[0] || hi < counts[len(counts)-1] {
			t.Errorf("%v: bins span [%v, %v], want the whole range", counts, lo, hi)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		min, max float64
		want     string
	}{
		{0, 0.62, "0.0 0.2 0.4 0.6"},
		{0, 92, "0 20 40 60 80"},
		{5.0, 7.3, "5.0 5.5 6.0 6.5 7.0"},
		{0, 0.074, "0.00 0.02 0.04 0.06"},
	} {
		var labels []string
		for _, tk := range (niceTicks{}).Ticks(tc.min, tc.max) {
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		if g := strings.Join(labels, " "); g != tc.want {
			t.Errorf("ticks of [%v, %v]: got %q, want %q", tc.min, tc.max, g, tc.want)
		}
	}
	var labels []string
	for _, tk := range (logTicks{}).Ticks(4.5, 583.5) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if g, w := strings.Join(labels, " "), "5 10 20 50 100 200 500"; g != w {
		t.Errorf("log ticks: got %q, want %q", g, w)
	}
}

func TestPlotEdgeCases(t *testing.T) {
	out := t.TempDir()
	s := snapOf(t, "x", map[string]*runmetrics.File{
		"bert4rec": {Stage: "b", Curve: []runmetrics.Epoch{{Epoch: 1, TrainLoss: 3}},
			Models: map[string]map[string]float64{"bert4rec": {"ndcg@10": 0.1}}},
		"twotower": {Stage: "t", Curve: []runmetrics.Epoch{{Epoch: 1, TrainLoss: 3, Val: map[string]float64{"ndcg@10": 0}}, {Epoch: 2, TrainLoss: 3, Val: map[string]float64{"ndcg@10": 0}}}},
	})
	files, err := PlotCurves(s, out)
	if err != nil || len(files) != 2 {
		t.Fatalf("got %v, %v, want 2 curves", files, err)
	}
	if ok, err := PlotModels(s, filepath.Join(out, "models.png")); !ok || err != nil {
		t.Fatalf("got %v, %v for one model", ok, err)
	}
	if err := PlotInteractions([]float64{3}, []float64{1, 1}, 0, 0, filepath.Join(out, "i.png")); err != nil {
		t.Fatalf("one user: %v", err)
	}
	for _, f := range append(files, filepath.Join(out, "models.png"), filepath.Join(out, "i.png")) {
		checkPNG(t, f, 5)
	}
}
