package nn

import (
	"fmt"
	"math"
	"testing"
)

func refSoftmaxCE(h []float32, rows, targets []int32, w, bias []float32, C, V int) float64 {
	var total float64
	for m, r := range rows {
		logits := make([]float64, V)
		mx := math.Inf(-1)
		for v := 0; v < V; v++ {
			for c := 0; c < C; c++ {
				logits[v] += float64(h[int(r)*C+c]) * float64(w[v*C+c])
			}
			if bias != nil {
				logits[v] += float64(bias[v])
			}
			mx = max(mx, logits[v])
		}
		var z float64
		for _, l := range logits {
			z += math.Exp(l - mx)
		}
		total += mx + math.Log(z) - logits[targets[m]]
	}
	return total / float64(len(rows))
}

func TestSoftmaxCrossEntropy(t *testing.T) {
	const N, C, V, M = 10, 6, 9, 20
	rng := newRNG(10)
	h, w, bias := randVec(rng, N*C, 1), randVec(rng, V*C, 1), randVec(rng, V, 1)
	rows, targets := make([]int32, M), make([]int32, M)
	for m := range rows {
		rows[m] = int32(rng.IntN(N - 2)) // rows N-2 and N-1 are never selected
		targets[m] = int32(rng.IntN(V))
	}
	rows[1] = rows[0] // a repeated row
	defer func(old int) { ceChunkFloats = old }(ceChunkFloats)
	for _, chunk := range []int{1 << 20, 1} { // one chunk; chunks of 16 rows
		for _, withBias := range []bool{true, false} {
			t.Run(fmt.Sprintf("chunk=%d/bias=%v", chunk, withBias), func(t *testing.T) {
				ceChunkFloats = chunk
				b := bias
				if !withBias {
					b = nil
				}
				want := refSoftmaxCE(h, rows, targets, w, b, C, V)
				if got := SoftmaxCrossEntropy(h, rows, targets, w, b, C, V, nil, nil, nil); !(math.Abs(float64(got)-want) <= 1e-5) {
					t.Errorf("loss: got %v, want %v", got, want)
				}
				dh, ddh := withGarbage(rng, N*C)
				dw, ddw := withGarbage(rng, V*C)
				var db []float32
				var ddb func() []float32
				if withBias {
					db, ddb = withGarbage(rng, V)
				}
				got := softmaxCrossEntropy(h, rows, targets, w, b, C, V, dh, dw, db)
				if !(math.Abs(got-want) <= 1e-5) {
					t.Errorf("loss with gradients: got %v, want %v", got, want)
				}
				g := ddh()
				for _, v := range g[(N-2)*C:] {
					if v != 0 {
						t.Fatalf("unselected rows got gradient %v, want exactly 0", g[(N-2)*C:])
					}
				}
				loss := func() float64 { return softmaxCrossEntropy(h, rows, targets, w, b, C, V, nil, nil, nil) }
				checkGrad(t, "ce h", h, g, loss)
				checkGrad(t, "ce w", w, ddw(), loss)
				if withBias {
					checkGrad(t, "ce bias", bias, ddb(), loss)
				}
				// Only dw requested: same dw.
				dw2 := make([]float32, V*C)
				softmaxCrossEntropy(h, rows, targets, w, b, C, V, nil, dw2, nil)
				dw1 := ddw()
				for i := range dw2 {
					if !(math.Abs(float64(dw2[i]-dw1[i])) <= 1e-6) {
						t.Fatalf("dw alone [%d]: got %v, want %v", i, dw2[i], dw1[i])
					}
				}
			})
		}
	}
	if got := SoftmaxCrossEntropy(h, nil, nil, w, bias, C, V, nil, nil, nil); got != 0 {
		t.Errorf("no rows: got loss %v, want 0", got)
	}
}

func refInBatch(u, v []float32, B, D int, tau float32, logQ []float32, ids []int32) float64 {
	var total float64
	for i := 0; i < B; i++ {
		s := make([]float64, B)
		mx := math.Inf(-1)
		for j := 0; j < B; j++ {
			if ids != nil && j != i && ids[j] == ids[i] {
				continue
			}
			for d := 0; d < D; d++ {
				s[j] += float64(u[i*D+d]) * float64(v[j*D+d])
			}
			s[j] /= float64(tau)
			if logQ != nil {
				s[j] -= float64(logQ[j])
			}
			mx = max(mx, s[j])
		}
		var z float64
		for j := 0; j < B; j++ {
			if ids != nil && j != i && ids[j] == ids[i] {
				continue
			}
			z += math.Exp(s[j] - mx)
		}
		total += mx + math.Log(z) - s[i]
	}
	return total / float64(B)
}

