package monitor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServeTable(t *testing.T) {
	dir := t.TempDir()
	if got := ServeTable(mustLoad(t, dir)); got != nil {
		t.Fatalf("got a table without serve.json: %+v", got)
	}
	data := `{"schema_version":1,"stage":"serve","finished_at":"2026-12-07T04:00:00Z",
	"checks":[{"name":"search target","passed":false,"detail":"1500 req/s (target >= 2000)"}],
	"figures":{"scenarios":[{"name":"search","route":"GET /api/search","requests":1000,"errors":0,
	"requests_per_second":1500.4,"p50_ms":1.5,"p95_ms":5.25,"p99_ms":9.126}]},"env":{}}`
	if err := os.WriteFile(filepath.Join(dir, "serve.json"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	tb := ServeTable(mustLoad(t, dir))
	if tb == nil || len(tb.Rows) != 1 {
		t.Fatalf("got %+v, want one row", tb)
	}
	want := []string{"search", "GET /api/search", "1500", "1.50", "5.25", "9.13", "0/1000"}
	if strings.Join(tb.Rows[0], "|") != strings.Join(want, "|") {
		t.Errorf("got row %q, want %q", tb.Rows[0], want)
	}
	if !strings.Contains(tb.Note, "search target: MISSED") {
		t.Errorf("got note %q, want the missed target", tb.Note)
	}
}

func mustLoad(t *testing.T, dir string) *Snapshot {
	t.Helper()
	s, err := Load(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
