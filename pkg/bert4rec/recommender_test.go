package bert4rec

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/moviegenie/pipeline/pkg/bert4rec/fixture"
	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/recommend"
)

// TestRecommender serves the stage's model: a user's list equals the
// user's rows of the recs file, seen movies never appear, k is honoured,
// an ad-hoc history works, and bad queries fail with the package's
// sentinel errors.
func TestRecommender(t *testing.T) {
	dir := t.TempDir()
	st := runFixtureStage(t, dir, "model_training.bert4rec.epochs=3")
	r, err := recommend.Open(Kind, st.Model, recommend.Paths{Processed: st.Processed, Features: st.Features})
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind() != Kind {
		t.Errorf("Kind() = %q", r.Kind())
	}
	s, err := eval.LoadSplit(filepath.Join(st.Processed, SequencesFile))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := eval.ReadRecs(st.Recs)
	if err != nil {
		t.Fatal(err)
	}
	rankings, err := eval.FromRecs(s, recs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.Users {
		u := &s.Users[i]
		items, err := r.Recommend(recommend.Query{UserID: u.UserID}, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 5 {
			t.Fatalf("user %d: got %d items, want 5", u.UserID, len(items))
		}
		seen := u.History(eval.Test)
		for j, it := range items {
			if slices.Contains(seen, it.MovieID) {
				t.Errorf("user %d: recommended seen movie %d", u.UserID, it.MovieID)
			}
			if it.MovieID != rankings[i].MovieIDs[j] {
				t.Errorf("user %d rank %d: got movie %d, recs file has %d", u.UserID, j+1, it.MovieID, rankings[i].MovieIDs[j])
			}
			if j > 0 && it.Score > items[j-1].Score {
				t.Errorf("user %d: scores not descending at rank %d", u.UserID, j+1)
			}
		}
	}

	hist := []int32{fixture.MovieID(3), fixture.MovieID(4), fixture.MovieID(5)}
	items, err := r.Recommend(recommend.Query{History: hist}, 40)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != fixture.Movies-3 {
		t.Errorf("history of 3: got %d items for k = 40, want all %d unseen", len(items), fixture.Movies-3)
	}
	for _, it := range items {
		if slices.Contains(hist, it.MovieID) {
			t.Errorf("history query: recommended seen movie %d", it.MovieID)
		}
	}
	scores, seen, err := r.Scores(recommend.Query{History: hist})
	if err != nil || len(scores) != fixture.Movies || len(seen) != 3 {
		t.Errorf("Scores: got %d scores, %d seen, %v; want %d, 3, nil", len(scores), len(seen), err, fixture.Movies)
	}

	for _, c := range []struct {
		name string
		q    recommend.Query
		k    int
		want error
	}{
		{"unknown user", recommend.Query{UserID: 999}, 5, ErrUnknownUser},
		{"unknown movie", recommend.Query{History: []int32{fixture.MovieID(0), 102}}, 5, ErrUnknownMovie},
		{"empty query", recommend.Query{}, 5, ErrNoHistory},
		{"demographics only", recommend.Query{Age: 30, Gender: "F"}, 5, ErrNoHistory},
		{"k = 0", recommend.Query{UserID: 1}, 0, ErrBadK},
	} {
		if _, err := r.Recommend(c.q, c.k); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := r.Recommend(recommend.Query{UserID: 1, History: hist}, 5); err == nil {
		t.Errorf("user and history together: got nil error")
	}

	// Without the processed data, histories still work and users fail
	// with a message naming the file.
	r2, err := Open(st.Model, recommend.Paths{Processed: filepath.Join(dir, "nowhere")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r2.Recommend(recommend.Query{History: hist}, 3); err != nil {
		t.Errorf("history without data: %v", err)
	}
	if _, err := r2.Recommend(recommend.Query{UserID: 1}, 3); err == nil {
		t.Errorf("user without data: got nil error")
	}
}

// TestScoreNextBatching: scoring histories together or one at a time
// gives the same scores (packing reorders sequences by length).
func TestScoreNextBatching(t *testing.T) {
	m := smallModel()
	m.Cfg.BatchSize = 3
	hists := [][]int32{{1}, {2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {}, {5, 6}, {7, 8, 9}, {30, 29}}
	V := m.V
	all := make([]float32, len(hists)*V)
	m.ScoreNext(hists, all)
	one := make([]float32, V)
	for i, h := range hists {
		m.ScoreNext([][]int32{h}, one)
		for j := range one {
			if d := one[j] - all[i*V+j]; d > 1e-5 || d < -1e-5 {
				t.Fatalf("history %d item %d: alone %v, in a batch %v", i, j, one[j], all[i*V+j])
			}
		}
	}
	// Only the last T-1 items count.
	long := hists[1]
	a, b := make([]float32, V), make([]float32, V)
	m.ScoreNext([][]int32{long}, a)
	m.ScoreNext([][]int32{long[len(long)-(m.Cfg.MaxLen-1):]}, b)
	if !slices.Equal(a, b) {
		t.Errorf("a history longer than T-1 scores differently from its last T-1 items")
	}
}
