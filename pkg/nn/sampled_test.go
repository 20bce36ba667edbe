package nn

import (
	"fmt"
	"math"
	"testing"
)

// refSampled is the sampled softmax loss written out in float64.
func refSampled(h []float32, rows, targets []int32, w, bias []float32, C int, neg []int32, logQ []float32) float64 {
	logit := func(r int, j int32) float64 {
		var s float64
		for c := 0; c < C; c++ {
			s += float64(h[r*C+c]) * float64(w[int(j)*C+c])
		}
		if bias != nil {
			s += float64(bias[j])
		}
		if logQ != nil {
			s -= float64(logQ[j])
		}
		return s
	}
	var total float64
	for m, r := range rows {
		t := targets[m]
		lt := logit(int(r), t)
		z := math.Exp(lt)
		for _, j := range neg {
			if j != t {
				z += math.Exp(logit(int(r), j))
			}
		}
		total += math.Log(z) - lt
	}
	return total / float64(len(rows))
}

// TestSampledSoftmaxCrossEntropy checks the loss against refSampled and
// every gradient against central finite differences, with and without
// bias and log-Q correction, with repeated negatives and accidental hits
// (a negative equal to a row's target).
func TestSampledSoftmaxCrossEntropy(t *testing.T) {
	const N, C, V, M = 10, 6, 15, 12
	rng := newRNG(21)
	h, w, bias := randVec(rng, N*C, 1), randVec(rng, V*C, 1), randVec(rng, V, 1)
	logQ := randVec(rng, V, 1)
	for i := range logQ {
		logQ[i] -= 1
	}
	rows, targets := make([]int32, M), make([]int32, M)
	for m := range rows {
		rows[m] = int32(rng.IntN(N - 2)) // rows N-2, N-1 never selected
		targets[m] = int32(rng.IntN(V - 3))
	}
	neg := []int32{targets[0], 2, 5, 5, 9, targets[3], 11} // hits, a repeat; 12..14 never used
	for _, tc := range []struct {
		bias, logQ bool
		neg        []int32
	}{{true, true, neg}, {false, false, neg}, {true, false, neg}, {false, true, neg}, {true, true, nil}} {
		t.Run(fmt.Sprintf("bias=%v/logQ=%v/K=%d", tc.bias, tc.logQ, len(tc.neg)), func(t *testing.T) {
			var b, lq []float32
			if tc.bias {
				b = bias
			}
			if tc.logQ {
				lq = logQ
			}
			want := refSampled(h, rows, targets, w, b, C, tc.neg, lq)
			if got := SampledSoftmaxCrossEntropy(h, rows, targets, w, b, C, V, tc.neg, lq, nil, nil, nil); !(math.Abs(float64(got)-want) <= 1e-5) {
				t.Errorf("loss: got %v, want %v", got, want)
			}
			dh, ddh := withGarbage(rng, N*C)
			dw, ddw := withGarbage(rng, V*C)
			db, ddb := withGarbage(rng, V)
			if !tc.bias {
				db, ddb = nil, nil
			}
			got := sampledSoftmaxCrossEntropy(h, rows, targets, w, b, C, V, tc.neg, lq, dh, dw, db)
			if !(math.Abs(got-want) <= 1e-5) {
				t.Errorf("loss with gradients: got %v, want %v", got, want)
			}
			loss := func() float64 {
				return sampledSoftmaxCrossEntropy(h, rows, targets, w, b, C, V, tc.neg, lq, nil, nil, nil)
			}
			gh, gw := ddh(), ddw()
			for _, v := range gh[(N-2)*C:] {
				if v != 0 {
					t.Fatalf("unselected rows got gradient %v, want exactly 0", gh[(N-2)*C:])
				}
			}
			for _, v := range gw[12*C:] {
				if v != 0 && len(tc.neg) > 0 {
					t.Fatalf("classes neither target nor negative got gradient %v, want exactly 0", gw[12*C:])
				}
			}
			checkGrad(t, "sampled h", h, gh, loss)
			checkGrad(t, "sampled w", w, gw, loss)
			if tc.bias {
				checkGrad(t, "sampled bias", bias, ddb(), loss)
			}
		})
	}
	// With every class a negative once and no correction, the sampled loss
	// is the full softmax.
	all := make([]int32, V)
	for j := range all {
		all[j] = int32(j)
	}
	full := SoftmaxCrossEntropy(h, rows, targets, w, bias, C, V, nil, nil, nil)
	if got := SampledSoftmaxCrossEntropy(h, rows, targets, w, bias, C, V, all, nil, nil, nil, nil); math.Abs(float64(got-full)) > 1e-5 {
		t.Errorf("all classes as negatives: got %v, want the full softmax %v", got, full)
	}
	if got := SampledSoftmaxCrossEntropy(h, nil, nil, w, bias, C, V, neg, nil, nil, nil, nil); got != 0 {
		t.Errorf("no rows: got loss %v, want 0", got)
	}
}
