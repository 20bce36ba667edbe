package trainer

import (
	"fmt"
	"slices"
	"time"

	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/progress"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// TopN is the length of every user's list in the recs file.
const TopN = 100

// KNNNeighbours is the neighbourhood size of the ItemKNN baseline reported
// beside the model (RecBole's default k = 100).
const KNNNeighbours = 100

// KNNMaxMovies is the largest catalogue the ItemKNN baseline is computed
// for: eval.ItemKNN holds a dense movies² float64 matrix (2 GiB at this
// size; ML-25M's catalogue would need tens of GB). Above it the baseline
// is left out of the test metrics, and the stage says so.
const KNNMaxMovies = 16384

// Logger writes a message line (*progress.Reporter).
type Logger interface {
	Logf(format string, args ...any)
}

// Test is a model's one look at the test part, beside the baselines it has
// to beat: the popularity list and ItemKNN.
type Test struct {
	Rankings   []eval.Ranking // every user's top TopN by the model, for the recs file
	Model      eval.Metrics
	Popularity eval.Metrics
	ItemKNN    eval.Metrics // nil when the catalogue exceeds KNNMaxMovies
	Seconds    float64      // to rank and score the model's lists
}

// EvaluateTest ranks every user's top TopN for the test part with rank
// (the model's best weights) and scores it, the popularity and the ItemKNN
// baselines at eval.RetrievalKs.
func EvaluateTest(s *eval.Split, rank func(t eval.Target, k int) []eval.Ranking) (*Test, error) {
	start := time.Now()
	t := &Test{Rankings: rank(eval.Test, TopN)}
	var err error
	if t.Model, err = eval.Evaluate(s, eval.Test, t.Rankings, eval.RetrievalKs); err != nil {
		return nil, fmt.Errorf("evaluate test: %w", err)
	}
	t.Seconds = time.Since(start).Seconds()
	if t.Popularity, err = eval.Evaluate(s, eval.Test, eval.Popularity(s, eval.Test, TopN), eval.RetrievalKs); err != nil {
		return nil, fmt.Errorf("evaluate popularity: %w", err)
	}
	if len(s.Movies) > KNNMaxMovies {
		return t, nil
	}
	if t.ItemKNN, err = eval.Evaluate(s, eval.Test, eval.ItemKNN(s, eval.Test, TopN, KNNNeighbours), eval.RetrievalKs); err != nil {
		return nil, fmt.Errorf("evaluate itemknn: %w", err)
	}
	return t, nil
}

// WriteRecs writes the model's lists as the recs file at path and records
// it in rec as an output and a row count.
func (t *Test) WriteRecs(rec *runmetrics.Run, path string) error {
	recs := eval.ToRecs(t.Rankings)
	if err := eval.WriteRecs(path, recs); err != nil {
		return err
	}
	if err := rec.AddOutput(path); err != nil {
		return err
	}
	rec.Rows["recs"] = int64(len(recs))
	return nil
}

// Record puts the test metrics in rec, the model's under name beside the
// baselines', and the time the model's took.
func (t *Test) Record(rec *runmetrics.Run, name string) {
	rec.Models = map[string]map[string]float64{name: t.Model, "popularity": t.Popularity}
	if t.ItemKNN != nil {
		rec.Models["itemknn"] = t.ItemKNN
	} else {
		rec.Figures["itemknn_skipped"] = fmt.Sprintf("catalogue above %d movies (a dense movies² similarity matrix)", KNNMaxMovies)
	}
	rec.Figures["test_seconds"] = t.Seconds
}

// Log writes how the run ended: the early stop, if any, and the epoch kept
// with its validation metrics.
func (r *Result) Log(l Logger) {
	if r.StoppedEarly {
		l.Logf("early stopping after epoch %d: no better validation %s since epoch %d", len(r.Curve), r.SelectMetric, r.BestEpoch)
	}
	l.Logf("best epoch %d: validation %s", r.BestEpoch, eval.Metrics(r.BestVal))
}

// Record puts the training curve in rec and the figures every trainer
// reports: the epoch kept, how far the run went, and the medians of the
// epoch times (the median, as a slow first epoch or a busy machine skews a
// mean). Only validated epochs count in val_seconds_median.
func (r *Result) Record(rec *runmetrics.Run) {
	var epochSecs, trainSecs, valSecs []float64
	var trainTotal float64
	for _, e := range r.Curve {
		rec.Curve = append(rec.Curve, runmetrics.Epoch{Epoch: e.Epoch, TrainLoss: e.Loss, Seconds: e.TrainSeconds + e.ValSeconds, LR: e.LR, Val: e.Val})
		epochSecs = append(epochSecs, e.TrainSeconds+e.ValSeconds)
		trainSecs = append(trainSecs, e.TrainSeconds)
		trainTotal += e.TrainSeconds
		if e.Val != nil {
			valSecs = append(valSecs, e.ValSeconds)
		}
	}
	rec.Figures["best_epoch"] = r.BestEpoch
	rec.Figures["best_val"] = r.BestVal
	rec.Figures["epochs_run"] = len(r.Curve)
	rec.Figures["stopped_early"] = r.StoppedEarly
	rec.Figures["steps"] = r.Steps
	rec.Figures["steps_per_epoch"] = r.StepsPerEpoch
	rec.Figures["seconds_per_epoch_median"] = median(epochSecs)
	rec.Figures["train_seconds_per_epoch_median"] = median(trainSecs)
	rec.Figures["val_seconds_median"] = median(valSecs)
	rec.Figures["train_seconds_total"] = trainTotal
}

// median returns the median of x, 0 for none.
func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	y := slices.Clone(x)
	slices.Sort(y)
	n := len(y)
	if n%2 == 1 {
		return y[n/2]
	}
	return (y[n/2-1] + y[n/2]) / 2
}

// ShortProgress is a progress reporter whose epoch lines show only the
// named validation metrics: all of them would not fit on a line.
type ShortProgress struct {
	*progress.Reporter
	Show []string
}

// EndEpoch writes the epoch's line with the Show metrics of val (0 for one
// val lacks).
func (r *ShortProgress) EndEpoch(loss float64, val map[string]float64) {
	var short map[string]float64
	if val != nil {
		short = make(map[string]float64, len(r.Show))
		for _, k := range r.Show {
			short[k] = val[k]
		}
	}
	r.Reporter.EndEpoch(loss, short)
}
