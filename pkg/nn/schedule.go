package nn

import (
	"fmt"
	"math"
)

// Schedule is a learning-rate schedule: linear warm-up to Peak over Warmup
// steps, then decay to MinRatio·Peak at step Total.
type Schedule struct {
	Peak     float32
	Warmup   int    // steps of linear warm-up from 0
	Total    int    // total steps
	Decay    string // "none", "linear" or "cosine" (to MinRatio*Peak at Total); "" means "none"
	MinRatio float32
}

// Validate reports a schedule LR cannot follow.
func (s Schedule) Validate() error {
	switch s.Decay {
	case "", "none", "linear", "cosine":
	default:
		return fmt.Errorf("learning-rate schedule: decay %q, want none, linear or cosine", s.Decay)
	}
	if s.Warmup < 0 || s.Total < 0 {
		return fmt.Errorf("learning-rate schedule: warmup %d and total %d must not be negative", s.Warmup, s.Total)
	}
	if s.MinRatio < 0 || s.MinRatio > 1 {
		return fmt.Errorf("learning-rate schedule: min ratio %v outside [0, 1]", s.MinRatio)
	}
	return nil
}

// LR returns the learning rate for step (counted from 0, the first update).
//
// During warm-up (step < Warmup) it is Peak·(step+1)/Warmup, so the first
// update already moves and step Warmup−1 reaches Peak. Afterwards, with
// progress x = (step−Warmup)/(Total−Warmup) clamped to [0, 1]:
// "none": Peak; "linear": Peak·(1 − (1−MinRatio)·x);
// "cosine": Peak·(MinRatio + (1−MinRatio)·(1+cos(πx))/2).
// Steps at or after Total stay at the final value. It panics on an unknown
// Decay (see Validate).
func (s Schedule) LR(step int) float32 {
	if step < 0 {
		step = 0
	}
	if step < s.Warmup {
		return s.Peak * float32(step+1) / float32(s.Warmup)
	}
	x := 1.0
	if span := s.Total - s.Warmup; span > 0 {
		x = min(1, float64(step-s.Warmup)/float64(span))
	}
	r := float64(s.MinRatio)
	switch s.Decay {
	case "", "none":
		return s.Peak
	case "linear":
		return float32(float64(s.Peak) * (1 - (1-r)*x))
	case "cosine":
		return float32(float64(s.Peak) * (r + (1-r)*0.5*(1+math.Cos(math.Pi*x))))
	}
	panic(fmt.Sprintf("nn: Schedule.LR: unknown decay %q", s.Decay))
}
