package bert4rec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestScorerEqualsScoreNext checks the serving forward (last block on the
// scoring rows only) against the training code's ScoreNext, in both
// block layouts, on a batch of histories of mixed lengths (shorter than,
// equal to and longer than the window), and one history at a time.
func TestScorerEqualsScoreNext(t *testing.T) {
	const V = 300
	for _, block := range []string{PostLN, PreLN} {
		cfg := DefaultConfig()
		cfg.HiddenSize, cfg.NumLayers, cfg.NumHeads, cfg.MaxLen, cfg.Block = 32, 3, 4, 20, block
		cfg.InitStd = 0.2 // larger weights than at initialisation: attention far from uniform
		m := NewModel(cfg, V)
		rng := rand.New(rand.NewPCG(9, 10))
		var hs [][]int32
		for _, n := range []int{1, 2, 5, 19, 19, 30, 7, 1, 60} {
			h := make([]int32, n)
			for i := range h {
				h[i] = int32(1 + rng.IntN(V))
			}
			hs = append(hs, h)
		}
		want := make([]float32, len(hs)*V)
		m.ScoreNext(hs, want)
		sc := NewScorer(m)
		got := make([]float32, len(hs)*V)
		sc.Score(hs, got)
		one := make([]float32, V)
		for i, h := range hs {
			sc.Score([][]int32{h}, one)
			for j := 0; j < V; j++ {
				w := want[i*V+j]
				tol := 1e-4 * max(1, math.Abs(float64(w)))
				if d := math.Abs(float64(got[i*V+j] - w)); d > tol {
					t.Fatalf("%s history %d movie %d: got %v batched, want %v (ScoreNext)", block, i, j+1, got[i*V+j], w)
				}
				if d := math.Abs(float64(one[j] - w)); d > tol {
					t.Fatalf("%s history %d movie %d: got %v alone, want %v (ScoreNext)", block, i, j+1, one[j], w)
				}
			}
		}
	}
}
