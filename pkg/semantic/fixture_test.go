package semantic

import (
	"sync"
	"testing"

	"github.com/moviegenie/pipeline/pkg/semantic/semantictest"
)

var (
	fixtureOnce sync.Once
	fixtureIx   *Index
	fixtureErr  error
)

// fixtureInputs returns the semantictest catalogue as Inputs.
func fixtureInputs(t testing.TB) *Inputs {
	t.Helper()
	genres, ratings, _, mfs, embs, enc, err := semantictest.Inputs()
	if err != nil {
		t.Fatal(err)
	}
	return &Inputs{Genres: genres, Ratings: Ratings(ratings), Movies: mfs, Embeddings: embs, Encoder: enc}
}

// fixtureIndex is the index of the semantictest catalogue, built once.
func fixtureIndex(t testing.TB) *Index {
	t.Helper()
	fixtureOnce.Do(func() {
		genres, ratings, _, mfs, embs, enc, err := semantictest.Inputs()
		if err != nil {
			fixtureErr = err
			return
		}
		fixtureIx, fixtureErr = Build(&Inputs{Genres: genres, Ratings: Ratings(ratings), Movies: mfs, Embeddings: embs, Encoder: enc}, DefaultConfig())
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureIx
}

// ids returns the movie ids of results, in order.
func ids(rs []Result) []int32 {
	out := make([]int32, len(rs))
	for i, r := range rs {
		out[i] = r.MovieID
	}
	return out
}
