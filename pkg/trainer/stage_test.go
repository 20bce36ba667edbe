package trainer

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/progress"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/tables"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		x    []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{5, 5, 1, 9, 7}, 5},
	} {
		in := slices.Clone(tc.x)
		if got := median(tc.x); got != tc.want {
			t.Errorf("median(%v) = %g, want %g", in, got, tc.want)
		}
		if !slices.Equal(tc.x, in) {
			t.Errorf("median(%v) reordered its input to %v", in, tc.x)
		}
	}
}

func TestResultRecord(t *testing.T) {
	val := map[string]float64{"score": 0.5}
	res := &Result{
		Curve: []EpochStats{
			{Epoch: 1, Loss: 3, LR: 0.1, TrainSeconds: 4},
			{Epoch: 2, Loss: 2, LR: 0.2, TrainSeconds: 2, ValSeconds: 1, Val: val},
			{Epoch: 3, Loss: 1, LR: 0.3, TrainSeconds: 6, ValSeconds: 3, Val: val},
		},
		SelectMetric: "score", BestEpoch: 2, BestVal: val, Steps: 12, StepsPerEpoch: 4, Examples: 40, StoppedEarly: true,
	}
	rec := runmetrics.Start("test")
	res.Record(rec)
	want := map[string]any{
		"best_epoch": 2, "best_val": val, "epochs_run": 3, "stopped_early": true, "steps": 12, "steps_per_epoch": 4,
		"seconds_per_epoch_median":       4.0,  // of 4, 3 and 9
		"train_seconds_per_epoch_median": 4.0,  // of 4, 2 and 6
		"val_seconds_median":             2.0,  // of the validated epochs' 1 and 3
		"train_seconds_total":            12.0, // 4 + 2 + 6
	}
	if !reflect.DeepEqual(rec.Figures, want) {
		t.Errorf("figures:\n got %v\nwant %v", rec.Figures, want)
	}
	wantCurve := []runmetrics.Epoch{
		{Epoch: 1, TrainLoss: 3, Seconds: 4, LR: 0.1},
		{Epoch: 2, TrainLoss: 2, Seconds: 3, LR: 0.2, Val: val},
		{Epoch: 3, TrainLoss: 1, Seconds: 9, LR: 0.3, Val: val},
	}
	if !reflect.DeepEqual(rec.Curve, wantCurve) {
		t.Errorf("curve:\n got %+v\nwant %+v", rec.Curve, wantCurve)
	}
}

// logger collects Logf lines.
type logger []string

func (l *logger) Logf(format string, args ...any) { *l = append(*l, fmt.Sprintf(format, args...)) }

func TestResultLog(t *testing.T) {
	res := &Result{Curve: make([]EpochStats, 5), SelectMetric: "ndcg@10", BestEpoch: 3, BestVal: map[string]float64{"ndcg@10": 0.25}, StoppedEarly: true}
	var l logger
	res.Log(&l)
	want := logger{"early stopping after epoch 5: no better validation ndcg@10 since epoch 3", "best epoch 3: validation ndcg@10=0.2500"}
	if !slices.Equal(l, want) {
		t.Errorf("got %q, want %q", l, want)
	}
	res.StoppedEarly = false
	l = nil
	res.Log(&l)
	if !slices.Equal(l, want[1:]) {
		t.Errorf("not stopped early: got %q, want %q", l, want[1:])
	}
}

func TestShortProgress(t *testing.T) {
	var buf bytes.Buffer
	r := &ShortProgress{Reporter: progress.NewWithOptions(&buf, "x", 2, progress.Options{Mode: progress.Lines}), Show: []string{"ndcg@10", "recall@50"}}
	r.StartEpoch(1, 1)
	r.EndEpoch(1.5, map[string]float64{"ndcg@10": 0.25, "recall@10": 0.5, "hit@10": 0.75})
	r.StartEpoch(2, 1)
	r.EndEpoch(1.25, nil)
	lines := strings.Split(buf.String(), "\n")
	if want := "x: epoch 1/2 loss 1.5000 val ndcg@10 0.2500 recall@50 0.0000 elapsed"; !strings.HasPrefix(lines[0], want) {
		t.Errorf("got %q, want it to start %q (the shown metrics only, 0 for a missing one)", lines[0], want)
	}
	if want := "x: epoch 2/2 loss 1.2500 elapsed"; !strings.HasPrefix(lines[1], want) {
		t.Errorf("got %q, want it to start %q (no val without validation)", lines[1], want)
	}
}

// tinySplit has three users over six movies: train, one validation and
// two test items each.
func tinySplit(t *testing.T) *eval.Split {
	t.Helper()
	s, err := eval.NewSplit([]tables.Sequence{
		{UserID: 1, MovieIDs: []int32{1, 2, 3, 4, 5}, NTrain: 2, NVal: 1, NTest: 2},
		{UserID: 2, MovieIDs: []int32{2, 3, 1, 6, 4}, NTrain: 2, NVal: 1, NTest: 2},
		{UserID: 3, MovieIDs: []int32{3, 1, 2, 5, 6}, NTrain: 2, NVal: 1, NTest: 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEvaluateTestAndRecord(t *testing.T) {
	s := tinySplit(t)
	var asked []string
	// A model that ranks like the popularity baseline scores like it.
	rank := func(target eval.Target, k int) []eval.Ranking {
		asked = append(asked, fmt.Sprintf("%v %d", target, k))
		return eval.Popularity(s, target, k)
	}
	test, err := EvaluateTest(s, rank)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{fmt.Sprintf("%v %d", eval.Test, TopN)}; !slices.Equal(asked, want) {
		t.Errorf("rank asked for %q, want %q (the test part, once)", asked, want)
	}
	if !reflect.DeepEqual(test.Model, test.Popularity) || len(test.Model) == 0 || len(test.ItemKNN) == 0 {
		t.Errorf("got model %v, popularity %v, itemknn %v; want the model's equal to popularity's, all filled", test.Model, test.Popularity, test.ItemKNN)
	}

	rec := runmetrics.Start("test")
	path := filepath.Join(t.TempDir(), "recs.parquet")
	if err := test.WriteRecs(rec, path); err != nil {
		t.Fatal(err)
	}
	recs, err := eval.ReadRecs(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := eval.ToRecs(test.Rankings); !reflect.DeepEqual(recs, want) || rec.Rows["recs"] != int64(len(want)) {
		t.Errorf("recs file has %d rows, rows[recs] = %d, want the %d of the rankings", len(recs), rec.Rows["recs"], len(want))
	}
	if len(rec.Outputs) != 1 || rec.Outputs[0].Path != path {
		t.Errorf("outputs %+v, want the recs file", rec.Outputs)
	}
	test.Record(rec, "model")
	if len(rec.Models) != 3 || !reflect.DeepEqual(rec.Models["model"], map[string]float64(test.Model)) || rec.Models["itemknn"] == nil || rec.Models["popularity"] == nil {
		t.Errorf("models %v, want model, popularity and itemknn", rec.Models)
	}
	if _, ok := rec.Figures["test_seconds"]; !ok {
		t.Errorf("no test_seconds in figures %v", rec.Figures)
	}
}
