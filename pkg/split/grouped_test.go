package split

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// TestKCoreGroupedMatchesKCore: on random data, the array form keeps the
// same users, movies and interactions, with the same iteration records.
func TestKCoreGroupedMatchesKCore(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 1))
		nUsers, nMovies := 5+rng.IntN(40), 5+rng.IntN(60)
		var ratings []tables.Rating
		start := []int64{0}
		var movie []int32
		for u := range nUsers {
			perm := rng.Perm(nMovies)[:rng.IntN(nMovies)]
			for _, m := range perm {
				ratings = append(ratings, tables.Rating{UserID: int32(u + 1), MovieID: int32(m + 1)})
				movie = append(movie, int32(m))
			}
			start = append(start, int64(len(movie)))
		}
		minU, minM := 1+rng.IntN(12), 1+rng.IntN(8)
		kept, want := KCore(ratings, minU, minM)
		userKept, movieKept, got := KCoreGrouped(start, movie, nMovies, minU, minM)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("seed %d: got iterations %+v, want %+v", seed, got, want)
		}
		var gotKept []tables.Rating
		for u := range nUsers {
			if !userKept[u] {
				continue
			}
			for i := start[u]; i < start[u+1]; i++ {
				if movieKept[movie[i]] {
					gotKept = append(gotKept, ratings[i])
				}
			}
		}
		if !slices.Equal(gotKept, kept) {
			t.Errorf("seed %d: got %d kept, want %d", seed, len(gotKept), len(kept))
		}
	}
}
