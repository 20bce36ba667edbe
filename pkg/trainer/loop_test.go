package trainer

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// model is a stand-in whose two weight buffers say which epoch last
// trained them (every weight = the epoch in a, minus the epoch in b).
type model struct{ a, b []float32 }

func (m *model) train(epoch int) {
	for i := range m.a {
		m.a[i] = float32(epoch)
	}
	for i := range m.b {
		m.b[i] = -float32(epoch)
	}
}

// epochOf returns the epoch the weights come from, or -1 if the two
// buffers disagree.
func (m *model) epochOf() int {
	e := int(m.a[0])
	for _, x := range m.a {
		if int(x) != e {
			return -1
		}
	}
	for _, x := range m.b {
		if int(-x) != e {
			return -1
		}
	}
	return e
}

// scripted returns a Validate hook whose SelectMetric ("score") after
// epoch e is scores[e-1], and the list of the epochs it was called after.
func scripted(scores ...float64) (func(m *model) (map[string]float64, error), *[]int) {
	var validated []int
	return func(m *model) (map[string]float64, error) {
		e := m.epochOf()
		validated = append(validated, e)
		return map[string]float64{"score": scores[e-1], "other": 1}, nil
	}, &validated
}

// newLoop returns a Loop over a fresh model, with 3 steps an epoch.
func newLoop(epochs, evalEvery, patience int, validate func(m *model) (map[string]float64, error)) *Loop[*model] {
	m := &model{a: make([]float32, 3), b: make([]float32, 2)}
	return &Loop[*model]{Model: m, Options: Options[*model]{Validate: validate},
		Epochs: epochs, EvalEvery: evalEvery, Patience: patience, SelectMetric: "score",
		StepsPerEpoch: 3, Weights: [][]float32{m.a, m.b}}
}

// trainEpoch trains l's model one epoch, with loss 10/epoch and learning
// rate epoch/100.
func trainEpoch(l *Loop[*model]) EpochFunc {
	return func(epoch int, rep Reporter) (float64, float64, error) {
		l.Model.train(epoch)
		return 10 / float64(epoch), float64(epoch) / 100, nil
	}
}

func TestLoopKeepsBestEpochAndStopsOnPatience(t *testing.T) {
	for _, tc := range []struct {
		name                string
		epochs, patience    int
		scores              []float64
		wantBest, wantRun   int
		wantEarly           bool
		wantValidatedEpochs []int
	}{
		{"improves to the end", 4, 2, []float64{0.1, 0.2, 0.3, 0.4}, 4, 4, false, []int{1, 2, 3, 4}},
		{"peak then patience", 10, 2, []float64{0.1, 0.2, 0.5, 0.3, 0.4, 0.6}, 3, 5, true, []int{1, 2, 3, 4, 5}},
		{"a tie keeps the earlier epoch", 10, 2, []float64{0.3, 0.3, 0.3}, 1, 3, true, []int{1, 2, 3}},
		{"patience runs out on the last epoch", 3, 2, []float64{0.5, 0.1, 0.2}, 1, 3, false, []int{1, 2, 3}},
		{"no patience runs every epoch", 4, 0, []float64{0.5, 0.1, 0.2, 0.3}, 1, 4, false, []int{1, 2, 3, 4}},
		{"patience 1 stops at the first epoch without gain", 6, 1, []float64{0.1, 0.2, 0.1, 0.9}, 2, 3, true, []int{1, 2, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			validate, validated := scripted(tc.scores...)
			l := newLoop(tc.epochs, 1, tc.patience, validate)
			res, err := l.Run(trainEpoch(l))
			if err != nil {
				t.Fatal(err)
			}
			if res.BestEpoch != tc.wantBest || len(res.Curve) != tc.wantRun || res.StoppedEarly != tc.wantEarly {
				t.Fatalf("got best epoch %d after %d epochs (stopped early %v), want %d after %d (%v)",
					res.BestEpoch, len(res.Curve), res.StoppedEarly, tc.wantBest, tc.wantRun, tc.wantEarly)
			}
			if got := l.Model.epochOf(); got != tc.wantBest {
				t.Errorf("the model holds the weights of epoch %d, want %d (the best)", got, tc.wantBest)
			}
			if got := res.BestVal["score"]; got != tc.scores[tc.wantBest-1] {
				t.Errorf("BestVal score %g, want %g", got, tc.scores[tc.wantBest-1])
			}
			if !slices.Equal(*validated, tc.wantValidatedEpochs) {
				t.Errorf("validated after epochs %v, want %v", *validated, tc.wantValidatedEpochs)
			}
			if res.Steps != 3*tc.wantRun || res.StepsPerEpoch != 3 || res.SelectMetric != "score" {
				t.Errorf("got %d steps (%d per epoch), select metric %q; want %d (3), score", res.Steps, res.StepsPerEpoch, res.SelectMetric, 3*tc.wantRun)
			}
			for i, e := range res.Curve {
				if e.Epoch != i+1 || e.Loss != 10/float64(i+1) || e.LR != float64(i+1)/100 || e.Val["score"] != tc.scores[i] {
					t.Errorf("curve[%d] = %+v, want epoch %d loss %g lr %g score %g", i, e, i+1, 10/float64(i+1), float64(i+1)/100, tc.scores[i])
				}
			}
		})
	}
}

