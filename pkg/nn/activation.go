package nn

import "fmt"

// geluS is sqrt(2/π); geluC the cubic coefficient of the tanh approximation.
const (
	geluS = 0.7978845608028654
	geluC = 0.044715
)

// geluBlock is the number of elements the pure-Go GELU handles per pass
// through expSliceGo (a stack buffer).
const geluBlock = 256

// GELUForward computes out = GELU(in) with the tanh approximation used by
// BERT and PyTorch's approximate='tanh':
// 0.5·x·(1 + tanh(y)), y = sqrt(2/π)·(x + 0.044715·x³).
// It is evaluated as x·σ(2y) = x·e/(e+1) with e = exp(2y), which is the same
// function (0.5·(1+tanh y) = σ(2y)) with one exponential.
func GELUForward(out, in []float32) {
	need("GELUForward", "out", out, len(in))
	parallelForElems(len(in), grain, func(lo, hi int) {
		o, x := out[lo:hi], in[lo:hi]
		if useAVX2 && len(x) >= 8 {
			n8 := len(x) &^ 7
			geluFwdAVX2(&o[0], &x[0], n8)
			o, x = o[n8:], x[n8:]
		}
		geluForwardGo(o, x)
	})
}

func geluForwardGo(out, in []float32) {
	var buf [geluBlock]float32
	for b0 := 0; b0 < len(in); b0 += geluBlock {
		x := in[b0:min(len(in), b0+geluBlock)]
		e := buf[:len(x)]
		for i, v := range x {
			e[i] = 2 * geluS * (v + geluC*v*v*v)
		}
		expSliceGo(e)
		o := out[b0 : b0+len(x)]
		for i, v := range x {
			o[i] = v * (e[i] / (e[i] + 1)) // σ first: v·e may overflow
		}
	}
}

// GELUBackward accumulates din += GELU'(in)·dout, where with σ = σ(2y):
// GELU'(x) = σ + 2x·σ(1−σ)·sqrt(2/π)·(1 + 3·0.044715·x²).
func GELUBackward(din, in, dout []float32) {
	need("GELUBackward", "din", din, len(in))
	need("GELUBackward", "dout", dout, len(in))
	parallelForElems(len(in), grain, func(lo, hi int) {
		d, x, g := din[lo:hi], in[lo:hi], dout[lo:hi]
		if useAVX2 && len(x) >= 8 {
			n8 := len(x) &^ 7
			geluBwdAVX2(&d[0], &x[0], &g[0], n8)
			d, x, g = d[n8:], x[n8:], g[n8:]
		}
		geluBackwardGo(d, x, g)
	})
}

func geluBackwardGo(din, in, dout []float32) {
	var buf [geluBlock]float32
	for b0 := 0; b0 < len(in); b0 += geluBlock {
		x := in[b0:min(len(in), b0+geluBlock)]
		e := buf[:len(x)]
		for i, v := range x {
			e[i] = 2 * geluS * (v + geluC*v*v*v)
		}
		expSliceGo(e)
		d, g := din[b0:b0+len(x)], dout[b0:b0+len(x)]
		for i, v := range x {
			sg := e[i] / (e[i] + 1)
			d[i] += (sg + 2*v*sg*(1-sg)*geluS*(1+3*geluC*v*v)) * g[i]
		}
	}
}

// ReLUForward computes out = max(in, 0).
func ReLUForward(out, in []float32) {
	need("ReLUForward", "out", out, len(in))
	parallelForElems(len(in), grain, func(lo, hi int) {
		o := out[lo:hi]
		for i, x := range in[lo:hi] {
			if x > 0 {
				o[i] = x
			} else {
				o[i] = 0
			}
		}
	})
}

// ReLUBackward accumulates din += dout where in > 0 (the subgradient at 0 is 0).
func ReLUBackward(din, in, dout []float32) {
	need("ReLUBackward", "din", din, len(in))
	need("ReLUBackward", "dout", dout, len(in))
	parallelForElems(len(in), grain, func(lo, hi int) {
		d, g := din[lo:hi], dout[lo:hi]
		for i, x := range in[lo:hi] {
			if x > 0 {
				d[i] += g[i]
			}
		}
	})
}

// splitmix64 is the finaliser of Steele, Lea & Flood's SplitMix64 generator.
func splitmix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// dropKeep reports whether element i survives dropout: the i-th output of a
// SplitMix64 stream keyed by seed, as a 24-bit uniform, is >= threshold.
// Being a pure function of (seed, i) it needs no shared state.
func dropKeep(key, i uint64, threshold uint32) bool {
	return uint32(splitmix64(key+(i+1)*0x9E3779B97F4A7C15)>>40) >= threshold
}

// DropoutForward applies inverted dropout: each element is zeroed with
// probability p and the survivors are scaled by 1/(1−p); mask[i] = 1 marks a
// kept element. The decision for element i depends only on (seed, i), so the
// result is the same whatever the parallel split; use a different seed per
// layer and step. p == 0 copies in to out (and sets the mask to 1 if given).
// It panics unless 0 <= p < 1.
func DropoutForward(out []float32, mask []uint8, in []float32, p float32, seed uint64) {
	if !(p >= 0 && p < 1) {
		panic(fmt.Sprintf("nn: DropoutForward: p = %v, want 0 <= p < 1", p))
	}
	need("DropoutForward", "out", out, len(in))
	if p == 0 {
		copy(out, in)
		for i := range mask[:min(len(mask), len(in))] {
			mask[i] = 1
		}
		return
	}
	if len(mask) < len(in) {
		panic(fmt.Sprintf("nn: DropoutForward: mask has length %d, need %d", len(mask), len(in)))
	}
	threshold := uint32(float64(p)*(1<<24) + 0.5)
	scale := 1 / (1 - p)
	key := splitmix64(seed)
	parallelForElems(len(in), grain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if dropKeep(key, uint64(i), threshold) {
				mask[i] = 1
				out[i] = in[i] * scale
			} else {
				mask[i] = 0
				out[i] = 0
			}
		}
	})
}

// DropoutBackward accumulates din += dout·mask/(1−p). With p == 0 the mask
// is ignored (and may be nil).
func DropoutBackward(din, dout []float32, mask []uint8, p float32) {
	need("DropoutBackward", "din", din, len(dout))
	if p == 0 {
		parallelForElems(len(dout), grain, func(lo, hi int) {
			d := din[lo:hi]
			for i, g := range dout[lo:hi] {
				d[i] += g
			}
		})
		return
	}
	if len(mask) < len(dout) {
		panic(fmt.Sprintf("nn: DropoutBackward: mask has length %d, need %d", len(mask), len(dout)))
	}
	scale := 1 / (1 - p)
	parallelForElems(len(dout), grain, func(lo, hi int) {
		d, m := din[lo:hi], mask[lo:hi]
		for i, g := range dout[lo:hi] {
			if m[i] != 0 {
				d[i] += g * scale
			}
		}
	})
}
