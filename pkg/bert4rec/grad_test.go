package bert4rec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/moviegenie/pipeline/pkg/gradcheck"
	"github.com/moviegenie/pipeline/pkg/nn"
)

// tinyConfig is a model small enough for finite differences over every
// parameter.
func tinyConfig() Config {
	c := DefaultConfig()
	c.HiddenSize, c.NumLayers, c.NumHeads, c.FFNMult, c.MaxLen = 8, 2, 2, 2, 6
	c.Dropout = 0
	return c
}

// tinyBatch holds sequences of lengths 6, 4, 4 and 1 (three attention
// groups), masked at the last position, in the middle and at the start,
// with [MASK] tokens and a replacement item among the inputs.
func tinyBatch(V int) []seqInput {
	mask := int32(V + 1)
	return []seqInput{
		{tokens: []int32{1, 2, mask, 4, 5, mask}, masked: []int32{2, 5}, targets: []int32{3, 6}},
		{tokens: []int32{mask, 3, 3, 7}, masked: []int32{0, 2}, targets: []int32{2, 5}},
		{tokens: []int32{6, 5, 4, mask}, masked: []int32{3}, targets: []int32{1}},
		{tokens: []int32{mask}, masked: []int32{0}, targets: []int32{7}},
	}
}

// lossOnly is the mean masked cross-entropy of b (no gradients).
func lossOnly(m *Model, ws *workspace, b *batch, dropout bool) float64 {
	m.forward(ws, b, dropout, 7)
	C := m.Cfg.HiddenSize
	if ws.neg != nil {
		return float64(nn.SampledSoftmaxCrossEntropy(ws.hl[:b.M*C], ws.iota[:b.M], b.targets, m.outW(), m.outBias.W, C, m.V, ws.neg, ws.logQ, nil, nil, nil))
	}
	return float64(nn.SoftmaxCrossEntropy(ws.hl[:b.M*C], ws.iota[:b.M], b.targets, m.outW(), m.outBias.W, C, m.V, nil, nil, nil))
}

// TestGradientWholeModel compares the analytic gradient of every parameter
// tensor with central finite differences, without and with dropout (the
// masks are a pure function of seed, step and site, so the loss is a
// deterministic function of the parameters either way).
func TestGradientWholeModel(t *testing.T) {
	const (
		h   = 1e-2 // finite-difference step
		tol = 2e-2 // max |analytic − numeric| / max(max|numeric|, 1e-2) per tensor
	)
	for _, c := range []struct {
		block   string
		dropout float64
		sampled bool // sampled softmax: 5 shared negatives with log-Q, hits included
	}{{PostLN, 0, false}, {PostLN, 0.2, false}, {PreLN, 0, false}, {PreLN, 0.2, false}, {PostLN, 0.2, true}} {
		dropout := c.dropout
		t.Run(fmt.Sprintf("%s/dropout=%v/sampled=%v", c.block, dropout, c.sampled), func(t *testing.T) {
			cfg := tinyConfig()
			cfg.Block, cfg.Dropout = c.block, dropout
			cfg.InitStd = 0.5 // large enough weights for a clear signal
			const V = 7
			m := NewModel(cfg, V)
			// Non-trivial gains and biases, so their gradients are exercised.
			rng := rand.New(rand.NewPCG(1, 2))
			for _, p := range m.P.List {
				if p.NoDecay {
					for i := range p.W {
						p.W[i] += 0.3 * float32(rng.NormFloat64())
					}
				}
			}
			clear(m.itemEmb.W[:cfg.HiddenSize])
			var b batch
			b.pack(tinyBatch(V), cfg.MaxLen, V, cfg.NumHeads)
			ws := &workspace{train: true}
			if c.sampled {
				ws.neg = []int32{2, 0, 4, 4, 6} // class 2 is a target (an accidental hit), 4 twice
				ws.logQ = []float32{-0.5, -1, -2, 0.3, -0.2, -1.5, 0.1}
			}
			m.P.ZeroGrad()
			m.forward(ws, &b, dropout > 0, 7)
			loss := m.lossBackward(ws, &b, dropout > 0)
			if l2 := lossOnly(m, ws, &b, dropout > 0); math.Abs(float64(loss)-l2) > 1e-6 {
				t.Fatalf("loss from lossBackward %v, from the forward alone %v", loss, l2)
			}
			for _, p := range m.P.List {
				r, err := gradcheck.Central(p.W, p.G, func() float64 { return lossOnly(m, ws, &b, dropout > 0) }, h)
				if err != nil {
					t.Errorf("%s %v: %v", p.Name, p.Shape, err)
				} else if rel := r.Rel(1e-2); rel > tol {
					t.Errorf("%s %v: %v: relative gap %.3g > %g", p.Name, p.Shape, r, rel, tol)
				} else {
					t.Logf("%-14s max gap %.2e, max |grad| %.2e", p.Name, r.Gap, r.Scale)
				}
			}
			// The padding row is never read: no gradient.
			for i, g := range m.itemEmb.G[:cfg.HiddenSize] {
				if g != 0 {
					t.Fatalf("padding row gradient [%d] = %v, want 0", i, g)
				}
			}
		})
	}
}
