package bert4rec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestScorerEqualsScoreNext checks the serving forward (last block on the
// scoring rows only) against the training code's ScoreNext, in both
// block layouts, on a batch of histories of mixed lengths (shorter than,
// equal to and longer than the window), and one history at a time; with
// one [MASK] and with three (score_masks).
func TestScorerEqualsScoreNext(t *testing.T) {
	const V = 300
	for _, tc := range []struct {
		block string
		masks int
	}{{PostLN, 1}, {PreLN, 1}, {PostLN, 3}, {PreLN, 3}} {
		block := tc.block
		cfg := DefaultConfig()
		cfg.HiddenSize, cfg.NumLayers, cfg.NumHeads, cfg.MaxLen, cfg.Block = 32, 3, 4, 20, block
		cfg.ScoreMasks = tc.masks
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
					t.Fatalf("%s masks %d history %d movie %d: got %v batched, want %v (ScoreNext)", block, tc.masks, i, j+1, got[i*V+j], w)
				}
				if d := math.Abs(float64(one[j] - w)); d > tol {
					t.Fatalf("%s masks %d history %d movie %d: got %v alone, want %v (ScoreNext)", block, tc.masks, i, j+1, one[j], w)
				}
			}
		}
	}
}

// TestScoreMasks: several [MASK]s score with the log of the mean
// probability over them; the inputs hold the latest T-n items then n
// masks; and the scores differ from one mask's.
func TestScoreMasks(t *testing.T) {
	// Hand-computed: softmax(0, ln 3) = (1/4, 3/4), softmax(ln 3, 0) =
	// (3/4, 1/4); their mean is (1/2, 1/2).
	ln3 := float32(math.Log(3))
	dst := make([]float32, 2)
	meanLogProb(dst, []float32{0, ln3, ln3, 0}, 2, 2)
	for v, x := range dst {
		if math.Abs(float64(x)-math.Log(0.5)) > 1e-6 {
			t.Errorf("movie %d: got %v, want ln(1/2)", v+1, x)
		}
	}
	var s seqInput
	nextInputs(&s, []int32{1, 2, 3, 4, 5, 6}, 5, 9, 2)
	if fmt.Sprint(s.tokens, s.masked) != "[4 5 6 10 10] [3 4]" {
		t.Errorf("got tokens %v masked %v, want [4 5 6 10 10] [3 4]", s.tokens, s.masked)
	}

	cfg := DefaultConfig()
	cfg.HiddenSize, cfg.NumLayers, cfg.NumHeads, cfg.MaxLen, cfg.InitStd = 16, 2, 2, 10, 0.2
	m := NewModel(cfg, 50)
	h := [][]int32{{3, 9, 27, 4, 1}}
	one, three := make([]float32, 50), make([]float32, 50)
	m.ScoreNext(h, one)
	m.Cfg.ScoreMasks = 3
	m.ScoreNext(h, three)
	var sum float64
	differ := false
	for v := range three {
		sum += math.Exp(float64(three[v]))
		differ = differ || math.Abs(float64(three[v]-one[v])) > 1e-3
	}
	if math.Abs(sum-1) > 1e-4 || !differ {
		t.Errorf("three masks: probabilities sum to %v (want 1), differ from one mask's logits: %v (want true)", sum, differ)
	}
}

// TestExpNonPos: near e^x (relative error below 1e-6 down to x = -10,
// where the probabilities that rank lie; 1e-5 down to -87, where the
// float32 rounding of x·log2(e) dominates), 0 below the range; and
// expShifted agrees with it.
func TestExpNonPos(t *testing.T) {
	worstNear, worst := 0.0, 0.0
	var xs []float32
	for x := float32(-87); x <= 0; x += 0.000731 {
		want := math.Exp(float64(x))
		d := math.Abs(float64(expNonPos(x))-want) / want
		worst = max(worst, d)
		if x >= -10 {
			worstNear = max(worstNear, d)
		}
		xs = append(xs, x)
	}
	if worstNear > 1e-6 || worst > 1e-5 {
		t.Errorf("largest relative error %g above -10, %g above -87; want at most 1e-6 and 1e-5", worstNear, worst)
	}
	row := slices.Clone(xs)
	z := expShifted(row, 0)
	var want float64
	for i, x := range xs {
		if row[i] != expNonPos(x) {
			t.Fatalf("expShifted at %g: %g, expNonPos %g", x, row[i], expNonPos(x))
		}
		want += float64(row[i])
	}
	if math.Abs(z-want)/want > 1e-5 {
		t.Errorf("expShifted sum %g, want %g", z, want)
	}
	for _, x := range []float32{0, -1e-30, -0.5, -1, -10} {
		if d := math.Abs(float64(expNonPos(x))-math.Exp(float64(x))) / math.Exp(float64(x)); d > 4e-7 {
			t.Errorf("expNonPos(%g): relative error %g", x, d)
		}
	}
	if expNonPos(-100) != 0 || expNonPos(float32(math.Inf(-1))) != 0 || expNonPos(float32(math.NaN())) != 0 {
		t.Errorf("below the range: got %v, %v, %v; want 0", expNonPos(-100), expNonPos(float32(math.Inf(-1))), expNonPos(float32(math.NaN())))
	}
}
