package twotower

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/moviegenie/pipeline/pkg/gradcheck"
	"github.com/moviegenie/pipeline/pkg/nn"
)

// gradBatch fills ws with a batch of 7 pairs of w: a cold-start row (the
// unknown user and the mean affinity), a user twice (one tower row), a
// user both warm and cold (two rows), a movie twice (masked as a negative
// of its own rows, one tower row), and returns its size.
func gradBatch(m *Model, ws *workspace, w *world) int {
	rows := []struct {
		user, movie int
		cold        bool
	}{{0, 1, false}, {1, 4, false}, {2, 1, false}, {3, 7, true}, {4, 2, false}, {1, 9, false}, {3, 2, false}}
	ws.size(m, len(rows), true)
	for k, r := range rows {
		ws.pu[k], ws.pc[k], ws.rows[k] = int32(r.user), r.cold, int32(r.movie)
	}
	return len(rows)
}

// gradExtra are the "uniform" negatives of the gradient checks with
// Config.UniformNegatives: a movie of the batch, and movies no pair has.
var gradExtra = []int32{0, 4, 11, 5}

// forwardLoss runs both towers and the loss on ws's batch (logQ is the
// log-Q of the in-batch loss, or the log inclusion of the mixed one).
func forwardLoss(m *Model, ws *workspace, B int, logQ []float32, grads bool) float32 {
	p := float32(m.Cfg.Dropout)
	su, si := m.dropoutSeeds(3)
	m.userTower(ws, B, m.meanAffinity(), p, su)
	if m.Cfg.UniformNegatives > 0 {
		m.mixedTower(ws, B, gradExtra, p, si)
		return m.mixedLoss(ws, B, logQ, grads)
	}
	m.itemTower(ws, B, p, si)
	return m.loss(ws, B, logQ, grads)
}

// backward runs both towers' backward passes after forwardLoss.
func backward(m *Model, ws *workspace, B int) {
	p := float32(m.Cfg.Dropout)
	m.userTowerBackward(ws, B, p)
	if m.Cfg.UniformNegatives > 0 {
		m.itemBackward(&ws.item, ws.uniq, ws.text, p)
		return
	}
	m.itemTowerBackward(ws, B, p)
}

// TestGradientWholeModel compares the analytic gradient of every
// parameter tensor (both towers, the embeddings, the text projection, the
// movie bias) of the in-batch softmax loss with central finite
// differences, with and without dropout and the item bias (dropout masks
// are a pure function of seed and position, so the loss is a
// deterministic function of the parameters either way).
func TestGradientWholeModel(t *testing.T) {
	// Each element's numeric gradient is taken at two steps and the one
	// closer to the analytic value counts: with h = 1e-2 a ReLU input near
	// 0 may cross it (a kink, wrong numeric value), with h = 1e-3 float32
	// rounding makes the difference noisy (~1e-4); a wrong gradient is
	// wrong at both.
	steps := []float64{1e-2, 1e-3}
	const tol = 1e-2 // max |analytic − numeric| / max(max|numeric|, 1e-2) per tensor
	w := newWorld(5, 12, 1)
	for _, tc := range []struct {
		dropout float64
		bias    bool
		uniform int
		noDemo  bool
	}{{0, true, 0, false}, {0.3, true, 0, false}, {0, false, 0, false}, {0, true, 4, false}, {0.3, false, 4, false}, {0.3, true, 0, true}} {
		t.Run(fmt.Sprintf("dropout=%v,bias=%v,uniform=%d,no_demographics=%v", tc.dropout, tc.bias, tc.uniform, tc.noDemo), func(t *testing.T) {
			cfg := tinyConfig()
			cfg.Dropout, cfg.ItemBias, cfg.UniformNegatives = tc.dropout, tc.bias, tc.uniform
			cfg.Temperature = 0.5 // a smooth loss: the formula does not depend on τ
			ww := *w
			ww.sz.NoDemographics = tc.noDemo
			m := newTiny(t, cfg, &ww)
			if tc.noDemo && (m.P.Get("user.gender_emb") != nil || m.CU() != cfg.EmbeddingDim+ww.sz.Genres) {
				t.Fatalf("without demographics: got user-tower input width %d, want %d and no gender embedding", m.CU(), cfg.EmbeddingDim+ww.sz.Genres)
			}
			rng := rand.New(rand.NewPCG(5, 6))
			for _, p := range m.P.List { // non-zero biases, so their gradients matter
				if p.NoDecay {
					nn.InitNormal(p.W, 0.3, rng)
				}
			}
			logQ := make([]float32, w.sz.Movies)
			nn.InitUniform(logQ, 2, rng)
			ws := &workspace{}
			B := gradBatch(m, ws, w)
			m.P.ZeroGrad()
			m.Emb.ZeroGrad()
			loss := forwardLoss(m, ws, B, logQ, true)
			backward(m, ws, B)
			if l2 := forwardLoss(m, ws, B, logQ, false); l2 != loss {
				t.Fatalf("loss with gradients %v, without %v", loss, l2)
			}
			lossAt := func() float64 { return float64(forwardLoss(m, ws, B, logQ, false)) }
			var checked int
			for _, p := range append(append([]*nn.Param(nil), m.Emb.List...), m.P.List...) {
				r, err := gradcheck.Central(p.W, p.G, lossAt, steps...)
				if err != nil {
					t.Errorf("%s %v: %v", p.Name, p.Shape, err)
				} else if rel := r.Rel(1e-2); rel > tol {
					t.Errorf("%s %v: %v: relative gap %.3g > %g", p.Name, p.Shape, r, rel, tol)
				} else {
					t.Logf("%-22s max gap %.2e, max |grad| %.2e", p.Name, r.Gap, r.Scale)
				}
				checked++
			}
			if want := len(m.Emb.List) + len(m.P.List); checked != want || (tc.bias && m.P.Get("movie.bias") == nil) {
				t.Fatalf("checked %d tensors, want %d (bias %v)", checked, want, tc.bias)
			}
			// Rows no example reads get no gradient.
			E := cfg.EmbeddingDim
			unread := []int{0, 3, 5, 6, 8, 10, 11}
			if tc.uniform > 0 {
				unread = []int{3, 6, 8, 10}
			}
			for _, r := range unread {
				for _, g := range m.movieEmb.G[r*E : (r+1)*E] {
					if g != 0 {
						t.Fatalf("movie row %d is in no pair but has gradient %v", r, g)
					}
				}
			}
		})
	}
}

