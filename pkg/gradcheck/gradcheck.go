// Package gradcheck compares an analytic gradient with central finite
// differences. The layer tests of pkg/nn and the whole-model tests of
// BERT4Rec and Two-Tower share it, so that one definition of "the gap"
// (and one treatment of float32 rounding) backs every gradient claim.
package gradcheck

import (
	"fmt"
	"math"
)

// Result is the outcome of one tensor's check.
type Result struct {
	Gap      float64 // max over elements of |analytic − numeric|
	Worst    int     // the element where Gap is reached
	Analytic float64 // the analytic gradient at Worst
	Numeric  float64 // the numeric gradient at Worst
	Scale    float64 // max over elements (and steps) of |numeric|
}

// Rel is Gap relative to Scale, with Scale floored at floor so that a
// tensor whose true gradient is about zero is judged by its absolute gap.
func (r Result) Rel(floor float64) float64 { return r.Gap / max(r.Scale, floor) }

// String describes the result for a test message.
func (r Result) String() string {
	return fmt.Sprintf("max |analytic-numeric| %.3g at [%d] (analytic %.6g, numeric %.6g), max |numeric| %.3g",
		r.Gap, r.Worst, r.Analytic, r.Numeric, r.Scale)
}

// Central perturbs each element of x in place by ±h (restoring it after),
// takes the central difference of loss, and compares it with grad. With
// several steps, each element keeps the difference closest to the
// analytic value: a large step may cross a kink (ReLU at 0), a small one
// is noisy in float32, and a wrong gradient is wrong at every step. The
// denominator is the float32 distance actually stepped, not 2h. It fails
// when the lengths differ, no step is given, or a gap is not finite.
func Central(x, grad []float32, loss func() float64, steps ...float64) (Result, error) {
	if len(x) != len(grad) {
		return Result{}, fmt.Errorf("%d values but %d gradients", len(x), len(grad))
	}
	if len(steps) == 0 {
		return Result{}, fmt.Errorf("no finite-difference step")
	}
	var r Result
	for i := range x {
		orig := x[i]
		best, bestNum := math.Inf(1), 0.0
		for _, h := range steps {
			xp, xm := float32(float64(orig)+h), float32(float64(orig)-h)
			x[i] = xp
			lp := loss()
			x[i] = xm
			lm := loss()
			x[i] = orig
			num := (lp - lm) / (float64(xp) - float64(xm))
			d := math.Abs(num - float64(grad[i]))
			if math.IsNaN(d) || math.IsInf(d, 0) {
				return Result{}, fmt.Errorf("[%d]: analytic %v, numeric %v: not finite", i, grad[i], num)
			}
			if d < best {
				best, bestNum = d, num
			}
			r.Scale = max(r.Scale, math.Abs(num))
		}
		if i == 0 || best > r.Gap {
			r.Gap, r.Worst, r.Analytic, r.Numeric = best, i, float64(grad[i]), bestNum
		}
	}
	return r, nil
}
