package monitor

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/moviegenie/pipeline/pkg/progress"
)

// ModelMetrics are the metric columns of the model table, in order; a
// column shows when at least one model has it.
var ModelMetrics = []string{"recall@10", "ndcg@10", "hit@10", "mrr@10", "next_hit@10", "recall@50", "recall@100"}

// Baseline is the model every other one is read against.
const Baseline = "popularity"

// Dataset returns the dataset the process stage of s read (its metrics'
// figures.dataset), or "" when s does not record one.
func Dataset(s *Snapshot) string {
	for _, st := range s.Stages {
		if st.OK() && st.Name == "process" {
			if d, ok := st.File.Figures["dataset"].(string); ok && d != "" {
				return d
			}
		}
	}
	return ""
}

// datasetNote names the dataset of s, so that a table says which data its
// figures are from.
func datasetNote(s *Snapshot) string {
	if d := Dataset(s); d != "" {
		return ", dataset " + d
	}
	return ""
}

// StageTable has one row per stage: costs, params hash, checks and status.
func StageTable(s *Snapshot) *Table {
	t := &Table{
		Title:  "Stages" + datasetNote(s),
		Header: []string{"stage", "wall", "cpu", "peak mem", "params", "checks", "finished (UTC)", "status"},
		Right:  []bool{false, true, true, true, false, false, false, false},
	}
	var failed []string
	for _, st := range s.Stages {
		if !st.OK() {
			t.Rows = append(t.Rows, []string{st.Name, "", "", "", "", "", "", st.Status()})
			continue
		}
		f := st.File
		checks := ""
		if n := len(f.Checks); n > 0 {
			pass := 0
			for _, c := range f.Checks {
				if c.Passed {
					pass++
				} else {
					failed = append(failed, fmt.Sprintf("%s: %s %s", st.Name, c.Name, c.Detail))
				}
			}
			checks = fmt.Sprintf("%d/%d passed", pass, n)
		}
		t.Rows = append(t.Rows, []string{
			st.Name,
			seconds(f.WallSeconds),
			seconds(f.CPUSeconds),
			Bytes(f.PeakRSSBytes),
			short(f.ParamsHash),
			checks,
			finished(f.FinishedAt),
			st.Status(),
		})
	}
	if len(failed) > 0 {
		t.Note = "FAILED checks:\n  " + strings.Join(failed, "\n  ")
	}
	return t
}

// RowsTable lists the row counts each stage reports.
func RowsTable(s *Snapshot) *Table {
	t := &Table{Title: "Rows", Header: []string{"stage", "table", "rows"}, Right: []bool{false, false, true}}
	for _, st := range s.Stages {
		if !st.OK() {
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(st.File.Rows)) {
			t.Rows = append(t.Rows, []string{st.Name, k, fmt.Sprint(st.File.Rows[k])})
		}
	}
	if len(t.Rows) == 0 {
		t.Note = "(no row counts yet)"
	}
	return t
}

// ModelRow is one model's test metrics. Identical rows from several
// stages (the popularity baseline every model stage carries) are merged.
type ModelRow struct {
	Model   string             `json:"model"`
	Stages  []string           `json:"stages"`
	Metrics map[string]float64 `json:"metrics"`
	// VsBaseline is ndcg@10 relative to the popularity baseline of the
	// same file, in percent; nil for the baseline itself or when either
	// number is missing.
	VsBaseline *float64 `json:"ndcg10_vs_popularity_pct,omitempty"`
}

// Models collects the model rows of a snapshot: the baseline first, then
// the other models in stage order.
func Models(s *Snapshot) []ModelRow {
	var rows []ModelRow
	for _, st := range s.Stages {
		if !st.OK() {
			continue
		}
		names := slices.Sorted(maps.Keys(st.File.Models))
		for _, name := range names {
			m := st.File.Models[name]
			merged := false
			for i := range rows {
				if rows[i].Model == name && maps.Equal(rows[i].Metrics, m) {
					rows[i].Stages = append(rows[i].Stages, st.Name)
					merged = true
					break
				}
			}
			if merged {
				continue
			}
			row := ModelRow{Model: name, Stages: []string{st.Name}, Metrics: m}
			if base, ok := st.File.Models[Baseline]; ok && name != Baseline {
				if b, ok1 := base["ndcg@10"]; ok1 && b != 0 {
					if v, ok2 := m["ndcg@10"]; ok2 {
						pct := 100 * (v - b) / b
						row.VsBaseline = &pct
					}
				}
			}
			rows = append(rows, row)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		return rows[i].Model == Baseline && rows[j].Model != Baseline
	})
	return rows
}

