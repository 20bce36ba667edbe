package nn

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"
)

// forEachPath runs f with the AVX2 kernels on (when the CPU has them) and
// off, so both implementations are tested on an AVX2 machine.
func forEachPath(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer func(old bool) { useAVX2 = old }(useAVX2)
	paths := []bool{false}
	if useAVX2 {
		paths = append(paths, true)
	} else {
		t.Log("no AVX2+FMA on this CPU (or purego build): testing the Go path only")
	}
	for _, avx := range paths {
		useAVX2 = avx
		t.Run(fmt.Sprintf("avx2=%v", avx), f)
	}
}

func TestExpSlice(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		var xs []float32
		for x := -87.0; x <= 88; x += 0.00731 {
			xs = append(xs, float32(x))
		}
		got := append([]float32(nil), xs...)
		expSlice(got)
		var worst float64
		for i, x := range xs {
			want := math.Exp(float64(x))
			worst = max(worst, math.Abs(float64(got[i])-want)/want)
		}
		// float32 has a relative spacing of 1.19e-7; 2.5e-7 is about 2 ulp.
		if !(worst <= 2.5e-7) {
			t.Errorf("worst relative error %.3g, want <= 2.5e-7", worst)
		}
		edge := []float32{0, -1000, float32(math.Inf(-1)), 1000, float32(math.NaN()), float32(math.Inf(1)), 1, -1, 2}
		expSlice(edge)
		if edge[0] != 1 || edge[1] > 1.2e-38 || edge[2] > 1.2e-38 || edge[3] != float32(math.Exp(88)) || edge[4] == edge[4] || edge[5] != float32(math.Exp(88)) {
			t.Errorf("exp(0, -1000, -Inf, 1000, NaN, +Inf): got %v, want 1, ~1e-38, ~1e-38, e^88, NaN, e^88", edge[:6])
		}
	})
}

func TestParallelForCoversOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 3, 8} {
		old := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 5, 100, 1001} {
			for _, chunk := range []int{1, 7, 1000} {
				hits := make([]int32, n)
				parallelFor(n, chunk, func(lo, hi int) {
					for i := lo; i < hi; i++ {
						hits[i]++
					}
				})
				for i, h := range hits {
					if h != 1 {
						t.Fatalf("procs %d n %d chunk %d: item %d visited %d times, want 1", procs, n, chunk, i, h)
					}
				}
			}
		}
		runtime.GOMAXPROCS(old)
	}
}

func TestEmbedding(t *testing.T) {
	rng := newRNG(1)
	const V, C = 7, 5
	ids := []int32{3, 0, 6, 3, 1, 0, 2}
	table := randVec(rng, V*C, 1)
	out := make([]float32, len(ids)*C)
	EmbeddingForward(out, ids, table, C)
	for n, id := range ids {
		if !slices.Equal(out[n*C:(n+1)*C], table[int(id)*C:int(id+1)*C]) {
			t.Fatalf("row %d: got %v, want table row %d", n, out[n*C:(n+1)*C], id)
		}
	}
	r := randVec(rng, len(out), 1)
	for _, pad := range []int32{0, -1} {
		dtable, delta := withGarbage(rng, V*C)
		EmbeddingBackward(dtable, ids, r, C, pad)
		g := delta()
		// numeric gradient of Σ r·out; the pad row's is real but must be skipped
		loss := func() float64 { EmbeddingForward(out, ids, table, C); return dot64(r, out) }
		if pad == 0 {
			for c := 0; c < C; c++ {
				if g[c] != 0 {
					t.Fatalf("padding row got gradient %v, want exactly 0", g[:C])
				}
			}
			// compare the non-pad rows with finite differences
			checkGrad(t, "embedding table (pad 0, rows 1..)", table[C:], g[C:], loss)
		} else {
			checkGrad(t, "embedding table (no pad)", table, g, loss)
		}
	}
}

