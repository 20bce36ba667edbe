package semantic

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/moviegenie/pipeline/pkg/ratingscan"
	"github.com/moviegenie/pipeline/pkg/realdata"
)

// The real MovieLens 100K files, as `make features` writes them (from the
// repository root: make features ML100K_DIR=...). Tests that need them
// skip when they are absent.
// The process and features stages' outputs on the real data, made once
// per test process under realWork (TestMain removes it).
var (
	realWork                    string
	realProcessed, realFeatures string
	realOnce                    sync.Once
	realIn                      *Inputs
	realIx                      *Index
	realErr                     error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if realWork != "" {
		os.RemoveAll(realWork)
	}
	os.Exit(code)
}

func realData(t testing.TB) (*Inputs, *Index) {
	t.Helper()
	realdata.Dir(t) // fails, or skips when no data was asked for, per test
	realOnce.Do(func() {
		// Left set if a stage fails the first test (t.Fatal ends Do early).
		realErr = errors.New("running the stages on the real data failed in an earlier test")
		if realWork, realErr = os.MkdirTemp("", "semantic-real-"); realErr != nil {
			return
		}
		realErr = errors.New("running the stages on the real data failed in an earlier test")
		realProcessed, realFeatures = realdata.Features(t, realWork)
		if realIn, realErr = ReadInputs(realProcessed, realFeatures); realErr != nil {
			return
		}
		realIx, realErr = Build(realIn, DefaultConfig())
	})
	if realErr != nil {
		t.Fatal(realErr)
	}
	return realIn, realIx
}

// TestQualityMovieLens runs the quality suite (quality.go) on the real
// data: every title query finds its title at rank 1, every descriptive
// query has at least 8 of 10 matching movies (or all the catalogue has),
// every "movies like" query passes.
func TestQualityMovieLens(t *testing.T) {
	_, ix := realData(t)
	q, err := Evaluate(ix, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if q.Skipped != 0 {
		t.Errorf("%d cases skipped: the suite's movies should all be in ML-100K", q.Skipped)
	}
	for _, o := range q.Titles {
		if !o.Pass {
			t.Errorf("title query %q: %q at rank %d, want 1", o.Query, o.Want, o.Rank)
		}
	}
	for _, o := range q.Descriptive {
		t.Logf("%-32q %d/%d match (bar %d, catalogue has %d): %s", o.Query, o.Matches, o.Of, o.Min, o.Available, strings.Join(o.Top3, " | "))
		if !o.Pass {
			t.Errorf("descriptive query %q: %d of %d match, want at least %d", o.Query, o.Matches, o.Of, o.Min)
		}
	}
	for _, o := range q.Like {
		t.Logf("%-36q like %q: %d share a genre, %d neighbours, expected at %v: %s", o.Query, o.Resolved, o.SharedGenre, o.Neighbours, o.ExpectRanks, strings.Join(o.Top3, " | "))
		if !o.Pass {
			t.Errorf("like query %q: %+v", o.Query, o)
		}
	}
	if q.Passed != q.Cases {
		t.Errorf("%d of %d cases pass", q.Passed, q.Cases)
	}
}

// TestUserBlendMovieLens checks the blend on real data with stand-in model
// scores: a user's rated movies, in every split, never come back, and the
// scores change the order.
func TestUserBlendMovieLens(t *testing.T) {
	_, ix := realData(t)
	const user = 42
	rated, err := RatedMovies(filepath.Join(realProcessed, "ratings.parquet"), user)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if _, err := ratingscan.Scan(filepath.Join(realProcessed, "ratings.parquet"), 0, func(b *ratingscan.Batch) error {
		for _, u := range b.UserID {
			if u == user {
				n++
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(rated) != n {
		t.Fatalf("RatedMovies: %d movies, ratings.parquet has %d rows for user %d", len(rated), n, user)
	}
	p := &Personal{Scores: map[int32]float32{}, Exclude: rated}
	for _, m := range ix.Movies() {
		p.Scores[m.ID] = float32(m.ID % 97)
	}
	for _, q := range []string{"star wars", "godfather", "scary movie", "romantic comedy", "movies like toy story", "90s sci-fi"} {
		r, err := ix.Search(q, DefaultConfig(), Options{K: 20, Personal: p})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Results) != 20 {
			t.Errorf("%q: %d results, want 20", q, len(r.Results))
		}
		for _, x := range r.Results {
			if rated[x.MovieID] {
				t.Errorf("%q: %s (%d) was rated by user %d", q, x.Title, x.MovieID, user)
			}
		}
		plain, _ := ix.Search(q, DefaultConfig(), Options{K: 20})
		if slices.Equal(ids(plain.Results), ids(r.Results)) {
			t.Errorf("%q: the blend changed nothing", q)
		}
	}
}
