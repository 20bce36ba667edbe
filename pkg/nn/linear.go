package nn

import "github.com/moviegenie/pipeline/pkg/linalg"

// LinearForward computes out = in·w + b, with in [N, C], w [C, OC], b [OC]
// (nil for no bias) and out [N, OC].
func LinearForward(out, in, w, b []float32, N, C, OC int) {
	need("LinearForward", "out", out, N*OC)
	need("LinearForward", "in", in, N*C)
	need("LinearForward", "w", w, C*OC)
	needOpt("LinearForward", "b", b, OC)
	if N == 0 || OC == 0 {
		return
	}
	var beta float32
	if b != nil {
		parallelFor(N, rowsPerChunk(OC), func(lo, hi int) {
			for n := lo; n < hi; n++ {
				copy(out[n*OC:(n+1)*OC], b[:OC])
			}
		})
		beta = 1
	}
	linalg.Sgemm(false, false, N, OC, C, 1, in, C, w, OC, beta, out, OC)
}

// LinearBackward accumulates the gradients of LinearForward:
// din += dout·wᵀ, dw += inᵀ·dout, db += Σ_n dout[n]. Nil buffers are skipped.
func LinearBackward(din, dw, db, dout, in, w []float32, N, C, OC int) {
	need("LinearBackward", "dout", dout, N*OC)
	needOpt("LinearBackward", "din", din, N*C)
	needOpt("LinearBackward", "dw", dw, C*OC)
	needOpt("LinearBackward", "db", db, OC)
	if N == 0 {
		return
	}
	if din != nil {
		need("LinearBackward", "w", w, C*OC)
		linalg.Sgemm(false, true, N, C, OC, 1, dout, OC, w, OC, 1, din, C)
	}
	if dw != nil {
		need("LinearBackward", "in", in, N*C)
		linalg.Sgemm(true, false, C, OC, N, 1, in, C, dout, OC, 1, dw, OC)
	}
	if db != nil {
		addColumnSums(db, dout, N, OC)
	}
}

// addColumnSums accumulates dst[j] += Σ_n m[n*W+j] for an [N, W] matrix m,
// splitting the columns across goroutines (the result does not depend on the
// number of workers).
func addColumnSums(dst, m []float32, N, W int) {
	parallelFor(W, max(1, grain/max(1, N)), func(lo, hi int) {
		accp := getScratch(hi - lo)
		acc := *accp
		clear(acc)
		for n := 0; n < N; n++ {
			row := m[n*W+lo : n*W+hi]
			for j, v := range row {
				acc[j] += v
			}
		}
		for j, v := range acc {
			dst[lo+j] += v
		}
		putScratch(accp)
	})
}