func TestLinear(t *testing.T) {
	rng := newRNG(2)
	const N, C, OC = 6, 5, 4
	in, w, b := randVec(rng, N*C, 1), randVec(rng, C*OC, 1), randVec(rng, OC, 1)
	out := make([]float32, N*OC)
	for _, withBias := range []bool{true, false} {
		bb := b
		if !withBias {
			bb = nil
		}
		LinearForward(out, in, w, bb, N, C, OC)
		want := make([]float64, N*OC)
		for n := 0; n < N; n++ {
			for o := 0; o < OC; o++ {
				s := 0.0
				if withBias {
					s = float64(b[o])
				}
				for c := 0; c < C; c++ {
					s += float64(in[n*C+c]) * float64(w[c*OC+o])
				}
				want[n*OC+o] = s
			}
		}
		if d := maxAbsDiff(out, want); !(d <= 1e-5) {
			t.Errorf("bias %v: forward differs from float64 reference by %.3g", withBias, d)
		}
		r := randVec(rng, N*OC, 1)
		din, ddin := withGarbage(rng, N*C)
		dw, ddw := withGarbage(rng, C*OC)
		var db []float32
		var ddb func() []float32
		if withBias {
			db, ddb = withGarbage(rng, OC)
		}
		LinearBackward(din, dw, db, r, in, w, N, C, OC)
		loss := func() float64 { LinearForward(out, in, w, bb, N, C, OC); return dot64(r, out) }
		checkGrad(t, "linear in", in, ddin(), loss)
		checkGrad(t, "linear w", w, ddw(), loss)
		if withBias {
			checkGrad(t, "linear b", b, ddb(), loss)
		}
	}
	// nil gradient buffers are skipped
	LinearBackward(nil, nil, nil, out, in, w, N, C, OC)
}

func TestLayerNorm(t *testing.T) {
	rng := newRNG(3)
	const N, C = 5, 16
	in := randVec(rng, N*C, 2)
	for i := range in[:C] { // one row with a large offset
		in[i] += 10
	}
	gamma, beta := randVec(rng, C, 1), randVec(rng, C, 1)
	out, mean, rstd := make([]float32, N*C), make([]float32, N), make([]float32, N)
	LayerNormForward(out, mean, rstd, in, gamma, beta, N, C)
	want := make([]float64, N*C)
	for n := 0; n < N; n++ {
		var m, v float64
		for c := 0; c < C; c++ {
			m += float64(in[n*C+c])
		}
		m /= C
		for c := 0; c < C; c++ {
			d := float64(in[n*C+c]) - m
			v += d * d
		}
		v /= C
		for c := 0; c < C; c++ {
			want[n*C+c] = (float64(in[n*C+c])-m)/math.Sqrt(v+1e-5)*float64(gamma[c]) + float64(beta[c])
		}
	}
	if d := maxAbsDiff(out, want); !(d <= 1e-5) {
		t.Errorf("forward differs from float64 reference by %.3g", d)
	}
	r := randVec(rng, N*C, 1)
	din, ddin := withGarbage(rng, N*C)
	dg, ddg := withGarbage(rng, C)
	db, ddb := withGarbage(rng, C)
	LayerNormBackward(din, dg, db, r, in, gamma, mean, rstd, N, C)
	loss := func() float64 { LayerNormForward(out, mean, rstd, in, gamma, beta, N, C); return dot64(r, out) }
	checkGrad(t, "layernorm in", in, ddin(), loss)
	checkGrad(t, "layernorm gamma", gamma, ddg(), loss)
	checkGrad(t, "layernorm beta", beta, ddb(), loss)
}

func TestGELU(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := newRNG(4)
		in := randVec(rng, 203, 4) // not a multiple of 8: kernel plus tail
		in[0], in[1], in[2] = 0, -30, 30
		out := make([]float32, len(in))
		GELUForward(out, in)
		want := make([]float64, len(in))
		for i, x32 := range in {
			x := float64(x32)
			want[i] = 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
		}
		if d := maxAbsDiff(out, want); !(d <= 2e-6) {
			t.Errorf("forward differs from float64 reference by %.3g", d)
		}
		r := randVec(rng, len(in), 1)
		din, ddin := withGarbage(rng, len(in))
		GELUBackward(din, in, r)
		checkGrad(t, "gelu", in, ddin(), func() float64 { GELUForward(out, in); return dot64(r, out) })
	})
}

func TestReLU(t *testing.T) {
	rng := newRNG(5)
	in := randVec(rng, 100, 1)
	for i := range in { // keep inputs away from the kink at 0 (> the FD step)
		if math.Abs(float64(in[i])) < 0.05 {
			in[i] = 0.5
		}
	}
	out := make([]float32, len(in))
	ReLUForward(out, in)
	for i, x := range in {
		if want := max(x, 0); out[i] != want {
			t.Fatalf("relu(%v): got %v, want %v", x, out[i], want)
		}
	}
	r := randVec(rng, len(in), 1)
	din, ddin := withGarbage(rng, len(in))
	ReLUBackward(din, in, r)
	checkGrad(t, "relu", in, ddin(), func() float64 { ReLUForward(out, in); return dot64(r, out) })
}

