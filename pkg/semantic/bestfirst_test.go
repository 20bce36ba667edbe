package semantic

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBestFirst checks the bounded selection against the head of a full
// sort, with many ties.
func TestBestFirst(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, size := range []int{0, 1, 5, 100, 1000} {
		for _, n := range []int{0, 1, 10, 100, 2000} {
			score := make([]float64, size)
			for i := range score {
				score[i] = float64(rng.IntN(20)) / 4
			}
			var cands []int
			for i := range size {
				if rng.IntN(5) > 0 {
					cands = append(cands, i)
				}
			}
			want := slices.Clone(cands)
			slices.SortFunc(want, func(a, b int) int {
				if c := cmp.Compare(score[b], score[a]); c != 0 {
					return c
				}
				return cmp.Compare(a, b)
			})
			want = want[:min(n, len(want))]
			got := bestFirst(slices.Clone(cands), score, n)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("size %d n %d: got %v, want %v", size, n, got, want)
			}
		}
	}
}
