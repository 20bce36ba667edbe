package features

import (
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/moviegenie/pipeline/pkg/tables/tablestest"
)

// listRow returns row i of a list column as its values array and range.
func listRow(t *testing.T, a arrow.Array, i int) (arrow.Array, int, int) {
	t.Helper()
	l, ok := a.(*array.List)
	if !ok {
		t.Fatalf("got %T, want a list column", a)
	}
	s, e := l.ValueOffsets(i)
	return l.ListValues(), int(s), int(e)
}

func TestArrowReadsOutputs(t *testing.T) {
	root := t.TempDir()
	writeInputs(t, filepath.Join(root, "p"), synthInputs(6))
	o := runStage(t, filepath.Join(root, "p"), filepath.Join(root, "o"), testConfig())
	dir := filepath.Join(root, "o")

	// Every column of every table, with its arrow type.
	for _, c := range []struct {
		file string
		rows int
		cols map[string]arrow.Type
	}{
		{MovieFeaturesFile, len(o.MovieFeatures), map[string]arrow.Type{
			"movie_idx": arrow.INT32, "movie_id": arrow.INT32, "title": arrow.STRING, "clean_title": arrow.STRING,
			"year": arrow.INT32, "decade": arrow.INT32, "decade_idx": arrow.INT32, "genre_multi_hot": arrow.LIST,
			"train_count": arrow.INT32, "mean_rating": arrow.FLOAT32, "popularity": arrow.FLOAT32, "title_tokens": arrow.LIST}},
		{UserFeaturesFile, len(o.UserFeatures), map[string]arrow.Type{
			"user_idx": arrow.INT32, "user_id": arrow.INT32, "gender_idx": arrow.INT32, "age": arrow.INT32,
			"age_bucket": arrow.INT32, "occupation_idx": arrow.INT32, "zip_region_idx": arrow.INT32,
			"n_train": arrow.INT32, "n_val": arrow.INT32, "mean_rating": arrow.FLOAT32, "genre_affinity": arrow.LIST}},
		{TextEmbeddingsFile, len(o.TextEmbeddings), map[string]arrow.Type{"movie_idx": arrow.INT32, "movie_id": arrow.INT32, "embedding": arrow.LIST}},
		{TrainSequencesFile, len(o.TrainSequences), map[string]arrow.Type{"user_idx": arrow.INT32, "user_id": arrow.INT32, "items": arrow.LIST, "val_items": arrow.LIST}},
		{WindowsFile, len(o.Windows), map[string]arrow.Type{"user_idx": arrow.INT32, "window_idx": arrow.INT32, "start": arrow.INT32, "items": arrow.LIST}},
		{PairsFile, len(o.Pairs), map[string]arrow.Type{"user_idx": arrow.INT32, "movie_idx": arrow.INT32, "rating": arrow.FLOAT32, "position": arrow.INT32}},
	} {
		tbl := tablestest.ReadArrow(t, filepath.Join(dir, c.file))
		if int(tbl.NumRows()) != c.rows || int(tbl.NumCols()) != len(c.cols) {
			t.Errorf("%s: arrow sees %d rows and %d columns, want %d and %d", c.file, tbl.NumRows(), tbl.NumCols(), c.rows, len(c.cols))
		}
		for name, typ := range c.cols {
			if got := tablestest.Column(t, tbl, name).DataType().ID(); got != typ {
				t.Errorf("%s: column %s has arrow type %v, want %v", c.file, name, got, typ)
			}
		}
	}

	// Values, including nulls and nested lists.
	mt := tablestest.ReadArrow(t, filepath.Join(dir, MovieFeaturesFile))
	year := tablestest.Column(t, mt, "year").(*array.Int32)
	for i, m := range o.MovieFeatures {
		if (m.Year == nil) != year.IsNull(i) || (m.Year != nil && *m.Year != year.Value(i)) {
			t.Errorf("movie_idx %d: arrow year %v, want %v", m.MovieIdx, year.ValueStr(i), deref(m.Year))
		}
		vals, s, e := listRow(t, tablestest.Column(t, mt, "title_tokens"), i)
		if e-s != len(m.TitleTokens) {
			t.Fatalf("movie_idx %d: arrow sees %d title tokens, want %d", m.MovieIdx, e-s, len(m.TitleTokens))
		}
		for k, tok := range m.TitleTokens {
			if got := vals.(*array.String).Value(s + k); got != tok {
				t.Errorf("movie_idx %d: token %d is %q, want %q", m.MovieIdx, k, got, tok)
			}
		}
		hv, hs, he := listRow(t, tablestest.Column(t, mt, "genre_multi_hot"), i)
		if he-hs != len(mlGenres) {
			t.Fatalf("movie_idx %d: arrow sees %d genre entries, want %d", m.MovieIdx, he-hs, len(mlGenres))
		}
		for g := range m.GenreMultiHot {
			if hv.(*array.Float32).Value(hs+g) != m.GenreMultiHot[g] {
				t.Errorf("movie_idx %d: genre %d differs", m.MovieIdx, g)
			}
		}
	}
	et := tablestest.ReadArrow(t, filepath.Join(dir, TextEmbeddingsFile))
	emb := tablestest.Column(t, et, "embedding")
	for i, e := range o.TextEmbeddings {
		vals, s, end := listRow(t, emb, i)
		if end-s != len(e.Embedding) {
			t.Fatalf("movie_idx %d: arrow sees embedding length %d, want %d", e.MovieIdx, end-s, len(e.Embedding))
		}
		for k, v := range e.Embedding {
			if vals.(*array.Float32).Value(s+k) != v {
				t.Fatalf("movie_idx %d: embedding[%d] differs", e.MovieIdx, k)
			}
		}
	}
	st := tablestest.ReadArrow(t, filepath.Join(dir, TrainSequencesFile))
	items := tablestest.Column(t, st, "items")
	for i, sq := range o.TrainSequences {
		vals, s, e := listRow(t, items, i)
		if e-s != len(sq.Items) {
			t.Fatalf("user_idx %d: arrow sees %d items, want %d", sq.UserIdx, e-s, len(sq.Items))
		}
		for k, v := range sq.Items {
			if vals.(*array.Int32).Value(s+k) != v {
				t.Fatalf("user_idx %d: item %d differs", sq.UserIdx, k)
			}
		}
	}
}
