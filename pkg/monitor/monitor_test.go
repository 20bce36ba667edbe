package monitor

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

const fixtures = "testdata/metrics"

// copyFixtures copies the fixture metrics files into a fresh directory.
func copyFixtures(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "metrics")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(fixtures, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, e.Name()), string(data))
	}
	return dir
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapOf builds a snapshot from in-memory metrics files.
func snapOf(t *testing.T, label string, files map[string]*runmetrics.File) *Snapshot {
	t.Helper()
	raw := map[string][]byte{}
	for name, f := range files {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		raw[name] = b
	}
	return build(label, raw, func(name string) string { return name + ".json" })
}

func statuses(s *Snapshot) map[string]string {
	out := map[string]string{}
	for _, st := range s.Stages {
		out[st.Name] = st.Status()
	}
	return out
}

func TestLoadFixtures(t *testing.T) {
	s, err := Load(fixtures, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"process": "ok", "features": "ok", "train-bert4rec": "ok", "train-twotower": "ok", "semantic": "missing", "dbsetup": "missing"}
	got := statuses(s)
	for name, w := range want {
		if got[name] != w {
			t.Errorf("stage %s: got status %q, want %q", name, got[name], w)
		}
	}
	var order []string
	for _, st := range s.Stages {
		order = append(order, st.Name)
	}
	if g, w := strings.Join(order, " "), strings.Join(Stages, " "); g != w {
		t.Errorf("got stage order %q, want %q", g, w)
	}
	if n := len(s.Stage("train-bert4rec").File.Curve); n != 20 {
		t.Errorf("got %d epochs for bert4rec, want 20", n)
	}
}

func TestLoadMissingDirectory(t *testing.T) {
	s, err := Load(filepath.Join(t.TempDir(), "nope"), "x")
	if err != nil {
		t.Fatalf("got error %v, want a snapshot of missing stages", err)
	}
	if s.Present() != 0 || len(s.Stages) != len(Stages) {
		t.Errorf("got %d present of %d stages, want 0 of %d", s.Present(), len(s.Stages), len(Stages))
	}
}

func TestTablesWithMissingAndMalformedFiles(t *testing.T) {
	dir := copyFixtures(t)
	os.Remove(filepath.Join(dir, "train-twotower.json"))
	writeFile(t, filepath.Join(dir, "train-bert4rec.json"), `{"stage": "train-bert4rec", "wall_seconds": `) // truncated
	writeFile(t, filepath.Join(dir, "semantic.json"), `{"schema_version": 1, "models": {}}`)                // no stage
	writeFile(t, filepath.Join(dir, "dbsetup.json"), `{"schema_version": 99, "stage": "dbsetup"}`)
	writeFile(t, filepath.Join(dir, "itemknn.json"), `{"schema_version": 1, "stage": "train-itemknn", "models": {"item-knn": {"ndcg@10": 0.1}, "popularity": {"ndcg@10": 0.08}}}`)
	writeFile(t, filepath.Join(dir, "notes.txt"), "not a metrics file")
	writeFile(t, filepath.Join(dir, "top-rated.json"), `{"rows": 20}`) // a custom stage's own figures

	s, err := Load(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"process":        "ok",
		"train-bert4rec": "malformed: unexpected end of JSON input",
		"train-twotower": "missing",
		"semantic":       "malformed: no stage field",
		"dbsetup":        "malformed: schema_version 99, this tool reads up to 1",
		"itemknn":        "ok",
		"top-rated":      "not a pipeline metrics file",
	}
	got := statuses(s)
	for name, w := range want {
		if got[name] != w {
			t.Errorf("stage %s: got status %q, want %q", name, got[name], w)
		}
	}
	if len(s.Stages) != 9 {
		t.Errorf("got %d stages, want the 7 known ones, itemknn and top-rated", len(s.Stages))
	}

	var buf bytes.Buffer
	for _, tab := range []*Table{StageTable(s), ModelTable(s), CurveTable(s), RowsTable(s), ChecksTable(s)} {
		if err := tab.WriteText(&buf); err != nil {
			t.Fatal(err)
		}
	}
	out := buf.String()
	for _, line := range []string{
		"train-twotower", "missing",
		"train-bert4rec", "malformed: unexpected end of JSON input",
		"item-knn    itemknn",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("tables lack %q:\n%s", line, out)
		}
	}
	// The stage rows of missing and malformed files say only that.
	for _, row := range StageTable(s).Rows {
		if row[len(row)-1] != "ok" && strings.Join(row[1:len(row)-1], "") != "" {
			t.Errorf("got cells %q for a stage that is %s", row, row[len(row)-1])
		}
	}
}

