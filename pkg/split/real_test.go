package split_test

import (
	"testing"

	"github.com/moviegenie/pipeline/pkg/movielens"
	"github.com/moviegenie/pipeline/pkg/realdata"
	"github.com/moviegenie/pipeline/pkg/split"
)

// TestRealKCore pins the k-core of ML-100K under the seed params.
func TestRealKCore(t *testing.T) {
	ds, err := movielens.Load(realdata.Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	kept, iters := split.KCore(ds.Ratings, 20, 5)
	if got, want := iters[0].In, (split.Counts{Users: 943, Movies: 1682, Interactions: 100000}); got != want {
		t.Errorf("got before %+v, want %+v", got, want)
	}
	want := split.Counts{Users: 941, Movies: 1349, Interactions: 99249}
	if got := split.CountOf(kept); got != want {
		t.Errorf("got after %+v, want %+v", got, want)
	}
	if got := iters[len(iters)-1].Out; got != want {
		t.Errorf("got last iteration out %+v, want %+v", got, want)
	}
	split.Order(kept)
	_, sum, err := split.Assign(kept, split.Temporal, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Users != 941 || sum.Train+sum.Validation+sum.Test != 99249 || sum.Validation != 941 {
		t.Errorf("got split summary %+v, want 941 users, 941 validation, parts adding to 99249", sum)
	}
}
