package tables

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// readArrow reads a parquet file with Apache Arrow's reader, an
// implementation independent of the writer's library.
func readArrow(t *testing.T, path string) arrow.Table {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	pf, err := file.NewParquetReader(f)
	if err != nil {
		t.Fatalf("arrow cannot open %s: %v", path, err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatalf("arrow cannot read %s: %v", path, err)
	}
	t.Cleanup(tbl.Release)
	return tbl
}

func column(t *testing.T, tbl arrow.Table, name string) arrow.Array {
	t.Helper()
	idx := tbl.Schema().FieldIndices(name)
	if len(idx) != 1 {
		t.Fatalf("arrow sees no column %q in %v", name, tbl.Schema())
	}
	return tbl.Column(idx[0]).Data().Chunk(0)
}

func TestArrowReadsWhatWeWrite(t *testing.T) {
	dir := t.TempDir()
	mpath := filepath.Join(dir, "movies.parquet")
	movies := []Movie{
		{MovieID: 1633, Title: "Á köldum klaka (Cold Fever) (1994)", Year: i32(1994), ReleaseDate: i32(9131), Genres: []string{"Comedy", "Drama"}},
		{MovieID: 267, Title: "unknown", Genres: []string{}},
	}
	if err := Write(mpath, movies); err != nil {
		t.Fatal(err)
	}
	tbl := readArrow(t, mpath)
	if tbl.NumRows() != 2 {
		t.Fatalf("got %d rows, want 2", tbl.NumRows())
	}
	if got := column(t, tbl, "title").(*array.String).Value(0); got != movies[0].Title {
		t.Errorf("got title %q, want %q", got, movies[0].Title)
	}
	year := column(t, tbl, "year").(*array.Int32)
	if year.Value(0) != 1994 || !year.IsNull(1) {
		t.Errorf("got years %v, want [1994 null]", year)
	}
	if dt := column(t, tbl, "release_date").DataType(); dt.ID() != arrow.DATE32 {
		t.Errorf("got release_date type %v, want date32", dt)
	}
	genres := column(t, tbl, "genres").(*array.List)
	vals := genres.ListValues().(*array.String)
	start, end := genres.ValueOffsets(0)
	if end-start != 2 || vals.Value(int(start)) != "Comedy" || vals.Value(int(start)+1) != "Drama" {
		t.Errorf("got genres %v, want [Comedy Drama]", genres)
	}

	rpath := filepath.Join(dir, "ratings.parquet")
	if err := Write(rpath, []Rating{{UserID: 1, MovieID: 2, Rating: 5, Timestamp: 874965758000, Split: SplitTest}}); err != nil {
		t.Fatal(err)
	}
	rt := readArrow(t, rpath)
	ts := column(t, rt, "timestamp")
	if ts.DataType().ID() != arrow.TIMESTAMP {
		t.Fatalf("got timestamp type %v, want timestamp", ts.DataType())
	}
	if got := ts.(*array.Timestamp).Value(0); int64(got) != 874965758000 {
		t.Errorf("got timestamp %d, want 874965758000", got)
	}
}
