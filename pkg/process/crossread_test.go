package process

import (
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/moviegenie/pipeline/pkg/realdata"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/tables/tablestest"
)

// TestRealOutputsReadByArrow runs the stage on ML-100K with the seed params
// and reads every table back with Apache Arrow: row counts, column types,
// and a few values.
func TestRealOutputsReadByArrow(t *testing.T) {
	out := t.TempDir()
	metrics := filepath.Join(out, "process.json")
	if err := run(newConfig(realdata.Dir(t), out, metrics, Defaults())); err != nil {
		t.Fatal(err)
	}

	str, i32, date, ts := arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int32, arrow.FixedWidthTypes.Date32, arrow.TIMESTAMP
	type col struct {
		name string
		id   arrow.Type
		elem arrow.Type // element type of a list column
	}
	for _, tc := range []struct {
		file string
		rows int64
		cols []col
	}{
		{MoviesFile, 1349, []col{{"movie_id", i32.ID(), 0}, {"title", str.ID(), 0}, {"year", i32.ID(), 0}, {"release_date", date.ID(), 0}, {"imdb_url", str.ID(), 0}, {"genres", arrow.LIST, str.ID()}, {"tmdb_id", i32.ID(), 0}}},
		{UsersFile, 941, []col{{"user_id", i32.ID(), 0}, {"age", i32.ID(), 0}, {"gender", str.ID(), 0}, {"occupation", str.ID(), 0}, {"zip_code", str.ID(), 0}}},
		{RatingsFile, 99249, []col{{"user_id", i32.ID(), 0}, {"movie_id", i32.ID(), 0}, {"rating", arrow.FLOAT32, 0}, {"timestamp", ts, 0}, {"position", i32.ID(), 0}, {"split", str.ID(), 0}}},
		{SequencesFile, 941, []col{{"user_id", i32.ID(), 0}, {"movie_ids", arrow.LIST, i32.ID()}, {"timestamps", arrow.LIST, ts}, {"ratings", arrow.LIST, arrow.FLOAT32}, {"n_train", i32.ID(), 0}, {"n_val", i32.ID(), 0}, {"n_test", i32.ID(), 0}}},
		{GenresFile, 19, []col{{"genre_id", i32.ID(), 0}, {"name", str.ID(), 0}}},
		{OccupationsFile, 21, []col{{"occupation_id", i32.ID(), 0}, {"name", str.ID(), 0}}},
	} {
		tbl := tablestest.ReadArrow(t, filepath.Join(out, tc.file))
		if tbl.NumRows() != tc.rows {
			t.Errorf("%s: got %d rows, want %d", tc.file, tbl.NumRows(), tc.rows)
		}
		if int(tbl.NumCols()) != len(tc.cols) {
			t.Errorf("%s: got %d columns, want %d: %v", tc.file, tbl.NumCols(), len(tc.cols), tbl.Schema())
		}
		for _, c := range tc.cols {
			dt := tablestest.Column(t, tbl, c.name).DataType()
			if dt.ID() != c.id {
				t.Errorf("%s.%s: got type %v, want %v", tc.file, c.name, dt, c.id)
				continue
			}
			if c.id == arrow.TIMESTAMP {
				if tz := dt.(*arrow.TimestampType).TimeZone; tz != "UTC" {
					t.Errorf("%s.%s: got time zone %q, want UTC (isAdjustedToUTC)", tc.file, c.name, tz)
				}
			}
			if c.id == arrow.LIST {
				if ts, ok := dt.(*arrow.ListType).Elem().(*arrow.TimestampType); ok && ts.TimeZone != "UTC" {
					t.Errorf("%s.%s: got element time zone %q, want UTC (isAdjustedToUTC)", tc.file, c.name, ts.TimeZone)
				}
				if e := dt.(*arrow.ListType).Elem().ID(); e != c.elem {
					t.Errorf("%s.%s: got element type %v, want %v", tc.file, c.name, e, c.elem)
				}
			}
		}
	}

	movies := tablestest.ReadArrow(t, filepath.Join(out, MoviesFile))
	ids := tablestest.Column(t, movies, "movie_id").(*array.Int32)
	titles := tablestest.Column(t, movies, "title").(*array.String)
	years := tablestest.Column(t, movies, "year").(*array.Int32)
	found := 0
	for i := range ids.Len() {
		if i > 0 && ids.Value(i) <= ids.Value(i-1) {
			t.Fatalf("movies not sorted by id at row %d", i)
		}
		if !utf8.ValidString(titles.Value(i)) {
			t.Errorf("movie %d: title %q is not valid UTF-8", ids.Value(i), titles.Value(i))
		}
		switch ids.Value(i) {
		case 1633:
			t.Errorf("movie 1633 (one rating) survived the k-core")
		case 543:
			found++
			if got, want := titles.Value(i), "Misérables, Les (1995)"; got != want {
				t.Errorf("got movie 543 title %q, want %q", got, want)
			}
		case 1:
			found++
			if years.IsNull(i) || years.Value(i) != 1995 {
				t.Errorf("got movie 1 year %v, want 1995", years.ValueStr(i))
			}
		}
	}
	if found != 2 {
		t.Errorf("found %d of movies 1 and 543, want both (each has >= 5 ratings)", found)
	}

	ratings := tablestest.ReadArrow(t, filepath.Join(out, RatingsFile))
	split := tablestest.Column(t, ratings, "split").(*array.String)
	count := map[string]int{}
	for i := range split.Len() {
		count[split.Value(i)]++
	}
	m, err := runmetrics.Read(metrics)
	if err != nil {
		t.Fatal(err)
	}
	sum := m.Figures["split"].(map[string]any)
	for _, part := range []string{"train", "validation", "test"} {
		if float64(count[part]) != sum[part] {
			t.Errorf("got %d %s rows, metrics say %v", count[part], part, sum[part])
		}
	}
	if count["validation"] != 941 || count["train"]+count["validation"]+count["test"] != 99249 {
		t.Errorf("got split counts %v, want 941 validation and 99249 in all", count)
	}
	kcore := m.Figures["kcore"].(map[string]any)
	after := kcore["after"].(map[string]any)
	before := kcore["before"].(map[string]any)
	if after["users"] != 941.0 || after["movies"] != 1349.0 || after["interactions"] != 99249.0 ||
		before["users"] != 943.0 || before["movies"] != 1682.0 || before["interactions"] != 100000.0 {
		t.Errorf("got k-core before %v after %v", before, after)
	}
	if m.WallSeconds <= 0 || m.PeakRSSBytes <= 0 {
		t.Errorf("got wall %v s, peak RSS %d bytes, want both recorded", m.WallSeconds, m.PeakRSSBytes)
	}
}
