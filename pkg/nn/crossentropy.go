package nn

import (
	"fmt"
	"math"

	"github.com/moviegenie/pipeline/pkg/linalg"
)

// ceChunkFloats bounds the logits held at once by SoftmaxCrossEntropy:
// rows are processed in chunks of about ceChunkFloats/V rows (4 MiB of
// logits), so memory stays bounded however many rows are selected.
var ceChunkFloats = 1 << 20

// SoftmaxCrossEntropy is the softmax cross-entropy over a large output at
// selected rows, with the output matrix tied to an embedding table.
//
// For m in [0, M), M = len(rows): logits[m] = h[rows[m]]·wᵀ + bias with h
// [N, C], w [V, C] and bias [V] (nil for none), and the loss of row m is
// −log softmax(logits[m])[targets[m]]. It returns the mean over the M rows
// (0 if M == 0). When any of dh [N, C], dw [V, C], dbias [V] is non-nil, the
// gradients of that mean loss are accumulated into the non-nil ones. To keep
// some table rows (padding, mask token) out of the softmax, pass a prefix or
// sub-slice of the table as w and a matching V.
//
// Rows are processed in chunks of max(16, 2^20/V) rows, so that about 4 MiB
// of logits exist at a time (more only when V > 65536); the logits and all
// gradients are matrix products (linalg.Sgemm).
// It panics if a target is outside [0, V) or a row outside [0, N).
func SoftmaxCrossEntropy(h []float32, rows, targets []int32, w, bias []float32, C, V int, dh, dw, dbias []float32) float32 {
	return float32(softmaxCrossEntropy(h, rows, targets, w, bias, C, V, dh, dw, dbias))
}

// SmoothedSoftmaxCrossEntropy is SoftmaxCrossEntropy with label smoothing
// eps in [0, 1): each row's target distribution puts 1−eps on its target
// and eps spread evenly over all V outputs, so the loss of row m is
// (1−eps)·(−log p[t]) + eps·mean over j of (−log p[j]). It keeps the model
// from pushing one item's logit without bound on a small catalogue, where
// a confident wrong ranking costs more than an unsure right one.
// eps = 0 is SoftmaxCrossEntropy exactly.
func SmoothedSoftmaxCrossEntropy(h []float32, rows, targets []int32, w, bias []float32, C, V int, eps float32, dh, dw, dbias []float32) float32 {
	return float32(smoothedSoftmaxCrossEntropy(h, rows, targets, w, bias, C, V, eps, dh, dw, dbias))
}

// softmaxCrossEntropy is SoftmaxCrossEntropy returning the loss in float64
// (the per-row losses are computed and summed in float64).
func softmaxCrossEntropy(h []float32, rows, targets []int32, w, bias []float32, C, V int, dh, dw, dbias []float32) float64 {
	return smoothedSoftmaxCrossEntropy(h, rows, targets, w, bias, C, V, 0, dh, dw, dbias)
}

func smoothedSoftmaxCrossEntropy(h []float32, rows, targets []int32, w, bias []float32, C, V int, eps float32, dh, dw, dbias []float32) float64 {
	if !(eps >= 0 && eps < 1) {
		panic(fmt.Sprintf("nn: SmoothedSoftmaxCrossEntropy: eps %v outside [0, 1)", eps))
	}
	M := len(rows)
	if len(targets) != M {
		panic(fmt.Sprintf("nn: SoftmaxCrossEntropy: %d rows but %d targets", M, len(targets)))
	}
	need("SoftmaxCrossEntropy", "w", w, V*C)
	needOpt("SoftmaxCrossEntropy", "bias", bias, V)
	needOpt("SoftmaxCrossEntropy", "dw", dw, V*C)
	needOpt("SoftmaxCrossEntropy", "dbias", dbias, V)
	N := len(h) / C
	needOpt("SoftmaxCrossEntropy", "dh", dh, N*C)
	for m := range M {
		if r := rows[m]; r < 0 || int(r) >= N {
			panic(fmt.Sprintf("nn: SoftmaxCrossEntropy: rows[%d] = %d outside [0, %d)", m, r, N))
		}
		if t := targets[m]; t < 0 || int(t) >= V {
			panic(fmt.Sprintf("nn: SoftmaxCrossEntropy: targets[%d] = %d outside [0, %d)", m, t, V))
		}
	}
	if M == 0 {
		return 0
	}
	backward := dh != nil || dw != nil || dbias != nil
	R := min(M, max(16, ceChunkFloats/max(1, V)))
	logitsp, hcp, lossp := getScratch(R*V), getScratch(R*C), make([]float64, M)
	logits, hc := *logitsp, *hcp
	var dhcp *[]float32
	if dh != nil {
		dhcp = getScratch(R * C)
	}
	invM := float32(1) / float32(M)
	for m0 := 0; m0 < M; m0 += R {
		r := min(R, M-m0)
		for i := 0; i < r; i++ {
			src := int(rows[m0+i]) * C
			copy(hc[i*C:(i+1)*C], h[src:src+C])
		}
		lg := logits[:r*V]
		linalg.Sgemm(false, true, r, V, C, 1, hc, C, w, C, 0, lg, V)
		parallelFor(r, rowsPerChunk(V), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				row := lg[i*V : (i+1)*V]
				if bias != nil {
					for j, b := range bias[:V] {
						row[j] += b
					}
				}
				t := targets[m0+i]
				lt := float64(row[t])
				mx := float32(math.Inf(-1))
				for _, v := range row {
					mx = max(mx, v)
				}
				if eps > 0 {
					// −log p averaged: (1−eps) at the target, eps/V everywhere.
					var rowSum float64
					for _, v := range row {
						rowSum += float64(v)
					}
					lt = (1-float64(eps))*lt + float64(eps)*rowSum/float64(V)
				}
				for j := range row {
					row[j] -= mx
				}
				expSlice(row)
				var sum float32
				for _, e := range row {
					sum += e
				}
				// loss = logsumexp(logits) − logit_t
				lossp[m0+i] = float64(mx) + math.Log(float64(sum)) - lt
				if backward {
					inv := invM / sum
					if eps > 0 {
						u := invM * eps / float32(V)
						for j := range row {
							row[j] = row[j]*inv - u
						}
						row[t] -= invM * (1 - eps)
					} else {
						for j := range row {
							row[j] *= inv
						}
						row[t] -= invM
					}
				}
			}
		})
		if !backward {
			continue
		}
		if dh != nil {
			dhc := (*dhcp)[:r*C]
			linalg.Sgemm(false, false, r, C, V, 1, lg, V, w, C, 0, dhc, C)
			for i := 0; i < r; i++ {
				dst := dh[int(rows[m0+i])*C:]
				for c, v := range dhc[i*C : (i+1)*C] {
					dst[c] += v
				}
			}
		}
		if dw != nil {
			linalg.Sgemm(true, false, V, C, r, 1, lg, V, hc, C, 1, dw, C)
		}
		if dbias != nil {
			addColumnSums(dbias, lg, r, V)
		}
	}
	putScratch(logitsp)
	putScratch(hcp)
	if dhcp != nil {
		putScratch(dhcp)
	}
	var total float64
	for _, l := range lossp {
		total += l
	}
	return total / float64(M)
}
