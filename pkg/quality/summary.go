package quality

import (
	"fmt"
	"slices"

	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// Baselines are the reference models every model stage's metrics file
// carries (pkg/trainer), summarised beside the models.
var Baselines = []string{"popularity", "itemknn"}

// RunResult is one finished training run: a model under a split with one
// seed.
type RunResult struct {
	Split       string             `json:"split"`
	Model       string             `json:"model"`
	Seed        int64              `json:"seed"`
	Metrics     string             `json:"metrics"` // the run's metrics file
	BestEpoch   int                `json:"best_epoch"`
	EpochsRun   int                `json:"epochs_run"`
	WallSeconds float64            `json:"wall_seconds"`
	Reused      bool               `json:"reused"` // finished by an earlier invocation
	Val         map[string]float64 `json:"val"`    // the kept epoch's validation metrics
	Test        map[string]float64 `json:"test"`
	// Baselines are the baselines' test metrics from the same file.
	Baselines map[string]map[string]float64 `json:"-"`
}

// ReadRun reads a run's metrics file: the test metrics of model (its key
// in the file's models), the baselines' and the kept epoch's validation
// metrics (figures.best_val).
func ReadRun(path, split, model string, seed int64) (*RunResult, error) {
	f, err := runmetrics.Read(path)
	if err != nil {
		return nil, err
	}
	r := &RunResult{Split: split, Model: model, Seed: seed, Metrics: path, WallSeconds: f.WallSeconds,
		Test: f.Models[model], Baselines: map[string]map[string]float64{}}
	if r.Test == nil {
		return nil, fmt.Errorf("%s: no test metrics for model %q", path, model)
	}
	for _, b := range Baselines {
		if m, ok := f.Models[b]; ok {
			r.Baselines[b] = m
		}
	}
	if v, ok := f.Figures["best_val"].(map[string]any); ok {
		r.Val = map[string]float64{}
		for k, x := range v {
			if x, ok := x.(float64); ok {
				r.Val[k] = x
			}
		}
	}
	r.BestEpoch = intFigure(f.Figures["best_epoch"])
	r.EpochsRun = intFigure(f.Figures["epochs_run"])
	return r, nil
}

func intFigure(v any) int {
	if x, ok := v.(float64); ok {
		return int(x)
	}
	return 0
}

// Row is one model under one split, over the seeds.
type Row struct {
	Split string          `json:"split"`
	Model string          `json:"model"`
	Seeds []int64         `json:"seeds"`
	Val   map[string]Stat `json:"val,omitempty"` // nil for a baseline (it has no validation)
	Test  map[string]Stat `json:"test"`
	// BestEpoch and WallSeconds are per run; zero for a baseline.
	BestEpoch   Stat `json:"best_epoch"`
	WallSeconds Stat `json:"wall_seconds"`
	// Baseline marks popularity and item-KNN rows: their figures do not
	// depend on the seed, so their sd is 0 up to rounding.
	Baseline bool `json:"baseline,omitempty"`
}

// Summary is the content of quality.json's figures.
type Summary struct {
	Rows []Row       `json:"rows"`
	Runs []RunResult `json:"runs"`
	// TrainWallSeconds is the sum of the runs' wall times: what the study
	// costs from scratch, whatever an invocation reused.
	TrainWallSeconds float64 `json:"train_wall_seconds"`
}

// Summarize groups the runs by split and model, in the order they come,
// and adds after each split's models a row per baseline (taken from all
// the split's runs).
func Summarize(runs []RunResult) *Summary {
	s := &Summary{Runs: runs}
	var splits []string
	for _, r := range runs {
		if !slices.Contains(splits, r.Split) {
			splits = append(splits, r.Split)
		}
		s.TrainWallSeconds += r.WallSeconds
	}
	for _, split := range splits {
		var models []string
		for _, r := range runs {
			if r.Split == split && !slices.Contains(models, r.Model) {
				models = append(models, r.Model)
			}
		}
		for _, model := range models {
			row := Row{Split: split, Model: model}
			var val, test []map[string]float64
			var best, wall []float64
			for _, r := range runs {
				if r.Split != split || r.Model != model {
					continue
				}
				row.Seeds = append(row.Seeds, r.Seed)
				val, test = append(val, r.Val), append(test, r.Test)
				best, wall = append(best, float64(r.BestEpoch)), append(wall, r.WallSeconds)
			}
			row.Val, row.Test = Stats(val), Stats(test)
			row.BestEpoch, row.WallSeconds = NewStat(best), NewStat(wall)
			s.Rows = append(s.Rows, row)
		}
		for _, b := range Baselines {
			row := Row{Split: split, Model: b, Baseline: true}
			var test []map[string]float64
			for _, r := range runs {
				if m, ok := r.Baselines[b]; ok && r.Split == split {
					row.Seeds = append(row.Seeds, r.Seed)
					test = append(test, m)
				}
			}
			if len(test) > 0 {
				row.Test = Stats(test)
				s.Rows = append(s.Rows, row)
			}
		}
	}
	return s
}
