package tables

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/moviegenie/pipeline/pkg/tables/tablestest"
)

// TestStreamWritersRoundTrip: what the column writers write, Read reads
// back as the row types, Arrow sees UTC timestamps, and each WriteGroup is
// one row group.
func TestStreamWritersRoundTrip(t *testing.T) {
	dir := t.TempDir()
	rpath := filepath.Join(dir, "ratings.parquet")
	rw, err := CreateRatings(rpath)
	if err != nil {
		t.Fatal(err)
	}
	groups := []RatingGroup{
		{UserID: []int32{1, 1}, MovieID: []int32{10, 20}, Rating: []float32{4.5, 0.5}, TimestampMs: []int64{874965758000, 874965759000},
			Position: []int32{0, 1}, Split: []int8{CodeTrain, CodeTest}},
		{UserID: []int32{2}, MovieID: []int32{10}, Rating: []float32{3}, TimestampMs: []int64{874965760000}, Position: []int32{0}, Split: []int8{CodeValidation}},
	}
	for i := range groups {
		if err := rw.WriteGroup(&groups[i]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(rpath); !os.IsNotExist(err) {
		t.Errorf("ratings.parquet exists before Close: %v", err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := Read[Rating](rpath)
	if err != nil {
		t.Fatal(err)
	}
	want := []Rating{
		{UserID: 1, MovieID: 10, Rating: 4.5, Timestamp: 874965758000, Position: 0, Split: SplitTrain},
		{UserID: 1, MovieID: 20, Rating: 0.5, Timestamp: 874965759000, Position: 1, Split: SplitTest},
		{UserID: 2, MovieID: 10, Rating: 3, Timestamp: 874965760000, Position: 0, Split: SplitValidation},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if n := rowGroups(t, rpath); n != 2 {
		t.Errorf("got %d row groups, want 2", n)
	}

	spath := filepath.Join(dir, "sequences.parquet")
	sw, err := CreateSequences(spath)
	if err != nil {
		t.Fatal(err)
	}
	g := SequenceGroup{UserID: []int32{1, 2}, Offsets: []int32{0, 2, 3}, MovieIDs: []int32{10, 20, 10},
		TimestampsMs: []int64{1000, 2000, 3000}, Ratings: []float32{4.5, 0.5, 3}, NTrain: []int32{0, 0}, NVal: []int32{1, 0}, NTest: []int32{1, 1}}
	if err := sw.WriteGroup(&g); err != nil {
		t.Fatal(err)
	}
	if err := sw.Close(); err != nil {
		t.Fatal(err)
	}
	seqs, err := Read[Sequence](spath)
	if err != nil {
		t.Fatal(err)
	}
	wantSeq := []Sequence{
		{UserID: 1, MovieIDs: []int32{10, 20}, Timestamps: []int64{1000, 2000}, Ratings: []float32{4.5, 0.5}, NTrain: 0, NVal: 1, NTest: 1},
		{UserID: 2, MovieIDs: []int32{10}, Timestamps: []int64{3000}, Ratings: []float32{3}, NTrain: 0, NVal: 0, NTest: 1},
	}
	if !reflect.DeepEqual(seqs, wantSeq) {
		t.Errorf("got %+v, want %+v", seqs, wantSeq)
	}

	rt := tablestest.ReadArrow(t, rpath)
	if tz := tablestest.Column(t, rt, "timestamp").DataType().(*arrow.TimestampType).TimeZone; tz != "UTC" {
		t.Errorf("ratings timestamp: got time zone %q, want UTC", tz)
	}
	st := tablestest.ReadArrow(t, spath)
	elem := tablestest.Column(t, st, "timestamps").DataType().(*arrow.ListType).Elem()
	if ts, ok := elem.(*arrow.TimestampType); !ok || ts.TimeZone != "UTC" || ts.Unit != arrow.Millisecond {
		t.Errorf("sequences timestamps: got element %v, want timestamp[ms, UTC]", elem)
	}
}

func TestStreamAbortLeavesOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ratings.parquet")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := CreateRatings(path)
	if err != nil {
		t.Fatal(err)
	}
	w.Abort()
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("got %q, want the old file untouched", b)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

func rowGroups(t *testing.T, path string) int {
	t.Helper()
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return r.NumRowGroups()
}
