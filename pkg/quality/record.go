package quality

import (
	"slices"

	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// StageName is the stage name of quality.json.
const StageName = "quality"

// ValidationName is the metrics file (without .json) of the same study
// on the validation fold (make quality-validation: data_processing.held_out
// validation), where settings are chosen.
const ValidationName = "quality-validation"

// Record fills rec, the record of this invocation, with the plan and the
// summary of the runs: figures.summary holds the rows and the runs,
// figures.reused_runs counts the runs an earlier invocation had finished.
// Its wall time is this invocation's; summary.train_wall_seconds is the
// study's from scratch.
func (p *Plan) Record(rec *runmetrics.Run, results []RunResult) {
	var splits, models []string
	for _, s := range p.Splits {
		splits = append(splits, s.Name)
	}
	for _, m := range p.Models {
		models = append(models, m.Name)
	}
	rec.Params = map[string]any{"splits": splits, "models": models, "seeds": slices.Clone(p.Seeds),
		"params_files": slices.Clone(p.Params), "sets": slices.Clone(p.Sets)}
	reused := 0
	for _, r := range results {
		if r.Reused {
			reused++
		}
	}
	rec.Rows["runs"] = int64(len(results))
	rec.Figures["reused_runs"] = reused
	rec.Figures["summary"] = Summarize(results)
}