// metricColumns are the ModelMetrics that some row has.
func metricColumns(rows []ModelRow) []string {
	var cols []string
	for _, m := range ModelMetrics {
		for _, r := range rows {
			if _, ok := r.Metrics[m]; ok {
				cols = append(cols, m)
				break
			}
		}
	}
	return cols
}

// ModelTable lays the models side by side: one row per model, one column
// per metric, and ndcg@10 against the popularity baseline.
func ModelTable(s *Snapshot) *Table {
	rows := Models(s)
	cols := metricColumns(rows)
	t := &Table{Title: "Models, test split", Header: append(append([]string{"model", "from"}, cols...), "ndcg@10 vs popularity")}
	t.Right = make([]bool, len(t.Header))
	for i := 2; i < len(t.Right); i++ {
		t.Right[i] = true
	}
	for _, r := range rows {
		cells := []string{r.Model, strings.Join(r.Stages, ", ")}
		for _, c := range cols {
			if v, ok := r.Metrics[c]; ok {
				cells = append(cells, fmt.Sprintf("%.4f", v))
			} else {
				cells = append(cells, "-")
			}
		}
		if r.VsBaseline != nil {
			cells = append(cells, fmt.Sprintf("%+.1f%%", *r.VsBaseline))
		} else {
			cells = append(cells, "")
		}
		t.Rows = append(t.Rows, cells)
	}
	if len(rows) == 0 {
		t.Note = "(no model metrics yet)"
	}
	return t
}

// CurveSummary is what a training curve comes to.
type CurveSummary struct {
	Stage     string  `json:"stage"`
	Epochs    int     `json:"epochs"`
	Metric    string  `json:"metric"`     // validation metric used to pick the best epoch
	BestEpoch int     `json:"best_epoch"` // 0 when there is no validation metric
	BestValue float64 `json:"best_value"`
	FirstLoss float64 `json:"first_train_loss"`
	LastLoss  float64 `json:"last_train_loss"`
	MeanEpoch float64 `json:"mean_epoch_seconds"`
}

// Curves summarises the training curve of every stage that has one. The
// best epoch is the one the stage kept, on the metric it selects on: its
// figures best_epoch and select_metric (Two-Tower keeps the epoch of best
// validation recall@50, not of best ndcg@10). A stage that records
// neither is taken to select on ndcg@10 (BERT4Rec), or without it the
// first validation metric by name, and its best epoch is that metric's
// highest.
func Curves(s *Snapshot) []CurveSummary {
	var out []CurveSummary
	for _, st := range s.Stages {
		if !st.OK() || len(st.File.Curve) == 0 {
			continue
		}
		c := st.File.Curve
		sum := CurveSummary{Stage: st.Name, Epochs: len(c), FirstLoss: c[0].TrainLoss, LastLoss: c[len(c)-1].TrainLoss}
		sum.Metric = valMetric(c[len(c)-1].Val)
		if m, ok := st.File.Figures["select_metric"].(string); ok {
			if _, has := c[len(c)-1].Val[m]; has {
				sum.Metric = m
			}
		}
		kept := 0.0
		switch v := st.File.Figures["best_epoch"].(type) {
		case float64: // as decoded from JSON
			kept = v
		case int:
			kept = float64(v)
		}
		best := math.Inf(-1)
		for _, e := range c {
			sum.MeanEpoch += e.Seconds / float64(len(c))
			v, ok := e.Val[sum.Metric]
			switch {
			case !ok:
			case kept > 0 && e.Epoch == int(kept):
				sum.BestEpoch, sum.BestValue, best = e.Epoch, v, math.Inf(1)
			case kept <= 0 && v > best:
				best, sum.BestEpoch, sum.BestValue = v, e.Epoch, v
			}
		}
		out = append(out, sum)
	}
	return out
}

