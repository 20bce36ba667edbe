package semantic

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/modelfile"
	"github.com/moviegenie/pipeline/pkg/recommend"
	"github.com/moviegenie/pipeline/pkg/semantic/semantictest"
)

// fakeKind is a model kind registered for these tests: its model scores
// every movie by its id and reads the user from the query.
const fakeKind = "semantic-test-fake"

type fakeRec struct{}

func (fakeRec) Kind() string { return fakeKind }
func (fakeRec) Scores(q recommend.Query) (map[int32]float32, map[int32]bool, error) {
	if q.UserID > semantictest.Users {
		return nil, nil, errors.New("unknown user")
	}
	s := map[int32]float32{}
	for _, m := range semantictest.Movies {
		s[m.ID] = float32(m.ID)
	}
	return s, nil, nil
}
func (f fakeRec) Recommend(q recommend.Query, k int) ([]recommend.Item, error) {
	s, seen, err := f.Scores(q)
	if err != nil {
		return nil, err
	}
	return recommend.TopK(s, seen, k), nil
}

func init() {
	recommend.Register(fakeKind, func(string, recommend.Paths) (recommend.Recommender, error) { return fakeRec{}, nil })
}

func TestRatedMoviesAndPersonalScores(t *testing.T) {
	dir := t.TempDir()
	processed, _, err := semantictest.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	ratings := filepath.Join(processed, "ratings.parquet")
	rated, err := RatedMovies(ratings, 1)
	if err != nil {
		t.Fatal(err)
	}
	// User 1 is a crime fan whose test movie is Scream: all splits count.
	for _, id := range []int32{semantictest.Godfather, semantictest.GodfatherII, semantictest.Scream} {
		if !rated[id] {
			t.Errorf("user 1 rated %v, want %d among them", rated, id)
		}
	}
	if _, err := RatedMovies(ratings, 999); !errors.Is(err, ErrUnknownUser) {
		t.Errorf("user 999: error %v, want ErrUnknownUser", err)
	}

	missing := filepath.Join(dir, "models", "bert4rec.bin")
	if _, err := PersonalScores(missing, recommend.Paths{}, 1); !errors.Is(err, ErrNoModel) || !strings.Contains(err.Error(), "make models/bert4rec.bin") {
		t.Errorf("missing model: error %v, want ErrNoModel saying make models/bert4rec.bin", err)
	}
	model := filepath.Join(dir, "fake.bin")
	if err := modelfile.Write(model, fakeKind, 1, map[string]int{}, nil); err != nil {
		t.Fatal(err)
	}
	scores, err := PersonalScores(model, recommend.Paths{Processed: processed}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(scores) != len(semantictest.Movies) || scores[semantictest.Alien] != float32(semantictest.Alien) {
		t.Errorf("scores %v, want the fake model's", scores)
	}
	if _, err := PersonalScores(model, recommend.Paths{}, 999); err == nil {
		t.Errorf("unknown user: no error")
	}
	if _, err := PersonalScores(ratings, recommend.Paths{}, 1); !errors.Is(err, modelfile.ErrBadMagic) {
		t.Errorf("a parquet file as model: error %v, want ErrBadMagic", err)
	}
}
