package eval

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// seq builds a sequence row from its three parts.
func seq(user int32, train, val, test []int32) tables.Sequence {
	var ids []int32
	ids = append(ids, train...)
	ids = append(ids, val...)
	ids = append(ids, test...)
	return tables.Sequence{UserID: user, MovieIDs: ids,
		NTrain: int32(len(train)), NVal: int32(len(val)), NTest: int32(len(test))}
}

func mustSplit(t testing.TB, seqs ...tables.Sequence) *Split {
	t.Helper()
	s, err := NewSplit(seqs)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewSplit(t *testing.T) {
	// Users out of order; movie 5 appears only in a test part but is still
	// in the catalogue.
	s := mustSplit(t,
		seq(9, []int32{30, 10}, []int32{20}, []int32{5, 40}),
		seq(2, []int32{40}, nil, []int32{10}),
	)
	if want := []int32{5, 10, 20, 30, 40}; !reflect.DeepEqual(s.Movies, want) {
		t.Fatalf("got catalogue %v, want %v", s.Movies, want)
	}
	if s.Users[0].UserID != 2 || s.Users[1].UserID != 9 {
		t.Fatalf("got users %d, %d, want 2, 9", s.Users[0].UserID, s.Users[1].UserID)
	}
	u := &s.Users[1]
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"Train", u.Train, []int32{30, 10}},
		{"Val", u.Val, []int32{20}},
		{"Test", u.Test, []int32{5, 40}},
		{"History(Test)", u.History(Test), []int32{30, 10, 20}},
		{"History(Validation)", u.History(Validation), []int32{30, 10}},
		{"Relevant(Test)", u.Relevant(Test), []int32{5, 40}},
		{"Relevant(Validation)", u.Relevant(Validation), []int32{20}},
		// dense: 10 -> 1, 20 -> 2, 30 -> 3
		{"Exclude(Test)", u.Exclude(Test), []int{1, 2, 3}},
		{"Exclude(Validation)", u.Exclude(Validation), []int{1, 3}},
		{"user 2 Exclude(Test)", s.Users[0].Exclude(Test), []int{4}},
		{"user 2 Relevant(Validation)", s.Users[0].Relevant(Validation), []int32{}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if i, ok := s.Index(30); !ok || i != 3 {
		t.Errorf("Index(30): got %d, %v, want 3, true", i, ok)
	}
	if _, ok := s.Index(31); ok {
		t.Errorf("Index(31): got ok, want not in catalogue")
	}
	if got, want := s.MovieIdx([]int32{30, 5, 40}), []int32{4, 1, 5}; !reflect.DeepEqual(got, want) {
		t.Errorf("MovieIdx(30, 5, 40): got %v, want %v", got, want)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("MovieIdx(31): no panic for a movie outside the catalogue")
			}
		}()
		s.MovieIdx([]int32{31})
	}()
	// Appending to a part must not overwrite the next part.
	_ = append(u.Train, 99)
	if u.Val[0] != 20 {
		t.Errorf("append to Train overwrote Val: got %v", u.Val)
	}
}

func TestNewSplitErrors(t *testing.T) {
	bad := seq(1, []int32{1, 2}, nil, []int32{3})
	bad.NTest = 2
	neg := seq(1, []int32{1, 2}, nil, []int32{3})
	neg.NTrain, neg.NVal = 3, -1
	for _, c := range []struct {
		name string
		seqs []tables.Sequence
		want string
	}{
		{"empty", nil, "no sequences"},
		{"counts", []tables.Sequence{bad}, "user 1: n_train 2 + n_val 0 + n_test 2 != 3"},
		{"negative", []tables.Sequence{neg}, "user 1: n_train 3 + n_val -1"},
		{"user twice", []tables.Sequence{seq(4, []int32{1}, nil, []int32{2}), seq(4, []int32{3}, nil, []int32{2})}, "user 4 appears twice"},
		{"movie twice", []tables.Sequence{seq(5, []int32{1, 2}, nil, []int32{1})}, "user 5 has movie 1 twice"},
	} {
		_, err := NewSplit(c.seqs)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestLoadSplit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sequences.parquet")
	rows := []tables.Sequence{seq(3, []int32{1, 2}, []int32{3}, []int32{4})}
	rows[0].Timestamps = []int64{1, 2, 3, 4}
	rows[0].Ratings = []float32{5, 4, 3, 2}
	if err := tables.Write(path, rows); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSplit(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Users[0].Test; !reflect.DeepEqual(got, []int32{4}) {
		t.Errorf("got test %v, want [4]", got)
	}
	if _, err := LoadSplit(filepath.Join(t.TempDir(), "none.parquet")); err == nil || !strings.Contains(err.Error(), "none.parquet") {
		t.Errorf("got %v, want an error naming the missing file", err)
	}
}

func TestRank(t *testing.T) {
	s := mustSplit(t, seq(1, []int32{10}, []int32{20}, []int32{30}), seq(2, []int32{40}, nil, []int32{50}))
	// dense 0..4 = movies 10..50
	scores := []float32{9, 8, 1, 5, 5}
	u := &s.Users[0]
	got := s.Rank(u, Test, scores, 10)
	want := Ranking{UserID: 1, MovieIDs: []int32{40, 50, 30}, Scores: []float32{5, 5, 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Rank(Test): got %+v, want %+v", got, want)
	}
	got = s.Rank(u, Validation, scores, 2)
	want = Ranking{UserID: 1, MovieIDs: []int32{20, 40}, Scores: []float32{8, 5}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Rank(Validation): got %+v, want %+v", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("Rank with 4 scores for 5 movies: got no panic")
		}
	}()
	s.Rank(u, Test, scores[:4], 2)
}
