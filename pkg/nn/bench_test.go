package nn

import (
	"fmt"
	"testing"
	"time"

	"github.com/moviegenie/pipeline/pkg/cputime"
)

// benchBlock is one pre-LN transformer block (the BERT4Rec layer) with all
// activations and gradients allocated once:
//
//	l1 = LN(x); qkv = l1·Wqkv+b; a = Attention(qkv); r = x + a·Wo+b
//	l2 = LN(r); h = GELU(l2·W1+b); y = r + h·W2+b
type benchBlock struct {
	B, T, C, NH, F int
	p              *Params
	mask           []uint8
	// activations
	x, l1, m1, s1, qkv, att, a, r, l2, m2, s2, h1, h, y []float32
	// activation gradients
	dy, dr, dh, dh1, dl2, da, dqkv, dl1, dx []float32
}

func newBenchBlock(B, T, C, NH, F int) *benchBlock {
	k := &benchBlock{B: B, T: T, C: C, NH: NH, F: F}
	N := B * T
	p := NewParams()
	p.Add("ln1.g", C)
	p.Add("ln1.b", C)
	p.Add("wqkv", C, 3*C)
	p.Add("bqkv", 3*C)
	p.Add("wo", C, C)
	p.Add("bo", C)
	p.Add("ln2.g", C)
	p.Add("ln2.b", C)
	p.Add("w1", C, F)
	p.Add("b1", F)
	p.Add("w2", F, C)
	p.Add("b2", C)
	p.Alloc()
	rng := newRNG(99)
	InitNormal(p.Data, 0.02, rng)
	for _, n := range []string{"ln1.g", "ln2.g"} {
		for i := range p.Get(n).W {
			p.Get(n).W[i] = 1
		}
	}
	k.p = p
	k.mask = make([]uint8, N)
	for b := 0; b < B; b++ { // sequences of varying length, left-padded
		real := T - (b*7)%(T/2)
		for t := T - real; t < T; t++ {
			k.mask[b*T+t] = 1
		}
	}
	f := func(n int) []float32 { return make([]float32, n) }
	k.x = randVec(rng, N*C, 1)
	k.l1, k.m1, k.s1, k.qkv, k.att, k.a = f(N*C), f(N), f(N), f(N*3*C), f(B*NH*T*T), f(N*C)
	k.r, k.l2, k.m2, k.s2, k.h1, k.h, k.y = f(N*C), f(N*C), f(N), f(N), f(N*F), f(N*F), f(N*C)
	k.dy = randVec(rng, N*C, 1)
	k.dr, k.dh, k.dh1, k.dl2, k.da = f(N*C), f(N*F), f(N*F), f(N*C), f(N*C)
	k.dqkv, k.dl1, k.dx = f(N*3*C), f(N*C), f(N*C)
	return k
}

func (k *benchBlock) forward() {
	N, C, F, p := k.B*k.T, k.C, k.F, k.p
	LayerNormForward(k.l1, k.m1, k.s1, k.x, p.Get("ln1.g").W, p.Get("ln1.b").W, N, C)
	LinearForward(k.qkv, k.l1, p.Get("wqkv").W, p.Get("bqkv").W, N, C, 3*C)
	AttentionForward(k.a, k.att, k.qkv, k.mask, k.B, k.T, C, k.NH)
	LinearForward(k.r, k.a, p.Get("wo").W, p.Get("bo").W, N, C, C)
	for i, v := range k.x {
		k.r[i] += v
	}
	LayerNormForward(k.l2, k.m2, k.s2, k.r, p.Get("ln2.g").W, p.Get("ln2.b").W, N, C)
	LinearForward(k.h1, k.l2, p.Get("w1").W, p.Get("b1").W, N, C, F)
	GELUForward(k.h, k.h1)
	LinearForward(k.y, k.h, p.Get("w2").W, p.Get("b2").W, N, F, C)
	for i, v := range k.r {
		k.y[i] += v
	}
}

func (k *benchBlock) backward() {
	N, C, F, p := k.B*k.T, k.C, k.F, k.p
	p.ZeroGrad()
	for _, s := range [][]float32{k.dh, k.dh1, k.dl2, k.da, k.dqkv, k.dl1} {
		clear(s)
	}
	copy(k.dr, k.dy) // residual
	LinearBackward(k.dh, p.Get("w2").G, p.Get("b2").G, k.dy, k.h, p.Get("w2").W, N, F, C)
	GELUBackward(k.dh1, k.h1, k.dh)
	LinearBackward(k.dl2, p.Get("w1").G, p.Get("b1").G, k.dh1, k.l2, p.Get("w1").W, N, C, F)
	LayerNormBackward(k.dr, p.Get("ln2.g").G, p.Get("ln2.b").G, k.dl2, k.r, p.Get("ln2.g").W, k.m2, k.s2, N, C)
	copy(k.dx, k.dr) // residual
	LinearBackward(k.da, p.Get("wo").G, p.Get("bo").G, k.dr, k.a, p.Get("wo").W, N, C, C)
	AttentionBackward(k.dqkv, k.da, k.qkv, k.att, k.mask, k.B, k.T, C, k.NH)
	LinearBackward(k.dl1, p.Get("wqkv").G, p.Get("bqkv").G, k.dqkv, k.l1, p.Get("wqkv").W, N, C, 3*C)
	LayerNormBackward(k.dx, p.Get("ln1.g").G, p.Get("ln1.b").G, k.dl1, k.x, p.Get("ln1.g").W, k.m1, k.s1, N, C)
}

// timer measures wall and CPU time of a benchmark loop.
type timer struct {
	wall time.Time
	cpu  time.Duration
}

