package nn

import (
	"math"
	"runtime"
	"testing"

	"github.com/moviegenie/pipeline/pkg/linalg"
)

// tinyModel is a miniature BERT4Rec-like network used to check that the
// layers compose: every parameter gradient of the whole model is compared
// with finite differences.
//
//	x   = Emb(ids)                          [N, C]
//	l   = LayerNorm(x)                      [N, C]
//	qkv = l·Wqkv + bqkv                     [N, 3C]
//	a   = Attention(qkv, keyMask)           [N, C]
//	r1  = x + a·Wo + bo                     [N, C]
//	f   = GELU(r1·W1 + b1)                  [N, F]
//	r2  = r1 + f·W2 + b2                    [N, C]
//	loss = SoftmaxCE(r2 at selected rows; output matrix = Emb rows 1.., bias)
type tinyModel struct {
	B, T, C, NH, F, V int
	p                 *Params
	emb, lnG, lnB     *Param
	wqkv, bqkv        *Param
	wo, bo            *Param
	w1, b1, w2, b2    *Param
	outBias           *Param

	ids     []int32
	mask    []uint8
	rows    []int32
	targets []int32

	// activations
	x, l, mean, rstd, qkv, a, att, r1, f1, f, r2 []float32
}

const padID = 0

func newTinyModel() *tinyModel {
	m := &tinyModel{B: 3, T: 5, C: 8, NH: 2, F: 16, V: 12}
	B, T, C, F, V := m.B, m.T, m.C, m.F, m.V
	p := NewParams()
	m.emb = p.Add("emb", V, C) // row 0 = padding
	m.lnG, m.lnB = p.Add("ln.gamma", C), p.Add("ln.beta", C)
	m.wqkv, m.bqkv = p.Add("attn.wqkv", C, 3*C), p.Add("attn.bqkv", 3*C)
	m.wo, m.bo = p.Add("attn.wo", C, C), p.Add("attn.bo", C)
	m.w1, m.b1 = p.Add("ffn.w1", C, F), p.Add("ffn.b1", F)
	m.w2, m.b2 = p.Add("ffn.w2", F, C), p.Add("ffn.b2", C)
	m.outBias = p.Add("out.bias", V-1)
	p.Alloc()
	m.p = p
	rng := newRNG(12)
	InitNormal(p.Data, 0.5, rng)
	for i := range m.lnG.W {
		m.lnG.W[i] += 1
	}
	m.ids = []int32{
		3, 5, 7, 2, 9,
		0, 4, 4, 0, 11, // padding at positions 0 and 3
		0, 0, 0, 0, 0, // all padding
	}
	m.mask = make([]uint8, B*T)
	for i, id := range m.ids {
		if id != padID {
			m.mask[i] = 1
			m.rows = append(m.rows, int32(i))
			m.targets = append(m.targets, int32(rng.IntN(V-1))) // item t+1 is output t
		}
	}
	N := B * T
	m.x, m.l, m.mean, m.rstd = make([]float32, N*C), make([]float32, N*C), make([]float32, N), make([]float32, N)
	m.qkv, m.a, m.att = make([]float32, N*3*C), make([]float32, N*C), make([]float32, B*m.NH*T*T)
	m.r1, m.f1, m.f, m.r2 = make([]float32, N*C), make([]float32, N*F), make([]float32, N*F), make([]float32, N*C)
	return m
}

func (m *tinyModel) forward() {
	N, C, F := m.B*m.T, m.C, m.F
	EmbeddingForward(m.x, m.ids, m.emb.W, C)
	LayerNormForward(m.l, m.mean, m.rstd, m.x, m.lnG.W, m.lnB.W, N, C)
	LinearForward(m.qkv, m.l, m.wqkv.W, m.bqkv.W, N, C, 3*C)
	AttentionForward(m.a, m.att, m.qkv, m.mask, m.B, m.T, C, m.NH)
	LinearForward(m.r1, m.a, m.wo.W, m.bo.W, N, C, C)
	for i := range m.r1 {
		m.r1[i] += m.x[i]
	}
	LinearForward(m.f1, m.r1, m.w1.W, m.b1.W, N, C, F)
	GELUForward(m.f, m.f1)
	LinearForward(m.r2, m.f, m.w2.W, m.b2.W, N, F, C)
	for i := range m.r2 {
		m.r2[i] += m.r1[i]
	}
}

// loss runs the model and returns the float64 cross-entropy.
func (m *tinyModel) loss() float64 {
	m.forward()
	return softmaxCrossEntropy(m.r2, m.rows, m.targets, m.emb.W[m.C:], m.outBias.W, m.C, m.V-1, nil, nil, nil)
}

