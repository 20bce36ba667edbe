package eval

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

func recsSplit(t *testing.T) *Split {
	return mustSplit(t,
		seq(1, []int32{1, 2}, []int32{3}, []int32{4, 5}),
		seq(2, []int32{4}, nil, []int32{1}),
		seq(3, []int32{5, 6}, []int32{7}, []int32{2}),
	)
}

func TestRecsRoundTrip(t *testing.T) {
	s := recsSplit(t)
	rankings := Popularity(s, Test, 100)
	path := filepath.Join(t.TempDir(), "recs", "popularity.parquet")
	recs := ToRecs(rankings)
	if recs[0] != (Rec{UserID: 1, Rank: 1, MovieID: 4, Score: 1}) {
		t.Errorf("got first row %+v, want user 1 rank 1 movie 4 score 1", recs[0])
	}
	if err := WriteRecs(path, recs); err != nil {
		t.Fatal(err)
	}
	back, err := ReadRecs(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, recs) {
		t.Fatalf("got %+v\nwant %+v", back, recs)
	}
	// Row order in a file does not matter.
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(back), func(i, j int) { back[i], back[j] = back[j], back[i] })
	again, err := FromRecs(s, back)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, rankings) {
		t.Errorf("FromRecs: got %+v\nwant %+v", again, rankings)
	}
	want, err := Evaluate(s, Test, rankings, RetrievalKs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := EvaluateRecs(s, path, RetrievalKs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("EvaluateRecs: got %v, want %v", got, want)
	}
}

// TestRecsSchema reads a recs file with Apache Arrow, a reader independent
// of the writer, and checks the column types of the contract.
func TestRecsSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.parquet")
	if err := WriteRecs(path, []Rec{{UserID: 7, Rank: 1, MovieID: 9, Score: 0.5}}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		t.Fatal(err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	want := []struct {
		name string
		typ  arrow.Type
	}{{"user_id", arrow.INT32}, {"rank", arrow.INT32}, {"movie_id", arrow.INT32}, {"score", arrow.FLOAT32}}
	fields := tbl.Schema().Fields()
	if len(fields) != len(want) {
		t.Fatalf("got schema %v, want %d columns", tbl.Schema(), len(want))
	}
	for i, w := range want {
		if fields[i].Name != w.name || fields[i].Type.ID() != w.typ {
			t.Errorf("column %d: got %s %s, want %s %s", i, fields[i].Name, fields[i].Type, w.name, w.typ)
		}
	}
}

func TestRecsErrors(t *testing.T) {
	s := recsSplit(t)
	for _, c := range []struct {
		name string
		recs []Rec
		want string
	}{
		{"unknown user", []Rec{{UserID: 9, Rank: 1, MovieID: 1}}, "user 9 is not in the split"},
		{"gap", []Rec{{UserID: 1, Rank: 1, MovieID: 4}, {UserID: 1, Rank: 3, MovieID: 5}}, "user 1 has rank 3 where rank 2"},
		{"rank twice", []Rec{{UserID: 2, Rank: 1, MovieID: 2}, {UserID: 2, Rank: 1, MovieID: 3}}, "user 2 has rank 1 where rank 2"},
		{"zero rank", []Rec{{UserID: 2, Rank: 0, MovieID: 2}}, "user 2 has rank 0 where rank 1"},
	} {
		_, err := FromRecs(s, c.recs)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
	dir := t.TempDir()
	if err := WriteRecs(filepath.Join(dir, "e.parquet"), nil); err == nil {
		t.Errorf("WriteRecs(no rows): got nil error")
	}
	// A file whose rows rank a seen movie fails evaluation, naming the file.
	path := filepath.Join(dir, "bad.parquet")
	if err := WriteRecs(path, []Rec{{UserID: 1, Rank: 1, MovieID: 2}}); err != nil {
		t.Fatal(err)
	}
	if _, err := EvaluateRecs(s, path, DefaultKs); err == nil || !strings.Contains(err.Error(), "bad.parquet") || !strings.Contains(err.Error(), "movie 2") {
		t.Errorf("EvaluateRecs(seen movie): got %v", err)
	}
	// Users absent from the file are evaluated with an empty ranking.
	if err := WriteRecs(path, []Rec{{UserID: 1, Rank: 1, MovieID: 4}}); err != nil {
		t.Fatal(err)
	}
	m, err := EvaluateRecs(s, path, []int{1})
	if err != nil {
		t.Fatal(err)
	}
	// Only user 1 hits (4 in its test {4, 5}): hit@1 = 1/3 over 3 users.
	if got := m["hit@1"]; got != 1.0/3 {
		t.Errorf("got hit@1 %v, want 1/3", got)
	}
}
