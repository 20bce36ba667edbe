package tables

import (
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/moviegenie/pipeline/pkg/tables/tablestest"
)

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
	tbl := tablestest.ReadArrow(t, mpath)
	if tbl.NumRows() != 2 {
		t.Fatalf("got %d rows, want 2", tbl.NumRows())
	}
	if got := tablestest.Column(t, tbl, "title").(*array.String).Value(0); got != movies[0].Title {
		t.Errorf("got title %q, want %q", got, movies[0].Title)
	}
	year := tablestest.Column(t, tbl, "year").(*array.Int32)
	if year.Value(0) != 1994 || !year.IsNull(1) {
		t.Errorf("got years %v, want [1994 null]", year)
	}
	if dt := tablestest.Column(t, tbl, "release_date").DataType(); dt.ID() != arrow.DATE32 {
		t.Errorf("got release_date type %v, want date32", dt)
	}
	genres := tablestest.Column(t, tbl, "genres").(*array.List)
	vals := genres.ListValues().(*array.String)
	start, end := genres.ValueOffsets(0)
	if end-start != 2 || vals.Value(int(start)) != "Comedy" || vals.Value(int(start)+1) != "Drama" {
		t.Errorf("got genres %v, want [Comedy Drama]", genres)
	}

	rpath := filepath.Join(dir, "ratings.parquet")
	if err := Write(rpath, []Rating{{UserID: 1, MovieID: 2, Rating: 5, Timestamp: 874965758000, Split: SplitTest}}); err != nil {
		t.Fatal(err)
	}
	rt := tablestest.ReadArrow(t, rpath)
	ts := tablestest.Column(t, rt, "timestamp")
	if ts.DataType().ID() != arrow.TIMESTAMP {
		t.Fatalf("got timestamp type %v, want timestamp", ts.DataType())
	}
	if got := ts.(*array.Timestamp).Value(0); int64(got) != 874965758000 {
		t.Errorf("got timestamp %d, want 874965758000", got)
	}
}