func TestModelRows(t *testing.T) {
	s, err := Load(fixtures, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	rows := Models(s)
	var got []string
	for _, r := range rows {
		got = append(got, r.Model+"<"+strings.Join(r.Stages, ",")+">")
	}
	if g, w := strings.Join(got, " "), "popularity<train-bert4rec,train-twotower> bert4rec<train-bert4rec> twotower<train-twotower>"; g != w {
		t.Errorf("got rows %s, want %s", g, w)
	}
	// bert4rec ndcg@10 0.1294 against popularity 0.0871: +48.56%.
	if v := rows[1].VsBaseline; v == nil || *v < 48.55 || *v > 48.57 {
		t.Errorf("got bert4rec vs popularity %v, want +48.56%%", v)
	}
	if rows[0].VsBaseline != nil {
		t.Errorf("got a baseline comparison for the baseline itself")
	}
	tab := ModelTable(s)
	if g, w := strings.Join(tab.Header, ","), "model,from,recall@10,ndcg@10,hit@10,mrr@10,next_hit@10,recall@50,recall@100,ndcg@10 vs popularity"; g != w {
		t.Errorf("got header %s, want %s", g, w)
	}
	if g, w := strings.Join(tab.Rows[1], ","), "bert4rec,train-bert4rec,0.0823,0.1294,0.5281,0.2617,0.1124,0.2512,0.3790,+48.6%"; g != w {
		t.Errorf("got row %s, want %s", g, w)
	}
}

func TestCurves(t *testing.T) {
	s, err := Load(fixtures, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	cs := Curves(s)
	if len(cs) != 2 || cs[0].Stage != "train-bert4rec" || cs[1].Stage != "train-twotower" {
		t.Fatalf("got curves %+v, want bert4rec and twotower", cs)
	}
	if c := cs[0]; c.Epochs != 20 || c.Metric != "ndcg@10" || c.BestEpoch != 14 || c.BestValue != 0.1261 {
		t.Errorf("got %+v, want 20 epochs, best ndcg@10 0.1261 at 14", c)
	}
}

func TestTableRendering(t *testing.T) {
	tab := &Table{
		Title:  "T",
		Header: []string{"name", "value"},
		Right:  []bool{false, true},
		Rows:   [][]string{{"a", "1.5"}, {"long|name", "10"}},
	}
	var txt, md bytes.Buffer
	tab.WriteText(&txt)
	tab.WriteMarkdown(&md)
	wantTxt := "T\nname       value\n---------  -----\na            1.5\nlong|name     10\n"
	if txt.String() != wantTxt {
		t.Errorf("got text\n%q\nwant\n%q", txt.String(), wantTxt)
	}
	wantMD := "### T\n\n| name | value |\n|---|---:|\n| a | 1.5 |\n| long\\|name | 10 |\n\n"
	if md.String() != wantMD {
		t.Errorf("got markdown\n%q\nwant\n%q", md.String(), wantMD)
	}
}

func TestBytes(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {187432960, "178.8 MiB"}, {1288490188, "1.2 GiB"}} {
		if got := Bytes(tc.n); got != tc.want {
			t.Errorf("Bytes(%d): got %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestFailedChecksNote(t *testing.T) {
	s := snapOf(t, "x", map[string]*runmetrics.File{
		"process": {Stage: "process", Checks: []runmetrics.Check{
			{Name: "k-core holds", Passed: true},
			{Name: "every user has a test part", Passed: false, Detail: "user 7 has none"},
		}},
	})
	tab := StageTable(s)
	if got := tab.Rows[1][5]; got != "1/2 passed" {
		t.Errorf("got checks cell %q, want 1/2 passed", got)
	}
	var md bytes.Buffer
	tab.WriteMarkdown(&md)
	if want := "\nFAILED checks:\n\n- process: every user has a test part user 7 has none\n"; !strings.Contains(md.String(), want) {
		t.Errorf("got markdown\n%s\nwant it to contain %q", md.String(), want)
	}
}

// TestStageTableNamesDataset: the stage table says which dataset process
// read, from its metrics.
func TestStageTableNamesDataset(t *testing.T) {
	s := &Snapshot{Stages: []*Stage{{Name: "process", File: &runmetrics.File{Stage: "process", Figures: map[string]any{"dataset": "ml-25m"}}}}}
	if got := StageTable(s).Title; got != "Stages, dataset ml-25m" {
		t.Errorf("got title %q, want it to name the dataset", got)
	}
}
