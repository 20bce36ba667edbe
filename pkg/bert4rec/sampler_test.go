package bert4rec

import (
	"math"
	"testing"
)

// TestNegSampler: draws follow the proposal (popularity^0.75 or uniform),
// logQ is log(k·Q), and the same seed gives the same draws.
func TestNegSampler(t *testing.T) {
	const V, k = 4, 1000
	windows := [][]int32{{1, 1, 1, 2}, {1, 3}} // counts 4, 1, 1, 0
	s := newNegSampler(k, V, false, windows, 9)
	w := []float64{math.Pow(5, 0.75), math.Pow(2, 0.75), math.Pow(2, 0.75), 1}
	total := w[0] + w[1] + w[2] + w[3]
	seen := make([]float64, V)
	const steps = 200
	for range steps {
		for _, j := range s.draw() {
			seen[j]++
		}
	}
	for j := range V {
		q := w[j] / total
		if got := seen[j] / (steps * k); math.Abs(got-q) > 0.01 {
			t.Errorf("class %d: drawn %.4f of the time, want Q = %.4f", j, got, q)
		}
		if want := math.Log(k * q); math.Abs(float64(s.logQ[j])-want) > 1e-5 {
			t.Errorf("class %d: logQ %v, want %v", j, s.logQ[j], want)
		}
	}
	a, b := newNegSampler(5, V, true, nil, 3), newNegSampler(5, V, true, nil, 3)
	if a.logQ != nil {
		t.Errorf("uniform sampler has a log-Q correction, want none")
	}
	for range 10 {
		x, y := a.draw(), b.draw()
		for i := range x {
			if x[i] != y[i] || x[i] < 0 || x[i] >= V {
				t.Fatalf("uniform draws %v and %v: want equal, in [0, %d)", x, y, V)
			}
		}
	}
}
