package eval

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// topKRef is the plain reference: sort every candidate, cut at k.
func topKRef(scores []float32, exclude []int, k int) []int {
	var c []int
	for i := range scores {
		if !slices.Contains(exclude, i) {
			c = append(c, i)
		}
	}
	slices.SortStableFunc(c, func(a, b int) int {
		x, y := float64(scores[a]), float64(scores[b])
		if math.IsNaN(x) {
			x = math.Inf(-1)
			if math.IsNaN(y) {
				return 0
			}
			if y == x {
				return 1 // -Inf beats NaN
			}
		}
		if math.IsNaN(y) {
			y = math.Inf(-1)
			if x == y {
				return -1
			}
		}
		switch {
		case x > y:
			return -1
		case x < y:
			return 1
		}
		return 0 // stable sort keeps lower index first
	})
	return c[:min(k, len(c))]
}

func TestTopK(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	for _, c := range []struct {
		name    string
		scores  []float32
		exclude []int
		k       int
		want    []int
	}{
		{"plain", []float32{1, 3, 2}, nil, 2, []int{1, 2}},
		{"ties by lower index", []float32{2, 5, 5, 2, 5}, nil, 4, []int{1, 2, 4, 0}},
		{"exclusion", []float32{9, 5, 8, 7}, []int{0, 2}, 3, []int{3, 1}},
		{"k above candidates", []float32{1, 2, 3}, []int{1}, 10, []int{2, 0}},
		{"all excluded", []float32{1, 2}, []int{0, 1}, 5, []int{}},
		{"k zero", []float32{1, 2}, nil, 0, []int{}},
		{"empty", nil, nil, 3, []int{}},
		{"NaN lowest, -Inf above it", []float32{nan, float32(math.Inf(-1)), 0, nan, inf}, nil, 5, []int{4, 2, 1, 0, 3}},
		{"negative and zero", []float32{-1, 0, -0.5}, nil, 2, []int{1, 2}},
	} {
		got := TopK(c.scores, c.exclude, c.k)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestTopKMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		n := rng.IntN(60)
		scores := make([]float32, n)
		for i := range scores {
			// Few distinct values so ties are common; some NaN.
			scores[i] = float32(rng.IntN(5))
			if rng.IntN(20) == 0 {
				scores[i] = float32(math.NaN())
			}
		}
		var exclude []int
		for i := range n {
			if rng.IntN(4) == 0 {
				exclude = append(exclude, i)
			}
		}
		k := rng.IntN(n + 5)
		got := TopK(scores, exclude, k)
		want := topKRef(scores, exclude, k)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: TopK(%v, %v, %d): got %v, want %v", trial, scores, exclude, k, got, want)
		}
	}
}

func TestTopKFloat64(t *testing.T) {
	// Differences below float32 resolution still order in float64.
	got := TopK([]float64{1, 1 + 1e-12, 1}, nil, 3)
	if want := []int{1, 0, 2}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestTopKPanics(t *testing.T) {
	for _, c := range []struct {
		name    string
		n       int
		exclude []int
		k       int
	}{
		{"unsorted", 5, []int{3, 1}, 2},
		{"duplicate", 5, []int{2, 2}, 2},
		{"duplicate at end", 3, []int{2, 2}, 1},
		{"out of range", 3, []int{3}, 1},
		{"negative index", 3, []int{-1}, 1},
		{"negative k", 3, nil, -1},
		{"unsorted with k zero", 3, []int{2, 1}, 0},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: got no panic", c.name)
				}
			}()
			TopK(make([]float32, c.n), c.exclude, c.k)
		}()
	}
}