// backward runs forward and backward, accumulating into m.p.Grad, and
// returns the input-side gradients dx and dqkv for zero-gradient checks.
func (m *tinyModel) backward() (dx, dqkv []float32) {
	m.forward()
	N, C, F := m.B*m.T, m.C, m.F
	dr2 := make([]float32, N*C)
	SoftmaxCrossEntropy(m.r2, m.rows, m.targets, m.emb.W[C:], m.outBias.W, C, m.V-1, dr2, m.emb.G[C:], m.outBias.G)
	dr1 := append([]float32(nil), dr2...) // residual
	df := make([]float32, N*F)
	LinearBackward(df, m.w2.G, m.b2.G, dr2, m.f, m.w2.W, N, F, C)
	df1 := make([]float32, N*F)
	GELUBackward(df1, m.f1, df)
	LinearBackward(dr1, m.w1.G, m.b1.G, df1, m.r1, m.w1.W, N, C, F)
	dx = append([]float32(nil), dr1...) // residual
	da := make([]float32, N*C)
	LinearBackward(da, m.wo.G, m.bo.G, dr1, m.a, m.wo.W, N, C, C)
	dqkv = make([]float32, N*3*C)
	AttentionBackward(dqkv, da, m.qkv, m.att, m.mask, m.B, m.T, C, m.NH)
	dl := make([]float32, N*C)
	LinearBackward(dl, m.wqkv.G, m.bqkv.G, dqkv, m.l, m.wqkv.W, N, C, 3*C)
	LayerNormBackward(dx, m.lnG.G, m.lnB.G, dl, m.x, m.lnG.W, m.mean, m.rstd, N, C)
	EmbeddingBackward(m.emb.G, m.ids, dx, C, padID)
	return dx, dqkv
}

func TestTinyModelGradients(t *testing.T) {
	m := newTinyModel()
	m.p.ZeroGrad()
	dx, dqkv := m.backward()
	l0 := m.loss()
	if math.IsNaN(l0) || l0 < 1 {
		t.Fatalf("implausible loss %v for %d outputs", l0, m.V-1)
	}
	for _, q := range m.p.List {
		checkGrad(t, q.Name, q.W, q.G, m.loss)
	}

	// Exact zeros: the padding row of the embedding, and everything that
	// flows from padded positions.
	C := m.C
	for c := 0; c < C; c++ {
		if g := m.emb.G[padID*C+c]; g != 0 {
			t.Fatalf("padding embedding row: gradient[%d] = %v, want exactly 0", c, g)
		}
	}
	for n, id := range m.ids {
		if id != padID {
			continue
		}
		for c := 0; c < C; c++ {
			if dx[n*C+c] != 0 {
				t.Fatalf("padded position %d: dx[%d] = %v, want exactly 0", n, c, dx[n*C+c])
			}
		}
		for c := 0; c < 3*C; c++ {
			if dqkv[n*3*C+c] != 0 {
				t.Fatalf("padded position %d: dqkv[%d] = %v, want exactly 0", n, c, dqkv[n*3*C+c])
			}
		}
	}

	// A second backward without ZeroGrad doubles the gradients (accumulation).
	g1 := append([]float32(nil), m.p.Grad...)
	m.backward()
	for i, g := range m.p.Grad {
		if !(math.Abs(float64(g-2*g1[i])) <= 1e-6*(1+math.Abs(float64(g)))) {
			t.Fatalf("grad[%d] after two backward passes: got %v, want %v", i, g, 2*g1[i])
		}
	}
}

// TestBlockParallel runs a transformer block big enough for every layer to
// split its work across goroutines, and checks that every output and
// gradient has the same bits with 1, 2, 3 and 4 threads (with the default
// matrix backend): a model trained on a 2-core machine is the one trained
// on a 64-core machine.
func TestBlockParallel(t *testing.T) {
	run := func(procs int) (y, dx, grad []float32) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		k := newBenchBlock(16, 50, 64, 2, 256)
		k.forward()
		k.backward()
		return k.y, k.dx, k.p.Grad
	}
	// OpenBLAS (MOVIEGENIE_BLAS=openblas) cuts a product per core into
	// calls whose edge kernels round differently: equal to rounding only.
	exact := linalg.Backend() == "go"
	y1, dx1, g1 := run(1)
	for _, procs := range []int{2, 3, 4, 3} {
		y, dx, g := run(procs)
		for _, c := range []struct {
			name        string
			serial, par []float32
		}{{"y", y1, y}, {"dx", dx1, dx}, {"grad", g1, g}} {
			for i := range c.serial {
				if exact && c.serial[i] != c.par[i] {
					t.Fatalf("GOMAXPROCS %d: %s[%d] = %v, serial %v: want the same bits", procs, c.name, i, c.par[i], c.serial[i])
				}
				if d := math.Abs(float64(c.serial[i] - c.par[i])); !(d <= 1e-4*(1+math.Abs(float64(c.serial[i])))) {
					t.Fatalf("GOMAXPROCS %d: %s[%d] = %v, serial %v", procs, c.name, i, c.par[i], c.serial[i])
				}
			}
		}
	}
}
