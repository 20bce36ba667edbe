package runmetrics

import "github.com/moviegenie/pipeline/pkg/params"

// SetParams records the stage's params section exactly as given (after
// overrides) and its hash. Stages must record the raw section, not a
// decoded struct with defaults filled in: the Makefile compares it with the
// current params.yaml to decide whether the stage must rerun.
func (r *Run) SetParams(p *params.Params, section string) {
	r.Params = p.Section(section)
	if r.Params == nil {
		r.Params = map[string]any{}
	}
	r.ParamsHash = p.Hash(section)
}