func startTimer(b *testing.B) timer {
	b.ResetTimer()
	return timer{wall: time.Now(), cpu: cputime.Process()}
}

// report adds ms/step (wall) and cpu-ms/step (user+system time of all
// threads: about 2× the wall time when both cores are busy, and a steadier
// figure when other processes share the machine).
func (t timer) report(b *testing.B) {
	n := float64(b.N)
	b.ReportMetric(float64(time.Since(t.wall).Microseconds())/1000/n, "ms/step")
	b.ReportMetric(float64((cputime.Process()-t.cpu).Microseconds())/1000/n, "cpu-ms/step")
}

// BenchmarkTransformerBlock times forward+backward of one block at the
// BERT4Rec training shape.
func BenchmarkTransformerBlock(b *testing.B) {
	for _, sz := range []struct{ B, T, C, NH, F int }{{256, 50, 128, 4, 512}} {
		b.Run(fmt.Sprintf("B%d_T%d_C%d_NH%d_F%d", sz.B, sz.T, sz.C, sz.NH, sz.F), func(b *testing.B) {
			k := newBenchBlock(sz.B, sz.T, sz.C, sz.NH, sz.F)
			k.forward()
			k.backward()
			tm := startTimer(b)
			for range b.N {
				k.forward()
				k.backward()
			}
			tm.report(b)
		})
	}
}

// BenchmarkTransformerBlockForward times the forward pass alone.
func BenchmarkTransformerBlockForward(b *testing.B) {
	k := newBenchBlock(256, 50, 128, 4, 512)
	k.forward()
	tm := startTimer(b)
	for range b.N {
		k.forward()
	}
	tm.report(b)
}

// BenchmarkAttention compares the Sgemm and loop paths of attention
// (forward+backward) at B=256, T=50, C=128, NH=4 (50×32×50 per head).
func BenchmarkAttention(b *testing.B) {
	const B, T, C, NH = 256, 50, 128, 4
	k := newBenchBlock(B, T, C, NH, 4*C)
	k.forward()
	defer func(old bool) { attentionSgemm = old }(attentionSgemm)
	for _, useSgemm := range []bool{true, false} {
		b.Run(fmt.Sprintf("B%d_T%d_C%d_NH%d/sgemm=%v", B, T, C, NH, useSgemm), func(b *testing.B) {
			attentionSgemm = useSgemm
			tm := startTimer(b)
			for range b.N {
				AttentionForward(k.a, k.att, k.qkv, k.mask, B, T, C, NH)
				AttentionBackward(k.dqkv, k.da, k.qkv, k.att, k.mask, B, T, C, NH)
			}
			tm.report(b)
		})
	}
}

// BenchmarkSoftmaxCrossEntropy times loss and all gradients at the
// BERT4Rec output shape: 1900 masked positions, 1350 items, C=128.
func BenchmarkSoftmaxCrossEntropy(b *testing.B) {
	const N, M, V, C = 12800, 1900, 1350, 128
	b.Run(fmt.Sprintf("M%d_V%d_C%d", M, V, C), func(b *testing.B) {
		rng := newRNG(100)
		h, w, bias := randVec(rng, N*C, 1), randVec(rng, V*C, 0.05), randVec(rng, V, 0.1)
		rows, targets := make([]int32, M), make([]int32, M)
		for m := range rows {
			rows[m] = int32(rng.IntN(N))
			targets[m] = int32(rng.IntN(V))
		}
		dh, dw, db := make([]float32, N*C), make([]float32, V*C), make([]float32, V)
		SoftmaxCrossEntropy(h, rows, targets, w, bias, C, V, dh, dw, db)
		tm := startTimer(b)
		for range b.N {
			SoftmaxCrossEntropy(h, rows, targets, w, bias, C, V, dh, dw, db)
		}
		tm.report(b)
	})
}

// BenchmarkAdamW times one optimiser step over 1M parameters.
func BenchmarkAdamW(b *testing.B) {
	const n = 1 << 20
	b.Run("P1M", func(b *testing.B) {
		p := NewParams()
		p.Add("w", n/2)
		p.Add("b", n/2).NoDecay = true
		p.Alloc()
		rng := newRNG(101)
		InitNormal(p.Data, 1, rng)
		InitNormal(p.Grad, 1, rng)
		opt := NewAdamW(p, 0.9, 0.999, 1e-8, 0.01)
		tm := startTimer(b)
		for range b.N {
			opt.Step(p, 1e-3)
		}
		tm.report(b)
	})
}

// BenchmarkElementwise times the row-parallel element-wise layers at the
// block's shape (N = 12800 rows).
func BenchmarkElementwise(b *testing.B) {
	const N, C, F = 12800, 128, 512
	rng := newRNG(102)
	x, g, beta := randVec(rng, N*F, 2), randVec(rng, C, 1), randVec(rng, C, 1)
	out, din, mean, rstd := make([]float32, N*F), make([]float32, N*F), make([]float32, N), make([]float32, N)
	dg, db := make([]float32, C), make([]float32, C)
	b.Run(fmt.Sprintf("GELU_N%d_F%d", N, F), func(b *testing.B) {
		tm := startTimer(b)
		for range b.N {
			GELUForward(out, x)
			GELUBackward(din, x, out)
		}
		tm.report(b)
	})
	b.Run(fmt.Sprintf("LayerNorm_N%d_C%d", N, C), func(b *testing.B) {
		tm := startTimer(b)
		for range b.N {
			LayerNormForward(out, mean, rstd, x, g, beta, N, C)
			LayerNormBackward(din, dg, db, out, x, g, mean, rstd, N, C)
		}
		tm.report(b)
	})
}