// TestLazyEmbeddingsMatchDense checks the lazy optimiser against
// nn.AdamW: without weight decay, and with every step on the same batch,
// the rows the batch reads follow the same path and the others stay put
// in both.
func TestLazyEmbeddingsMatchDense(t *testing.T) {
	w := newWorld(5, 12, 1)
	run := func(lazy bool) *Model {
		cfg := tinyConfig()
		cfg.LazyEmbeddings, cfg.WeightDecay, cfg.Dropout = lazy, 0, 0
		m := newTiny(t, cfg, w)
		opt := newOptimizer(m)
		ws := &workspace{}
		logQ := LogQ(w.pairs, w.sz.Movies)
		for step := 0; step < 3; step++ {
			B := gradBatch(m, ws, w)
			opt.zeroGrad(m)
			forwardLoss(m, ws, B, logQ, true)
			opt.use(0, ws.ub.id[:ws.nu])
			opt.use(1, ws.uniq)
			backward(m, ws, B)
			opt.step(m, 0.01)
		}
		return m
	}
	init := newTiny(t, tinyConfig(), w)
	lazy, dense := run(true), run(false)
	for k, p := range lazy.Emb.List {
		q, p0 := dense.Emb.List[k], init.Emb.List[k]
		var moved int
		for i := range p.W {
			if d := math.Abs(float64(p.W[i] - q.W[i])); d > 1e-6 {
				t.Fatalf("%s[%d]: lazy %v, dense %v", p.Name, i, p.W[i], q.W[i])
			}
			if p.W[i] != p0.W[i] {
				moved++
			}
		}
		if moved == 0 {
			t.Fatalf("%s: no value moved", p.Name)
		}
	}
	for k, p := range lazy.P.List {
		for i, v := range p.W {
			if v != dense.P.List[k].W[i] {
				t.Fatalf("%s[%d]: lazy run %v, dense run %v: the dense parameters must not depend on the embedding optimiser", p.Name, i, v, dense.P.List[k].W[i])
			}
		}
	}
}

// TestGatherOrMean checks the expected embedding of a feature a query
// leaves out against its definition.
func TestGatherOrMean(t *testing.T) {
	table := []float32{1, 2, 10, 20, 100, 200} // 3 categories × 2
	share := []float32{0.5, 0.25, 0.25}
	x := make([]float32, 2*3)
	gatherOrMean(x, 3, 1, []int32{2, -1}, table, 2, func() []float32 { return share })
	want := []float32{0, 100, 200, 0, 0.5*1 + 0.25*10 + 0.25*100, 0.5*2 + 0.25*20 + 0.25*200}
	for i := range want {
		if math.Abs(float64(x[i]-want[i])) > 1e-5 {
			t.Fatalf("got %v, want %v", x, want)
		}
	}
}
