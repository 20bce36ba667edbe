package gradcheck

import (
	"strings"
	"testing"
)

// loss is Σ c_i x_i² with gradient 2 c_i x_i.
func quadratic(x []float32, c []float64) func() float64 {
	return func() float64 {
		var s float64
		for i, v := range x {
			s += c[i] * float64(v) * float64(v)
		}
		return s
	}
}

func TestCentral(t *testing.T) {
	c := []float64{1, -2, 0.5}
	for _, tc := range []struct {
		name    string
		grad    []float32
		steps   []float64
		maxRel  float64 // want Rel(1e-2) at most this
		minRel  float64 // and at least this
		worst   int
		wantErr string
	}{
		{name: "right", grad: []float32{2, 4, 3}, steps: []float64{1e-2}, maxRel: 1e-3},
		{name: "right, two steps", grad: []float32{2, 4, 3}, steps: []float64{1e-2, 1e-3}, maxRel: 1e-3},
		{name: "one sign wrong", grad: []float32{2, -4, 3}, steps: []float64{1e-2}, minRel: 1.5, worst: 1},
		{name: "one 10% off", grad: []float32{2, 4, 3.3}, steps: []float64{1e-2}, minRel: 0.05, maxRel: 0.1, worst: 2},
		{name: "lengths differ", grad: []float32{2, 4}, steps: []float64{1e-2}, wantErr: "3 values but 2 gradients"},
		{name: "no step", grad: []float32{2, 4, 3}, wantErr: "no finite-difference step"},
		{name: "not finite", grad: []float32{2, float32(inf()), 3}, steps: []float64{1e-2}, wantErr: "not finite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := []float32{1, -1, 3}
			orig := append([]float32(nil), x...)
			r, err := Central(x, tc.grad, quadratic(x, c), tc.steps...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := range x {
				if x[i] != orig[i] {
					t.Fatalf("x[%d] left at %v, want %v restored", i, x[i], orig[i])
				}
			}
			rel := r.Rel(1e-2)
			if tc.maxRel > 0 && rel > tc.maxRel {
				t.Errorf("got relative gap %.3g (%v), want at most %g", rel, r, tc.maxRel)
			}
			if rel < tc.minRel || (tc.minRel > 0 && r.Worst != tc.worst) {
				t.Errorf("got relative gap %.3g at [%d] (%v), want at least %g at [%d]", rel, r.Worst, r, tc.minRel, tc.worst)
			}
			if r.Scale < 3.99 || r.Scale > 4.01 {
				t.Errorf("got scale %v, want about 4 (the largest gradient, 2·(-2)·(-1))", r.Scale)
			}
		})
	}
}

func inf() float64 { var z float64; return 1 / z }
