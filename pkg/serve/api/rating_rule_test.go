package api

import (
	"encoding/json"
	"testing"

	"github.com/moviegenie/pipeline/pkg/serve/catalog"
	"github.com/moviegenie/pipeline/pkg/serve/modelset"
)

// TestRatingRule checks the app's star rule per dataset: whole stars on
// ML-100K, ML-1M and own csv data; half stars on the later releases.
func TestRatingRule(t *testing.T) {
	cases := []struct {
		dataset string
		rating  float64
		want    bool
	}{
		{"ml-100k", 4, true}, {"ml-100k", 4.5, false}, {"ml-100k", 0.5, false}, {"ml-100k", 6, false},
		{"ml-1m", 1, true}, {"ml-1m", 1.5, false},
		{"csv", 3, true}, {"csv", 3.5, false},
		{"ml-25m", 4.5, true}, {"ml-25m", 0.5, true}, {"ml-25m", 5, true}, {"ml-25m", 0, false}, {"ml-25m", 4.25, false}, {"ml-25m", 5.5, false},
		{"ml-latest-small", 2.5, true},
	}
	for _, c := range cases {
		params, _ := json.Marshal(map[string]string{"dataset": c.dataset})
		set := &modelset.Set{Catalog: &catalog.Catalog{Runs: []catalog.Run{{Stage: "process", Params: params}}}}
		if got, rule := ratingRule(set, c.rating); got != c.want {
			t.Errorf("%s rating %v: got %v (%s), want %v", c.dataset, c.rating, got, rule, c.want)
		}
	}
}