func TestInBatchSoftmax(t *testing.T) {
	const B, D = 8, 5
	const tau = 0.5
	rng := newRNG(11)
	u, v := randVec(rng, B*D, 0.6), randVec(rng, B*D, 0.6)
	logQ := randVec(rng, B, 1)
	for i := range logQ {
		logQ[i] -= 3 // log-probabilities are negative
	}
	ids := []int32{1, 2, 3, 2, 5, 6, 1, 2}
	cases := []struct {
		name string
		logQ []float32
		ids  []int32
	}{
		{"plain", nil, nil},
		{"logQ", logQ, nil},
		{"logQ+mask", logQ, ids},
	}
	losses := map[string]float64{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := refInBatch(u, v, B, D, tau, tc.logQ, tc.ids)
			du, ddu := withGarbage(rng, B*D)
			dv, ddv := withGarbage(rng, B*D)
			got := inBatchSoftmax(u, v, B, D, tau, tc.logQ, tc.ids, du, dv)
			if !(math.Abs(got-want) <= 1e-5) {
				t.Errorf("loss: got %v, want %v", got, want)
			}
			losses[tc.name] = got
			loss := func() float64 { return inBatchSoftmax(u, v, B, D, tau, tc.logQ, tc.ids, nil, nil) }
			checkGrad(t, "in-batch u", u, ddu(), loss)
			checkGrad(t, "in-batch v", v, ddv(), loss)
		})
	}
	if losses["logQ"] == losses["logQ+mask"] {
		t.Errorf("masking duplicate items did not change the loss")
	}
}

// TestSmoothedSoftmaxCrossEntropy checks label smoothing on a hand-computed
// case and its gradients against finite differences; eps = 0 must be the
// plain loss bit for bit.
func TestSmoothedSoftmaxCrossEntropy(t *testing.T) {
	// One row, C = 1, h = 1, logits = w = (0, ln 2, ln 3) + no bias:
	// p = (1/6, 2/6, 3/6), target 2; eps 0.3:
	// 0.7·(−ln 1/2) + 0.3·mean(−ln 1/6, −ln 1/3, −ln 1/2).
	h := []float32{1}
	w := []float32{0, float32(math.Log(2)), float32(math.Log(3))}
	want := 0.7*math.Log(2) + 0.3*(math.Log(6)+math.Log(3)+math.Log(2))/3
	if got := SmoothedSoftmaxCrossEntropy(h, []int32{0}, []int32{2}, w, nil, 1, 3, 0.3, nil, nil, nil); math.Abs(float64(got)-want) > 1e-6 {
		t.Errorf("hand case: got %v, want %v", got, want)
	}

	const N, C, V, M = 8, 5, 7, 12
	rng := newRNG(11)
	hh, ww, bias := randVec(rng, N*C, 1), randVec(rng, V*C, 1), randVec(rng, V, 1)
	rows, targets := make([]int32, M), make([]int32, M)
	for m := range rows {
		rows[m] = int32(rng.IntN(N))
		targets[m] = int32(rng.IntN(V))
	}
	if a, b := SmoothedSoftmaxCrossEntropy(hh, rows, targets, ww, bias, C, V, 0, nil, nil, nil), SoftmaxCrossEntropy(hh, rows, targets, ww, bias, C, V, nil, nil, nil); a != b {
		t.Errorf("eps 0: got %v, want the plain loss %v", a, b)
	}
	for _, eps := range []float32{0.1, 0.5} {
		dh, dw, db := make([]float32, N*C), make([]float32, V*C), make([]float32, V)
		smoothedSoftmaxCrossEntropy(hh, rows, targets, ww, bias, C, V, eps, dh, dw, db)
		loss := func() float64 {
			return smoothedSoftmaxCrossEntropy(hh, rows, targets, ww, bias, C, V, eps, nil, nil, nil)
		}
		checkGrad(t, fmt.Sprintf("eps %v h", eps), hh, dh, loss)
		checkGrad(t, fmt.Sprintf("eps %v w", eps), ww, dw, loss)
		checkGrad(t, fmt.Sprintf("eps %v bias", eps), bias, db, loss)
	}
}
