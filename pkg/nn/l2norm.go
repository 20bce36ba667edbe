package nn

import "math"

// l2NormEps guards the division for (near-)zero rows, as PyTorch's
// F.normalize: out = in / max(‖in‖, eps).
const l2NormEps = 1e-12

// L2NormForward scales each row of in [N, C] to unit Euclidean length:
// out = in / max(‖in‖, 1e-12). norm [N] saves the divisor for backward.
func L2NormForward(out, norm, in []float32, N, C int) {
	need("L2NormForward", "out", out, N*C)
	need("L2NormForward", "norm", norm, N)
	need("L2NormForward", "in", in, N*C)
	parallelFor(N, rowsPerChunk(C), func(lo, hi int) {
		for n := lo; n < hi; n++ {
			x := in[n*C : (n+1)*C]
			var ss float64
			for _, v := range x {
				ss += float64(v) * float64(v)
			}
			d := max(math.Sqrt(ss), l2NormEps)
			norm[n] = float32(d)
			inv := float32(1 / d)
			o := out[n*C : (n+1)*C]
			for i, v := range x {
				o[i] = v * inv
			}
		}
	})
}

// L2NormBackward accumulates into din [N, C] the gradient of L2NormForward,
// given dout, the forward output out and the saved norm:
// din += (dout − out·(out·dout)) / norm, or dout/eps for a row whose norm was
// clamped to eps (where the map is linear).
func L2NormBackward(din, dout, out, norm []float32, N, C int) {
	need("L2NormBackward", "din", din, N*C)
	need("L2NormBackward", "dout", dout, N*C)
	need("L2NormBackward", "out", out, N*C)
	need("L2NormBackward", "norm", norm, N)
	parallelFor(N, rowsPerChunk(C), func(lo, hi int) {
		for n := lo; n < hi; n++ {
			y, g, d := out[n*C:(n+1)*C], dout[n*C:(n+1)*C], din[n*C:(n+1)*C]
			inv := 1 / norm[n]
			var dot float32
			if norm[n] > l2NormEps {
				for i, v := range y {
					dot += v * g[i]
				}
			}
			for i, v := range y {
				d[i] += (g[i] - v*dot) * inv
			}
		}
	})
}
