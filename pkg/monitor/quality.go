package monitor

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/moviegenie/pipeline/pkg/quality"
)

// QualityMetrics are the columns of the quality table: the validation
// metric that picks the epoch, then the test metrics.
var QualityMetrics = []string{"ndcg@10", "recall@10", "hit@10", "recall@50", "recall@100"}

// QualityTable shows metrics/quality.json (`make quality`): every model
// and baseline per split as mean ± sd over the seeds. It is nil when the
// snapshot has no quality file.
func QualityTable(s *Snapshot) *Table {
	return qualityTable(s, quality.StageName, "Quality over seeds (mean ± sd; make quality)", "test metrics")
}

// QualityValidationTable shows metrics/quality-validation.json (`make
// quality-validation`): the same study with data_processing.held_out
// validation, whose "test" figures are the validation fold's. Nil when the
// snapshot has no such file.
func QualityValidationTable(s *Snapshot) *Table {
	return qualityTable(s, quality.ValidationName,
		"Quality over seeds on the validation fold (mean ± sd; make quality-validation)", "validation-fold metrics (test parts removed)")
}

func qualityTable(s *Snapshot, file, title, what string) *Table {
	st := s.Stage(file)
	if st == nil || st.Missing {
		return nil
	}
	t := &Table{Title: title,
		Header: append(append([]string{"split", "model", "runs", "val ndcg@10"}, QualityMetrics...), "wall/run")}
	t.Right = make([]bool, len(t.Header))
	for i := 2; i < len(t.Right); i++ {
		t.Right[i] = true
	}
	sum, err := qualitySummary(st)
	if err != nil {
		t.Note = fmt.Sprintf("%s: %v", st.Path, err)
		return t
	}
	for _, r := range sum.Rows {
		cells := []string{r.Split, r.Model, fmt.Sprint(len(r.Seeds)), meanSD(r.Val, "ndcg@10")}
		for _, m := range QualityMetrics {
			cells = append(cells, meanSD(r.Test, m))
		}
		wall := ""
		if !r.Baseline {
			wall = seconds(r.WallSeconds.Mean)
		}
		t.Rows = append(t.Rows, append(cells, wall))
	}
	t.Note = fmt.Sprintf("%s except \"val\"; training from scratch %s, this invocation %s",
		what, seconds(sum.TrainWallSeconds), seconds(st.File.WallSeconds))
	return t
}

// qualitySummary decodes figures.summary of a quality file.
func qualitySummary(st *Stage) (*quality.Summary, error) {
	if !st.OK() {
		return nil, st.Err
	}
	raw, ok := st.File.Figures["summary"]
	if !ok {
		return nil, fmt.Errorf("no figures.summary")
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	var sum quality.Summary
	if err := json.Unmarshal(data, &sum); err != nil {
		return nil, fmt.Errorf("figures.summary: %w", err)
	}
	return &sum, nil
}

// meanSD formats a metric's mean ± sd, "-" when absent.
func meanSD(m map[string]quality.Stat, key string) string {
	s, ok := m[key]
	if !ok || s.N == 0 {
		return "-"
	}
	return strings.TrimSpace(fmt.Sprintf("%.4f ± %.4f", s.Mean, s.SD))
}
