package tables

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// colRow has every kind of field ReadColumnar supports.
type colRow struct {
	ID     int32     `parquet:"name=id, type=INT32"`
	Big    int64     `parquet:"name=big, type=INT64"`
	Score  float32   `parquet:"name=score, type=FLOAT"`
	Name   string    `parquet:"name=name, type=BYTE_ARRAY, convertedtype=UTF8"`
	Items  []int32   `parquet:"name=items, type=LIST, valuetype=INT32"`
	Times  []int64   `parquet:"name=times, type=LIST, valuetype=INT64, valueconvertedtype=TIMESTAMP_MILLIS, valuelogicaltype=TIMESTAMP, valuelogicaltype.isadjustedtoutc=true, valuelogicaltype.unit=MILLIS"`
	Values []float32 `parquet:"name=values, type=LIST, valuetype=FLOAT"`
}

// TestReadColumnar reads the rows Read reads, over several record batches,
// empty lists included, and for the pipeline's own large row types.
func TestReadColumnar(t *testing.T) {
	dir := t.TempDir()
	var rows []colRow
	for i := range 150000 {
		r := colRow{ID: int32(i), Big: int64(i) << 33, Score: float32(i) / 7, Name: strings.Repeat("é", i%3)}
		for k := range i % 4 {
			r.Items = append(r.Items, int32(i+k))
			r.Times = append(r.Times, int64(i)*1000-int64(k))
			r.Values = append(r.Values, float32(k)/2)
		}
		rows = append(rows, r)
	}
	path := filepath.Join(dir, "rows.parquet")
	if err := Write(path, rows); err != nil {
		t.Fatal(err)
	}
	want, err := Read[colRow](path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadColumnar[colRow](path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("row %d: got %#v, want %#v (as Read)", i, got[i], want[i])
		}
	}
	// A list may not grow into the next row's.
	_ = append(got[1].Items, 99)
	if got[2].Items[0] != 2 {
		t.Errorf("lists share spare capacity")
	}

	seqs := []Sequence{{UserID: 3, MovieIDs: []int32{1, 2}, Timestamps: []int64{5, 6}, Ratings: []float32{4.5, 1}, NTrain: 1, NTest: 1},
		{UserID: 4, MovieIDs: []int32{7}, Timestamps: []int64{8}, Ratings: []float32{2}, NTest: 1}}
	sp := filepath.Join(dir, "sequences.parquet")
	if err := Write(sp, seqs); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadColumnar[Sequence](sp); err != nil || !reflect.DeepEqual(got, seqs) {
		t.Errorf("sequences: got %+v, %v, want %+v", got, err, seqs)
	}
}

func TestReadColumnarErrors(t *testing.T) {
	dir := t.TempDir()
	type other struct {
		ID int64 `parquet:"name=id, type=INT64"`
	}
	path := filepath.Join(dir, "other.parquet")
	if err := Write(path, []other{{1}}); err != nil {
		t.Fatal(err)
	}
	type small struct {
		ID int32 `parquet:"name=id, type=INT32"`
	}
	type missing struct {
		X int32 `parquet:"name=x, type=INT32"`
	}
	type pointer struct {
		ID *int64 `parquet:"name=id, type=INT64"`
	}
	for _, tc := range []struct {
		name string
		read func() error
		want string
	}{
		{"mistyped", func() error { _, err := ReadColumnar[small](path); return err }, `other.parquet: column "id": type INT64, want INT32`},
		{"missing", func() error { _, err := ReadColumnar[missing](path); return err }, `other.parquet: column "x": missing`},
		{"unsupported field", func() error { _, err := ReadColumnar[pointer](path); return err }, "is not supported (use Read)"},
		{"no file", func() error { _, err := ReadColumnar[small](filepath.Join(dir, "none.parquet")); return err }, "none.parquet"},
	} {
		if err := tc.read(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}
