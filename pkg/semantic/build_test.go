package semantic

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/semantic/semantictest"
	"github.com/moviegenie/pipeline/pkg/tables"
)

func TestBuildNeighboursUseTrainAndValidationOnly(t *testing.T) {
	ix := fixtureIndex(t)
	nb, w := ix.Neighbours(semantictest.Godfather)
	if len(nb) == 0 || nb[0] != semantictest.GodfatherII {
		t.Fatalf("neighbours of The Godfather = %v, want Part II first", nb)
	}
	if slices.Contains(nb, semantictest.Scream) {
		t.Errorf("neighbours of The Godfather %v hold Scream, paired only by test rows", nb)
	}
	for i := 1; i < len(w); i++ {
		if w[i] > w[i-1] {
			t.Errorf("neighbour weights %v are not best first", w)
		}
	}
	st := ix.Stats()
	in := fixtureInputs(t)
	var test, trainVal int
	for _, r := range in.Ratings {
		if r.Split == tables.SplitTest {
			test++
		} else {
			trainVal++
		}
	}
	if st.TestRowsIgnored != test || st.Interactions != trainVal {
		t.Errorf("stats: %d test rows ignored and %d read, want %d and %d", st.TestRowsIgnored, st.Interactions, test, trainVal)
	}
	// The same data with the test rows removed gives the same neighbours.
	in.Ratings = slices.DeleteFunc(in.Ratings, func(r Rating) bool { return r.Split == tables.SplitTest })
	ix2, err := Build(in, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range semantictest.Movies {
		a, _ := ix.Neighbours(m.ID)
		b, _ := ix2.Neighbours(m.ID)
		if !slices.Equal(a, b) {
			t.Errorf("movie %d: neighbours %v with test rows present, %v without", m.ID, a, b)
		}
	}
}

func TestBuildNeighbourParams(t *testing.T) {
	in := fixtureInputs(t)
	cfg := DefaultConfig()
	cfg.Neighbours = 2
	ix, err := Build(in, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range semantictest.Movies {
		if nb, _ := ix.Neighbours(m.ID); len(nb) > 2 {
			t.Errorf("movie %d: %d neighbours, want at most 2", m.ID, len(nb))
		}
	}
	cfg = DefaultConfig()
	cfg.MinCooccurrence = 1000 // no pair is that common
	ix, err = Build(in, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st := ix.Stats(); st.NeighbourPairs != 0 || st.MoviesNoNeighbours != len(semantictest.Movies) {
		t.Errorf("min_cooccurrence 1000: %d pairs, %d movies without, want 0 and %d", st.NeighbourPairs, st.MoviesNoNeighbours, len(semantictest.Movies))
	}
	// "movies like" still works on content alone.
	r, err := ix.Search("movies like star wars", DefaultConfig(), Options{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if r.Mode != "like" || len(r.Results) == 0 || slices.Contains(ids(r.Results), semantictest.StarWars) {
		t.Errorf("like without neighbours: mode %s results %v", r.Mode, ids(r.Results))
	}
}

func TestBuildRejectsBadInputs(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(in *Inputs)
		msg     string
	}{
		{"embedding of unknown movie", func(in *Inputs) { in.Embeddings[0].MovieID = 9999 }, "movie 9999 is not in movie_features.parquet"},
		{"embedding dimension", func(in *Inputs) { in.Embeddings[1].Embedding = in.Embeddings[1].Embedding[:3] }, "the text encoder's dimension is"},
		{"missing embedding", func(in *Inputs) { in.Embeddings = in.Embeddings[1:] }, "no embedding for movie"},
		{"rating of unknown movie", func(in *Inputs) { in.Ratings[0].MovieID = 9999 }, "rated movie 9999"},
		{"bad split", func(in *Inputs) { in.Ratings[0].Split = "holdout" }, `split "holdout"`},
		{"duplicate movie", func(in *Inputs) { in.Movies[1].MovieID = in.Movies[0].MovieID }, "appears twice"},
		{"genre flags", func(in *Inputs) { in.Movies[0].GenreMultiHot = in.Movies[0].GenreMultiHot[:5] }, "genre flags"},
		{"no movies", func(in *Inputs) { in.Movies = nil }, "no movies"},
		{"no encoder", func(in *Inputs) { in.Encoder = nil }, "no text encoder"},
	}
	for _, tt := range tests {
		in := fixtureInputs(t)
		tt.corrupt(in)
		_, err := Build(in, DefaultConfig())
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: Build error %v, want one saying %q", tt.name, err, tt.msg)
		}
	}
	cfg := DefaultConfig()
	cfg.Neighbours = 0
	if _, err := Build(fixtureInputs(t), cfg); err == nil || !strings.Contains(err.Error(), "semantic_search.neighbours") {
		t.Errorf("neighbours 0: error %v, want one naming semantic_search.neighbours", err)
	}
}

// topK keeps what sorting everything and cutting would keep.
func TestTopKMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n, k := rng.IntN(60), 1+rng.IntN(10)
		all := make([]neighbour, n)
		for i := range all {
			// Few distinct weights, so ties by index matter.
			all[i] = neighbour{j: int32(i), w: float64(rng.IntN(5))}
		}
		rng.Shuffle(n, func(a, b int) { all[a], all[b] = all[b], all[a] })
		var h topK
		for _, x := range all {
			h.offer(x, k)
		}
		want := slices.Clone(all)
		slices.SortFunc(want, func(a, b neighbour) int {
			if a.w != b.w {
				return cmp.Compare(b.w, a.w)
			}
			return cmp.Compare(a.j, b.j)
		})
		want = want[:min(k, n)]
		if got := h.sorted(); !slices.Equal(got, want) {
			t.Fatalf("trial %d (n %d, k %d): topK %v, want %v", trial, n, k, got, want)
		}
	}
}
