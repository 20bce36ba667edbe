package bert4rec

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkScoreNext is live recommendation's cost: the default model
// (C=128, 4 layers, T=50) over ML-100K's 1,682 movies, a batch of full
// histories at a time (the app batches concurrent requests), by the
// training code's ScoreNext and by the serving Scorer, with one [MASK]
// and with the default score_masks.
func BenchmarkScoreNext(b *testing.B) {
	const V = 1682
	cfg := DefaultConfig()
	cfg.MaxLen = 50
	m := NewModel(cfg, V)
	rng := rand.New(rand.NewPCG(7, 8))
	for _, B := range []int{1, 8, 32} {
		hs := make([][]int32, B)
		for i := range hs {
			hs[i] = make([]int32, 120)
			for j := range hs[i] {
				hs[i][j] = int32(1 + rng.IntN(V))
			}
		}
		out := make([]float32, B*V)
		sc := NewScorer(m)
		for _, masks := range []int{1, cfg.ScoreMasks} {
			for _, f := range []struct {
				name  string
				score func([][]int32, []float32)
			}{{"ScoreNext", m.ScoreNext}, {"Scorer", sc.Score}} {
				b.Run(fmt.Sprintf("%s/masks%d/B%d", f.name, masks, B), func(b *testing.B) {
					m.Cfg.ScoreMasks = masks
					for b.Loop() {
						f.score(hs, out)
					}
					b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*B), "us/history")
				})
			}
		}
	}
}
