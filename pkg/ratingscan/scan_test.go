package ratingscan

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// row is a ratings.parquet row with a half-star (FLOAT) rating column.
type row struct {
	UserID   int32   `parquet:"name=user_id, type=INT32"`
	MovieID  int32   `parquet:"name=movie_id, type=INT32"`
	Rating   float32 `parquet:"name=rating, type=FLOAT"`
	Position int32   `parquet:"name=position, type=INT32"`
	Split    string  `parquet:"name=split, type=BYTE_ARRAY, convertedtype=UTF8"`
}

// scanAll collects every batch; sizes records the batch lengths.
func scanAll(t *testing.T, path string, batchRows int) (got []row, sizes []int) {
	t.Helper()
	n, err := Scan(path, batchRows, func(b *Batch) error {
		if b.First != int64(len(got)) {
			t.Errorf("batch starts at row %d, want %d", b.First, len(got))
		}
		sizes = append(sizes, b.Len())
		for i := range b.Len() {
			got = append(got, row{b.UserID[i], b.MovieID[i], b.Rating[i], b.Position[i], SplitName(b.Split[i])})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(got)) {
		t.Errorf("Scan returned %d rows, the batches held %d", n, len(got))
	}
	return got, sizes
}

func TestScan(t *testing.T) {
	dir := t.TempDir()
	var rows []row
	for i := range 1000 {
		rows = append(rows, row{int32(i / 10), int32(i%37 + 1), float32(i%10)/2 + 0.5, int32(i % 10), []string{"train", "validation", "test"}[i%3]})
	}
	half := filepath.Join(dir, "half.parquet")
	if err := tables.Write(half, rows); err != nil {
		t.Fatal(err)
	}
	got, sizes := scanAll(t, half, 64)
	if len(got) != len(rows) {
		t.Fatalf("got %d rows, want %d", len(got), len(rows))
	}
	for i := range rows {
		if got[i] != rows[i] {
			t.Fatalf("row %d: got %+v, want %+v", i, got[i], rows[i])
		}
	}
	for _, s := range sizes {
		if s > 64 {
			t.Errorf("got a batch of %d rows, want at most 64", s)
		}
	}
	// A whole-star (INT32) rating column reads alike.
	type intRow struct {
		UserID   int32  `parquet:"name=user_id, type=INT32"`
		MovieID  int32  `parquet:"name=movie_id, type=INT32"`
		Rating   int32  `parquet:"name=rating, type=INT32"`
		Position int32  `parquet:"name=position, type=INT32"`
		Split    string `parquet:"name=split, type=BYTE_ARRAY, convertedtype=UTF8"`
	}
	whole := filepath.Join(dir, "ratings.parquet")
	var tr []intRow
	for _, r := range rows[:50] {
		tr = append(tr, intRow{r.UserID, r.MovieID, r.Position%5 + 1, r.Position, r.Split})
	}
	if err := tables.Write(whole, tr); err != nil {
		t.Fatal(err)
	}
	got, _ = scanAll(t, whole, 0)
	for i, r := range tr {
		if got[i].Rating != float32(r.Rating) || got[i].UserID != r.UserID || got[i].Split != r.Split {
			t.Fatalf("row %d: got %+v, want %+v", i, got[i], r)
		}
	}
}

func TestScanErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.parquet")
	if err := tables.Write(bad, []row{{1, 2, 3, 0, "train"}, {1, 3, 4, 1, "holdout"}}); err != nil {
		t.Fatal(err)
	}
	type noSplit struct {
		UserID int32 `parquet:"name=user_id, type=INT32"`
	}
	missing := filepath.Join(dir, "missing.parquet")
	if err := tables.Write(missing, []noSplit{{1}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{bad, `bad.parquet: column split: row 1: unknown split "holdout"`},
		{missing, `missing.parquet: column "movie_id" is missing`},
		{filepath.Join(dir, "absent.parquet"), "absent.parquet"},
	} {
		_, err := Scan(c.path, 0, func(*Batch) error { return nil })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error containing %q", err, c.want)
		}
	}
}

// TestScanTimes reads tables.Rating rows (TIMESTAMP(MILLIS), the process
// stage's own layout) in batches, timestamps included, negative ones too.
func TestScanTimes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ratings.parquet")
	var rows []tables.Rating
	for i := range 300 {
		rows = append(rows, tables.Rating{UserID: int32(i/30 + 1), MovieID: int32(i%7 + 1), Rating: 3.5,
			Timestamp: int64(i-5)*1000 + 123, Position: int32(i % 30), Split: tables.SplitTrain})
	}
	if err := tables.Write(path, rows); err != nil {
		t.Fatal(err)
	}
	var got []int64
	n, err := ScanTimes(path, 64, func(b *Batch) error {
		if len(b.Timestamp) != b.Len() {
			t.Errorf("batch at %d: %d timestamps for %d rows", b.First, len(b.Timestamp), b.Len())
		}
		got = append(got, b.Timestamp...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(rows)) || len(got) != len(rows) {
		t.Fatalf("got %d rows (%d timestamps), want %d", n, len(got), len(rows))
	}
	for i, r := range rows {
		if got[i] != r.Timestamp {
			t.Fatalf("row %d: timestamp %d, want %d", i, got[i], r.Timestamp)
		}
	}
	// Scan leaves the column unread.
	if _, err := Scan(path, 64, func(b *Batch) error {
		if b.Timestamp != nil {
			t.Errorf("Scan filled Timestamp")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