func TestDropout(t *testing.T) {
	rng := newRNG(6)
	const n = 100000
	in := randVec(rng, n, 1)
	out, mask := make([]float32, n), make([]uint8, n)
	var p float32 = 0.25
	DropoutForward(out, mask, in, p, 42)
	kept := 0
	for i := range in {
		keep := dropKeep(splitmix64(42), uint64(i), uint32(float64(p)*(1<<24)+0.5))
		if keep != (mask[i] == 1) {
			t.Fatalf("element %d: mask %d differs from the serial counter-based draw %v", i, mask[i], keep)
		}
		if mask[i] == 1 {
			kept++
			if want := in[i] * (1 / (1 - p)); out[i] != want {
				t.Fatalf("kept element %d: got %v, want %v", i, out[i], want)
			}
		} else if out[i] != 0 {
			t.Fatalf("dropped element %d: got %v, want 0", i, out[i])
		}
	}
	// Binomial(1e5, 0.75) has standard deviation 137; allow 5 sigma.
	if kept < 75000-700 || kept > 75000+700 {
		t.Errorf("kept %d of %d, want about %d", kept, n, 75000)
	}
	// Deterministic for a seed, different across seeds, independent of workers.
	out2, mask2 := make([]float32, n), make([]uint8, n)
	old := runtime.GOMAXPROCS(1)
	DropoutForward(out2, mask2, in, p, 42)
	runtime.GOMAXPROCS(old)
	if !slices.Equal(mask, mask2) || !slices.Equal(out, out2) {
		t.Errorf("same seed, one worker: different result")
	}
	DropoutForward(out2, mask2, in, p, 43)
	if same := countEqual(mask, mask2); same > n*70/100 {
		t.Errorf("seeds 42 and 43 agree on %d of %d mask entries, want about 62.5%%", same, n)
	}
	// Backward: din += dout·mask/(1−p).
	small := in[:50]
	r := randVec(rng, len(small), 1)
	din, ddin := withGarbage(rng, len(small))
	DropoutForward(out[:50], mask[:50], small, p, 7)
	DropoutBackward(din, r, mask[:50], p)
	checkGrad(t, "dropout", small, ddin(), func() float64 { DropoutForward(out[:50], mask[:50], small, p, 7); return dot64(r, out[:50]) })
	// p == 0 copies and backward passes through.
	DropoutForward(out[:50], mask[:50], small, 0, 7)
	if !slices.Equal(out[:50], small) {
		t.Errorf("p = 0: output differs from input")
	}
	d0 := make([]float32, len(small))
	DropoutBackward(d0, r, nil, 0)
	DropoutBackward(d0, r, nil, 0)
	for i := range d0 {
		if d0[i] != 2*r[i] {
			t.Fatalf("p = 0 backward twice: got %v, want 2·dout = %v", d0[i], 2*r[i])
		}
	}
}

func countEqual(a, b []uint8) int {
	n := 0
	for i := range a {
		if a[i] == b[i] {
			n++
		}
	}
	return n
}

func TestL2Norm(t *testing.T) {
	rng := newRNG(7)
	const N, C = 4, 6
	in := randVec(rng, N*C, 1)
	out, norm := make([]float32, N*C), make([]float32, N)
	L2NormForward(out, norm, in, N, C)
	for n := 0; n < N; n++ {
		var s float64
		for _, v := range out[n*C : (n+1)*C] {
			s += float64(v) * float64(v)
		}
		if !(math.Abs(s-1) <= 1e-6) {
			t.Errorf("row %d: squared norm %v after normalising, want 1", n, s)
		}
	}
	r := randVec(rng, N*C, 1)
	din, ddin := withGarbage(rng, N*C)
	L2NormBackward(din, r, out, norm, N, C)
	checkGrad(t, "l2norm", in, ddin(), func() float64 { L2NormForward(out, norm, in, N, C); return dot64(r, out) })

	// A zero row stays zero (no NaN) and its gradient is dout/eps.
	zero := make([]float32, C)
	o1, n1 := make([]float32, C), make([]float32, 1)
	L2NormForward(o1, n1, zero, 1, C)
	d1 := make([]float32, C)
	L2NormBackward(d1, r[:C], o1, n1, 1, C)
	for i := range o1 {
		if want := float64(r[i]) / 1e-12; o1[i] != 0 || !(math.Abs(float64(d1[i])-want) <= 1e-6*math.Abs(want)) {
			t.Fatalf("zero row: out %v, din %v; want 0 and dout/1e-12", o1[i], d1[i])
		}
	}
}