// valMetric picks the validation metric to follow: ndcg@10 if present,
// else the first by name, else "".
func valMetric(val map[string]float64) string {
	if _, ok := val["ndcg@10"]; ok {
		return "ndcg@10"
	}
	keys := slices.Sorted(maps.Keys(val))
	if len(keys) == 0 {
		return ""
	}
	return keys[0]
}

// CurveTable lays out Curves.
func CurveTable(s *Snapshot) *Table {
	t := &Table{
		Title:  "Training",
		Header: []string{"stage", "epochs", "best epoch", "best val", "train loss first → last", "per epoch"},
		Right:  []bool{false, true, true, true, true, true},
	}
	for _, c := range Curves(s) {
		best := ""
		if c.Metric != "" {
			best = fmt.Sprintf("%s %.4f", c.Metric, c.BestValue)
		}
		t.Rows = append(t.Rows, []string{c.Stage, fmt.Sprint(c.Epochs), fmt.Sprint(c.BestEpoch), best,
			fmt.Sprintf("%.4f → %.4f", c.FirstLoss, c.LastLoss), seconds(c.MeanEpoch)})
	}
	if len(t.Rows) == 0 {
		t.Note = "(no training curves yet)"
	}
	return t
}

// ChecksTable lists every data-validation check.
func ChecksTable(s *Snapshot) *Table {
	t := &Table{Title: "Checks", Header: []string{"stage", "check", "result", "detail"}}
	for _, st := range s.Stages {
		if !st.OK() {
			continue
		}
		for _, c := range st.File.Checks {
			res := "passed"
			if !c.Passed {
				res = "FAILED"
			}
			t.Rows = append(t.Rows, []string{st.Name, c.Name, res, c.Detail})
		}
	}
	return t
}

// StageSummary is one stage in the JSON form of `pipeline metrics`.
type StageSummary struct {
	Name         string           `json:"name"`
	Path         string           `json:"path"`
	Status       string           `json:"status"`
	Stage        string           `json:"stage,omitempty"`
	FinishedAt   string           `json:"finished_at,omitempty"`
	WallSeconds  float64          `json:"wall_seconds,omitempty"`
	CPUSeconds   float64          `json:"cpu_seconds,omitempty"`
	PeakRSSBytes int64            `json:"peak_rss_bytes,omitempty"`
	ParamsHash   string           `json:"params_hash,omitempty"`
	Rows         map[string]int64 `json:"rows,omitempty"`
	ChecksPassed int              `json:"checks_passed"`
	ChecksFailed int              `json:"checks_failed"`
}

// Summary is the JSON form of `pipeline metrics`.
type Summary struct {
	Label  string         `json:"label"`
	Stages []StageSummary `json:"stages"`
	Models []ModelRow     `json:"models"`
	Curves []CurveSummary `json:"curves"`
}

// Summarize gathers a snapshot's tables as one value for JSON output.
func Summarize(s *Snapshot) Summary {
	sum := Summary{Label: s.Label, Models: Models(s), Curves: Curves(s)}
	if sum.Models == nil {
		sum.Models = []ModelRow{}
	}
	if sum.Curves == nil {
		sum.Curves = []CurveSummary{}
	}
	for _, st := range s.Stages {
		ss := StageSummary{Name: st.Name, Path: st.Path, Status: st.Status()}
		if f := st.File; f != nil {
			ss.Stage, ss.FinishedAt, ss.ParamsHash = f.Stage, f.FinishedAt, f.ParamsHash
			ss.WallSeconds, ss.CPUSeconds, ss.PeakRSSBytes, ss.Rows = f.WallSeconds, f.CPUSeconds, f.PeakRSSBytes, f.Rows
			for _, c := range f.Checks {
				if c.Passed {
					ss.ChecksPassed++
				} else {
					ss.ChecksFailed++
				}
			}
		}
		sum.Stages = append(sum.Stages, ss)
	}
	return sum
}

// Bytes formats a byte count in binary units ("179.2 MiB").
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n), -1
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTP"[i])
}

func seconds(s float64) string {
	return progress.Duration(time.Duration(s * float64(time.Second)))
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

// finished shows an RFC 3339 time as "2006-01-02 15:04:05".
func finished(ts string) string {
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return ts
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}
