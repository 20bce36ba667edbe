package nn

import (
	"fmt"
	"math"

	"github.com/moviegenie/pipeline/pkg/linalg"
)

// SampledSoftmaxCrossEntropy is SoftmaxCrossEntropy with the softmax taken
// over a sample of the output instead of all V classes (Jean et al. 2015,
// "On Using Very Large Target Vocabulary"; Bengio & Senécal 2008): the
// candidates of row m are its target and K shared negatives neg (class
// ids, drawn by the caller from a proposal Q, repeats allowed). Each
// candidate's logit h[rows[m]]·w[j] + bias[j] is corrected by −logQ[j],
// the log of the expected number of times j is drawn (K·Q(j)), which makes
// the sampled loss a consistent estimate of the full softmax's gradient;
// logQ nil means no correction (a uniform proposal, whose correction is
// the same for every candidate). A negative equal to the row's target
// (an "accidental hit") is left out of that row's softmax.
//
// Cost per row is O(K·C) instead of O(V·C): with V = 60,000 movies and K
// in the thousands the output layer stops dominating a step.
//
// It returns the mean loss over the M rows and, when any of dh [N, C],
// dw [V, C], dbias [V] is non-nil, accumulates the gradients of that mean
// into them (only the target and negative rows of dw and dbias change).
// It panics on an id outside [0, V) or a row outside [0, N).
func SampledSoftmaxCrossEntropy(h []float32, rows, targets []int32, w, bias []float32, C, V int, neg []int32, logQ []float32, dh, dw, dbias []float32) float32 {
	return float32(sampledSoftmaxCrossEntropy(h, rows, targets, w, bias, C, V, neg, logQ, dh, dw, dbias))
}

func sampledSoftmaxCrossEntropy(h []float32, rows, targets []int32, w, bias []float32, C, V int, neg []int32, logQ []float32, dh, dw, dbias []float32) float64 {
	const fn = "SampledSoftmaxCrossEntropy"
	M, K := len(rows), len(neg)
	if len(targets) != M {
		panic(fmt.Sprintf("nn: %s: %d rows but %d targets", fn, M, len(targets)))
	}
	need(fn, "w", w, V*C)
	needOpt(fn, "bias", bias, V)
	needOpt(fn, "logQ", logQ, V)
	needOpt(fn, "dw", dw, V*C)
	needOpt(fn, "dbias", dbias, V)
	N := len(h) / C
	needOpt(fn, "dh", dh, N*C)
	for m := range M {
		if r := rows[m]; r < 0 || int(r) >= N {
			panic(fmt.Sprintf("nn: %s: rows[%d] = %d outside [0, %d)", fn, m, r, N))
		}
		if t := targets[m]; t < 0 || int(t) >= V {
			panic(fmt.Sprintf("nn: %s: targets[%d] = %d outside [0, %d)", fn, m, t, V))
		}
	}
	for k, j := range neg {
		if j < 0 || int(j) >= V {
			panic(fmt.Sprintf("nn: %s: neg[%d] = %d outside [0, %d)", fn, k, j, V))
		}
	}
	if M == 0 {
		return 0
	}
	backward := dh != nil || dw != nil || dbias != nil

	// Gather the negatives' rows and corrected biases once for all rows.
	wsp, hcp := getScratch(K*C), getScratch(M*C)
	ws, hc := (*wsp)[:K*C], (*hcp)[:M*C]
	nb := make([]float32, K)
	for k, j := range neg {
		copy(ws[k*C:(k+1)*C], w[int(j)*C:int(j+1)*C])
		if bias != nil {
			nb[k] = bias[j]
		}
		if logQ != nil {
			nb[k] -= logQ[j]
		}
	}
	for m, r := range rows {
		copy(hc[m*C:(m+1)*C], h[int(r)*C:int(r+1)*C])
	}
	lgp := getScratch(M * K)
	lg := (*lgp)[:M*K]
	if K > 0 {
		linalg.Sgemm(false, true, M, K, C, 1, hc, C, ws, C, 0, lg, K)
	}
	dt := make([]float32, M) // gradient of the target logit per row
	loss := make([]float64, M)
	invM := 1 / float32(M)
	parallelFor(M, rowsPerChunk(K+C), func(lo, hi int) {
		for m := lo; m < hi; m++ {
			t := targets[m]
			hm, wt := hc[m*C:(m+1)*C], w[int(t)*C:int(t+1)*C]
			var lt float32
			for c, x := range hm {
				lt += x * wt[c]
			}
			if bias != nil {
				lt += bias[t]
			}
			if logQ != nil {
				lt -= logQ[t]
			}
			row := lg[m*K : (m+1)*K]
			mx := lt
			for k := range row {
				if neg[k] == t {
					row[k] = float32(math.Inf(-1))
					continue
				}
				row[k] += nb[k]
				mx = max(mx, row[k])
			}
			for k := range row {
				row[k] -= mx
			}
			expSlice(row)
			for k := range row { // expSlice leaves ~1e-38, not 0, for −Inf
				if neg[k] == t {
					row[k] = 0
				}
			}
			et := float32(math.Exp(float64(lt - mx)))
			sum := et
			for _, e := range row {
				sum += e
			}
			loss[m] = float64(mx) + math.Log(float64(sum)) - float64(lt)
			if backward {
				inv := invM / sum
				for k := range row {
					row[k] *= inv
				}
				dt[m] = et*inv - invM
			}
		}
	})
	if backward {
		if dh != nil {
			dhcp := getScratch(M * C)
			dhc := (*dhcp)[:M*C]
			if K > 0 {
				linalg.Sgemm(false, false, M, C, K, 1, lg, K, ws, C, 0, dhc, C)
			} else {
				clear(dhc)
			}
			for m, r := range rows {
				dst, src := dh[int(r)*C:int(r+1)*C], dhc[m*C:(m+1)*C]
				wt := w[int(targets[m])*C : int(targets[m]+1)*C]
				for c := range dst {
					dst[c] += src[c] + dt[m]*wt[c]
				}
			}
			putScratch(dhcp)
		}
		if dw != nil {
			dwsp := getScratch(K * C)
			dws := (*dwsp)[:K*C]
			if K > 0 {
				linalg.Sgemm(true, false, K, C, M, 1, lg, K, hc, C, 0, dws, C)
			}
			for k, j := range neg {
				dst := dw[int(j)*C : int(j+1)*C]
				for c, v := range dws[k*C : (k+1)*C] {
					dst[c] += v
				}
			}
			for m, t := range targets {
				dst, hm := dw[int(t)*C:int(t+1)*C], hc[m*C:(m+1)*C]
				for c := range dst {
					dst[c] += dt[m] * hm[c]
				}
			}
			putScratch(dwsp)
		}
		if dbias != nil {
			for k, j := range neg {
				var s float32
				for m := range M {
					s += lg[m*K+k]
				}
				dbias[j] += s
			}
			for m, t := range targets {
				dbias[t] += dt[m]
			}
		}
	}
	putScratch(wsp)
	putScratch(hcp)
	putScratch(lgp)
	var total float64
	for _, l := range loss {
		total += l
	}
	return total / float64(M)
}