func TestLoopEvalEvery(t *testing.T) {
	for _, tc := range []struct {
		epochs, every int
		want          []int
	}{
		{5, 2, []int{2, 4, 5}}, // and after the last
		{6, 3, []int{3, 6}},
		{3, 1, []int{1, 2, 3}},
		{3, 0, []int{1, 2, 3}}, // 0 counts as 1
		{2, 5, []int{2}},
	} {
		t.Run(fmt.Sprintf("epochs=%d,every=%d", tc.epochs, tc.every), func(t *testing.T) {
			validate, validated := scripted(0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
			l := newLoop(tc.epochs, tc.every, 0, validate)
			res, err := l.Run(trainEpoch(l))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(*validated, tc.want) {
				t.Fatalf("validated after epochs %v, want %v", *validated, tc.want)
			}
			for _, e := range res.Curve {
				if v := slices.Contains(tc.want, e.Epoch); v != (e.Val != nil) || !v && e.ValSeconds != 0 {
					t.Errorf("epoch %d: Val %v ValSeconds %g, want validated %v", e.Epoch, e.Val, e.ValSeconds, v)
				}
			}
			if last := tc.want[len(tc.want)-1]; res.BestEpoch != last || l.Model.epochOf() != last {
				t.Errorf("best epoch %d, weights of %d; want %d", res.BestEpoch, l.Model.epochOf(), last)
			}
		})
	}
}

// TestLoopPatienceWaitsForValidation: patience counts from the best
// validated epoch, never from the start, so a patience below eval_every
// cannot stop a run before anything is validated.
func TestLoopPatienceWaitsForValidation(t *testing.T) {
	validate, validated := scripted(0.1, 0.2, 0.3, 0.4)
	l := newLoop(6, 2, 1, validate)
	res, err := l.Run(trainEpoch(l))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Curve) != 3 || !res.StoppedEarly || res.BestEpoch != 2 || len(*validated) != 1 || l.Model.epochOf() != 2 {
		t.Fatalf("got %d epochs (stopped early %v), best %d, validated after %v, weights of %d; want 3 (true), best 2, validated after epoch 2, its weights",
			len(res.Curve), res.StoppedEarly, res.BestEpoch, *validated, l.Model.epochOf())
	}
}

func TestLoopWithoutValidationKeepsLastEpoch(t *testing.T) {
	l := newLoop(3, 1, 1, nil) // patience needs validation: ignored
	res, err := l.Run(trainEpoch(l))
	if err != nil {
		t.Fatal(err)
	}
	if res.BestEpoch != 3 || len(res.Curve) != 3 || res.StoppedEarly || res.BestVal != nil || l.Model.epochOf() != 3 {
		t.Fatalf("got best epoch %d after %d epochs (stopped early %v, best val %v, weights of %d), want 3 after 3, the last epoch's weights",
			res.BestEpoch, len(res.Curve), res.StoppedEarly, res.BestVal, l.Model.epochOf())
	}
}

func TestLoopErrors(t *testing.T) {
	bad := errors.New("bad")
	t.Run("validate fails", func(t *testing.T) {
		l := newLoop(3, 1, 0, func(m *model) (map[string]float64, error) {
			if m.epochOf() == 2 {
				return nil, bad
			}
			return map[string]float64{"score": 1}, nil
		})
		_, err := l.Run(trainEpoch(l))
		if !errors.Is(err, bad) || !strings.Contains(err.Error(), "validate epoch 2") {
			t.Fatalf("got %v, want the validation error of epoch 2", err)
		}
	})
	t.Run("no select metric", func(t *testing.T) {
		l := newLoop(3, 1, 0, func(m *model) (map[string]float64, error) { return map[string]float64{"other": 1}, nil })
		_, err := l.Run(trainEpoch(l))
		if err == nil || !strings.Contains(err.Error(), "validate epoch 1: no score") {
			t.Fatalf("got %v, want an error naming the missing select metric", err)
		}
	})
	t.Run("training fails", func(t *testing.T) {
		l := newLoop(3, 1, 0, nil)
		var epochs []int
		_, err := l.Run(func(epoch int, rep Reporter) (float64, float64, error) {
			epochs = append(epochs, epoch)
			if epoch == 2 {
				return 0, 0, bad
			}
			return 1, 0, nil
		})
		if err != bad || !slices.Equal(epochs, []int{1, 2}) {
			t.Fatalf("got %v after epochs %v, want the training error as it is, after epochs [1 2]", err, epochs)
		}
	})
}

// recorder is a Reporter that writes down its calls.
type recorder struct{ calls []string }

func (r *recorder) StartEpoch(epoch, batches int) {
	r.calls = append(r.calls, fmt.Sprintf("start %d/%d", epoch, batches))
}
func (r *recorder) Batch(j int, loss float64) {
	r.calls = append(r.calls, fmt.Sprintf("batch %d %g", j, loss))
}
func (r *recorder) EndEpoch(loss float64, val map[string]float64) {
	r.calls = append(r.calls, fmt.Sprintf("end %g %v", loss, val))
}

func TestLoopReportsProgress(t *testing.T) {
	validate, _ := scripted(0.5, 0.25)
	l := newLoop(2, 2, 0, validate)
	rec := &recorder{}
	l.Options.Progress = rec
	train := func(epoch int, rep Reporter) (float64, float64, error) {
		l.Model.train(epoch)
		rep.Batch(1, float64(epoch))
		return float64(epoch), 0, nil
	}
	if _, err := l.Run(train); err != nil {
		t.Fatal(err)
	}
	want := []string{"start 1/3", "batch 1 1", "end 1 map[]", "start 2/3", "batch 1 2", "end 2 map[other:1 score:0.25]"}
	if !slices.Equal(rec.calls, want) {
		t.Errorf("got calls %q, want %q", rec.calls, want)
	}
	// Without a Reporter, the epoch still gets one to call.
	l = newLoop(1, 1, 0, nil)
	if _, err := l.Run(train); err != nil {
		t.Fatal(err)
	}
}
