// Package trainer holds what the model trainers (pkg/bert4rec,
// pkg/twotower) share around their own training step, so that the two
// stages pick epochs, stop and report by the same rules: the epoch loop
// that validates, keeps the best epoch's weights and stops early (Loop),
// and the end of a stage, which looks at the test part once beside the
// baselines and records the run (Test, Result.Record). Batching, the
// forward and backward passes and the optimiser step stay in each model's
// package.
package trainer

import (
	"fmt"
	"math"
	"time"

	"github.com/moviegenie/pipeline/pkg/progress"
)

// Reporter is what a training run tells about its progress
// (*progress.Reporter).
type Reporter interface {
	StartEpoch(epoch, batches int)
	Batch(j int, loss float64)
	EndEpoch(loss float64, val map[string]float64)
}

var _ Reporter = (*progress.Reporter)(nil)

// Options are the hooks of a training run of a model M; all may be zero.
type Options[M any] struct {
	// Validate scores the model on the validation data and returns its
	// metrics; the model's select metric picks the best epoch, whose
	// weights the model holds when training returns. nil: no validation,
	// the last epoch is kept.
	Validate func(m M) (map[string]float64, error)
	// Progress receives the epochs and batches (nil: none); a
	// *progress.Reporter is one.
	Progress Reporter
}

// EpochStats is one epoch of a training run.
type EpochStats struct {
	Epoch        int
	Loss         float64 // the epoch's mean training loss, as the model defines it
	LR           float64 // learning rate of the epoch's last step
	TrainSeconds float64
	ValSeconds   float64            // 0 when not validated
	Val          map[string]float64 // nil when not validated
}

// Result summarises a training run.
type Result struct {
	Curve         []EpochStats
	SelectMetric  string             // the validation metric that picked BestEpoch
	BestEpoch     int                // epoch whose weights the model holds
	BestVal       map[string]float64 // its validation metrics (nil without validation)
	Steps         int                // optimiser steps taken
	StepsPerEpoch int
	Examples      int // training examples per epoch
	StoppedEarly  bool
}

// Loop is the epoch-level part of a training run of a model M: it runs the
// epochs, validates after some of them, keeps the weights of the best
// validated epoch and stops when patience runs out.
type Loop[M any] struct {
	Model   M          // what Options.Validate is given
	Options Options[M] // the caller's hooks

	Epochs int // at most
	// EvalEvery validates after every EvalEvery epochs and after the last
	// (0 counts as 1), when Options.Validate is set.
	EvalEvery int
	// Patience stops the run once this many epochs have passed since the
	// best validated one (never before a validation); 0: never.
	Patience      int
	SelectMetric  string // validation metric that picks the best epoch, higher is better
	StepsPerEpoch int    // batches of an epoch, for the progress and Result.Steps
	// Weights are the buffers that hold the model's parameters: the best
	// epoch's are copied aside and put back when the run ends.
	Weights [][]float32
}

// EpochFunc trains one epoch (1-based): it shuffles, batches and takes the
// optimiser steps, calling rep.Batch after each, and returns the epoch's
// mean loss and the learning rate of its last step. rep is never nil.
type EpochFunc func(epoch int, rep Reporter) (loss, lr float64, err error)

// Run trains up to l.Epochs epochs with train and returns the curve and
// the best epoch, whose weights l.Weights then hold (the last epoch's
// without validation). It returns train's error as it is, and an error if
// Validate fails or leaves out SelectMetric.
func (l *Loop[M]) Run(train EpochFunc) (*Result, error) {
	rep := l.Options.Progress
	if rep == nil {
		rep = silent{}
	}
	validate := l.Options.Validate
	every := max(l.EvalEvery, 1)
	res := &Result{SelectMetric: l.SelectMetric, StepsPerEpoch: l.StepsPerEpoch}
	var best []float32
	kept := false
	bestScore := math.Inf(-1)
	for epoch := 1; epoch <= l.Epochs; epoch++ {
		start := time.Now()
		rep.StartEpoch(epoch, l.StepsPerEpoch)
		loss, lr, err := train(epoch, rep)
		if err != nil {
			return nil, err
		}
		res.Steps += l.StepsPerEpoch
		es := EpochStats{Epoch: epoch, Loss: loss, LR: lr, TrainSeconds: time.Since(start).Seconds()}
		if validate != nil && (epoch%every == 0 || epoch == l.Epochs) {
			vstart := time.Now()
			val, err := validate(l.Model)
			if err != nil {
				return nil, fmt.Errorf("validate epoch %d: %w", epoch, err)
			}
			es.Val, es.ValSeconds = val, time.Since(vstart).Seconds()
			s, ok := val[l.SelectMetric]
			if !ok {
				return nil, fmt.Errorf("validate epoch %d: no %s in the metrics", epoch, l.SelectMetric)
			}
			if s > bestScore {
				bestScore, res.BestEpoch, res.BestVal = s, epoch, val
				best, kept = best[:0], true
				for _, w := range l.Weights {
					best = append(best, w...)
				}
			}
		}
		res.Curve = append(res.Curve, es)
		rep.EndEpoch(es.Loss, es.Val)
		if kept && l.Patience > 0 && epoch-res.BestEpoch >= l.Patience {
			res.StoppedEarly = epoch < l.Epochs
			break
		}
	}
	if kept {
		for _, w := range l.Weights {
			best = best[copy(w, best):]
		}
	} else {
		res.BestEpoch = len(res.Curve)
	}
	return res, nil
}

// silent is the Reporter of a run without one.
type silent struct{}

func (silent) StartEpoch(int, int)                  {}
func (silent) Batch(int, float64)                   {}
func (silent) EndEpoch(float64, map[string]float64) {}
