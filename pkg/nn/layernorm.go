package nn

// layerNormEps is PyTorch's default nn.LayerNorm eps.
const layerNormEps = 1e-5

// LayerNormForward normalises each row of in [N, C] to zero mean and unit
// variance (biased variance, eps 1e-5 as PyTorch) and applies
// out = norm·gamma + beta. mean and rstd [N] save the row statistics
// (rstd = 1/sqrt(var+eps)) for the backward pass.
func LayerNormForward(out, mean, rstd, in, gamma, beta []float32, N, C int) {
	need("LayerNormForward", "out", out, N*C)
	need("LayerNormForward", "in", in, N*C)
	need("LayerNormForward", "mean", mean, N)
	need("LayerNormForward", "rstd", rstd, N)
	need("LayerNormForward", "gamma", gamma, C)
	need("LayerNormForward", "beta", beta, C)
	g, b := gamma[:C], beta[:C]
	parallelFor(N, rowsPerChunk(C), func(lo, hi int) {
		for n := lo; n < hi; n++ {
			x := in[n*C : (n+1)*C]
			var s float32
			for _, v := range x {
				s += v
			}
			m := s / float32(C)
			var ss float32
			for _, v := range x {
				d := v - m
				ss += d * d
			}
			r := 1 / sqrtf(ss/float32(C)+layerNormEps)
			o := out[n*C : (n+1)*C]
			for i, v := range x {
				o[i] = (v-m)*r*g[i] + b[i]
			}
			mean[n], rstd[n] = m, r
		}
	})
}

// LayerNormBackward accumulates the gradients of LayerNormForward into din
// [N, C], dgamma [C] and dbeta [C] (each may be nil), given dout and the
// saved mean and rstd.
//
// With x̂ = (x−mean)·rstd and g = dout·gamma:
// din = rstd·(g − mean(g) − x̂·mean(g·x̂)), dgamma = Σ dout·x̂, dbeta = Σ dout.
func LayerNormBackward(din, dgamma, dbeta, dout, in, gamma, mean, rstd []float32, N, C int) {
	need("LayerNormBackward", "dout", dout, N*C)
	need("LayerNormBackward", "in", in, N*C)
	need("LayerNormBackward", "gamma", gamma, C)
	need("LayerNormBackward", "mean", mean, N)
	need("LayerNormBackward", "rstd", rstd, N)
	needOpt("LayerNormBackward", "din", din, N*C)
	needOpt("LayerNormBackward", "dgamma", dgamma, C)
	needOpt("LayerNormBackward", "dbeta", dbeta, C)
	// Partial sums for dgamma and dbeta per fixed block of rows, reduced in
	// block order: the blocks, unlike a split per worker, do not depend on
	// GOMAXPROCS, so neither do the sums (same bits on 1 core or 64).
	rows := rowsPerChunk(C)
	blocks := (N + rows - 1) / rows
	partp := getScratch(blocks * 2 * C)
	part := *partp
	clear(part)
	gm := gamma[:C]
	parallelFor(blocks, 1, func(blo, bhi int) {
		for b := blo; b < bhi; b++ {
			pg := part[b*2*C : b*2*C+C]
			pb := part[b*2*C+C : (b+1)*2*C]
			for n := b * rows; n < min(N, (b+1)*rows); n++ {
				x := in[n*C : (n+1)*C]
				dy := dout[n*C : (n+1)*C]
				m, r := mean[n], rstd[n]
				var sg, sgx float32
				for i, v := range x {
					xh := (v - m) * r
					g := dy[i] * gm[i]
					sg += g
					sgx += g * xh
					pg[i] += dy[i] * xh
					pb[i] += dy[i]
				}
				if din == nil {
					continue
				}
				sg /= float32(C)
				sgx /= float32(C)
				dx := din[n*C : (n+1)*C]
				for i, v := range x {
					xh := (v - m) * r
					dx[i] += r * (dy[i]*gm[i] - sg - xh*sgx)
				}
			}
		}
	})
	for b := range blocks {
		if dgamma != nil {
			for i, v := range part[b*2*C : b*2*C+C] {
				dgamma[i] += v
			}
		}
		if dbeta != nil {
			for i, v := range part[b*2*C+C : (b+1)*2*C] {
				dbeta[i] += v
			}
		}
	}
	putScratch(partp)
}
