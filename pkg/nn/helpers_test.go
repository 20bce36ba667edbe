package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/moviegenie/pipeline/pkg/gradcheck"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// randVec returns n values uniform in [-scale, scale].
func randVec(rng *rand.Rand, n int, scale float32) []float32 {
	x := make([]float32, n)
	InitUniform(x, scale, rng)
	return x
}

// dot64 is Σ a·b in float64: the random projection that turns a layer's
// output into a scalar loss for gradient checks.
func dot64(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// Finite-difference settings.
//
// The layers compute in float32; the scalar loss (a random projection of the
// output, or a cross-entropy) is summed in float64. A float32 forward pass
// carries a relative rounding error of a few 1e-7 per output, so the loss
// of ~100 outputs of size ~1 is noisy at about 1e-6; a central difference
// with step h = 1e-2 turns that into a gradient error of ~1e-6/(2h) = 5e-5,
// and its truncation error (h²/6 times the third derivative) is ~2e-5 for
// the smooth functions here. Measured gaps are 1e-7..6e-5 of the gradient's
// scale for single layers and up to 1.6e-4 for the whole tiny model
// (go test -v prints them); fdTol = 2e-3 leaves a 10× margin, while a wrong
// term (a factor, a missing path, a sign, even a 1% error in the in-batch
// softmax) shows up as gaps of 4e-3..1 of scale.
const (
	fdStep = 1e-2
	fdTol  = 2e-3
)

// checkGrad compares the analytic gradient of loss with respect to x (grad)
// with central differences, perturbing x in place. The gap is measured
// against the largest numeric gradient of the tensor.
func checkGrad(t *testing.T, name string, x, grad []float32, loss func() float64) {
	t.Helper()
	checkGradTol(t, name, x, grad, loss, fdStep, fdTol)
}

func checkGradTol(t *testing.T, name string, x, grad []float32, loss func() float64, h, tol float64) {
	t.Helper()
	r, err := gradcheck.Central(x, grad, loss, h)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	limit := tol * max(r.Scale, 1e-4)
	if r.Gap > limit {
		t.Errorf("%s: gradient %v, limit %.3g", name, r, limit)
	} else if testing.Verbose() {
		t.Logf("%s: gap %.3g, scale %.3g, gap/scale %.3g", name, r.Gap, r.Scale, r.Rel(1e-12))
	}
}

// withGarbage returns a gradient buffer pre-filled with junk, and a function
// returning buffer − junk, so that each check also proves the backward pass
// accumulates (+=) rather than overwrites.
func withGarbage(rng *rand.Rand, n int) ([]float32, func() []float32) {
	junk := randVec(rng, n, 1)
	buf := append([]float32(nil), junk...)
	return buf, func() []float32 {
		d := make([]float32, n)
		for i := range d {
			d[i] = buf[i] - junk[i]
		}
		return d
	}
}

// maxAbsDiff returns max |a−b| with b in float64.
func maxAbsDiff(a []float32, b []float64) float64 {
	var m float64
	for i := range a {
		m = max(m, math.Abs(float64(a[i])-b[i])) // max propagates NaN
	}
	return m
}
