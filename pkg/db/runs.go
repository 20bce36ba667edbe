package db

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// ownStage is the stage name of this package's own metrics file, which
// describes the previous build and is not loaded.
const ownStage = "dbsetup"

// runMetrics is the part of a metrics file kept in pipeline_runs.metrics.
type runMetrics struct {
	Rows   map[string]int64              `json:"rows"`
	Models map[string]map[string]float64 `json:"models"`
	Checks []runmetrics.Check            `json:"checks"`
}

// foreignMetrics reports whether path holds well-formed JSON that is not a
// pipeline metrics file: a custom stage's own figures (any JSON without a
// "stage" string). Those are left out of pipeline_runs; damaged files (bad
// JSON) still fail the build.
func foreignMetrics(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil || !json.Valid(data) {
		return false
	}
	var head struct {
		Stage any `json:"stage"`
	}
	if json.Unmarshal(data, &head) != nil {
		return true // JSON, but not an object
	}
	s, ok := head.Stage.(string)
	return !ok || s == ""
}

// datasetOf returns the dataset the process stage's metrics file among
// files names (its figures.dataset), or nil (NULL) when there is none. The
// stages after process record only their own params section, but all of
// them read what process wrote from that dataset.
func datasetOf(files []string) any {
	for _, path := range files {
		if foreignMetrics(path) {
			continue
		}
		f, err := runmetrics.Read(path)
		if err != nil || f.Stage != "process" {
			continue // a bad file fails the build in loadRuns
		}
		if d, ok := f.Figures["dataset"].(string); ok && d != "" {
			return d
		}
	}
	return nil
}

// loadRuns fills pipeline_runs from the metrics files, then links each
// model to the run whose outputs include its recommendations or vectors
// file (by checksum).
func (b *builder) loadRuns(files []string) error {
	b.want["pipeline_runs"] = 0
	stmt, err := b.tx.PrepareContext(b.ctx, `INSERT INTO pipeline_runs (stage, params_hash, params, inputs, outputs,
		started_at, finished_at, wall_seconds, cpu_seconds, peak_rss_bytes, metrics, source_file, source_sha256, dataset)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("prepare pipeline_runs insert: %w", err)
	}
	defer stmt.Close()
	dataset := datasetOf(files)
	seen := map[string]string{}
	for _, path := range files {
		if filepath.Base(path) == ownStage+".json" {
			continue // this stage's own file, about to be replaced, read or not
		}
		if foreignMetrics(path) {
			b.logf("%s is not a pipeline metrics file (no \"stage\" field): not loaded into pipeline_runs", path)
			continue
		}
		f, err := runmetrics.Read(path)
		if err != nil {
			return fmt.Errorf("read metrics: %w", err) // Read names the file
		}
		if f.Stage == ownStage {
			continue
		}
		if prev, dup := seen[f.Stage]; dup {
			return fmt.Errorf("%s: stage %q is also recorded by %s; keep one metrics file per stage", path, f.Stage, prev)
		}
		seen[f.Stage] = path
		fi, err := b.addInput(path)
		if err != nil {
			return err
		}
		enc := func(v any) (string, error) {
			data, err := json.Marshal(v)
			if err != nil {
				return "", fmt.Errorf("%s: encode: %w", path, err)
			}
			return string(data), nil
		}
		params, inputs, outputs, metrics := f.Params, f.Inputs, f.Outputs, runMetrics{Rows: f.Rows, Models: f.Models, Checks: f.Checks}
		if params == nil {
			params = map[string]any{}
		}
		if inputs == nil {
			inputs = []runmetrics.FileInfo{}
		}
		if outputs == nil {
			outputs = []runmetrics.FileInfo{}
		}
		var js [4]string
		for i, v := range []any{params, inputs, outputs, metrics} {
			if js[i], err = enc(v); err != nil {
				return err
			}
		}
		if _, err := stmt.ExecContext(b.ctx, f.Stage, f.ParamsHash, js[0], js[1], js[2], f.StartedAt, f.FinishedAt,
			f.WallSeconds, f.CPUSeconds, f.PeakRSSBytes, js[3], path, fi.SHA256, dataset); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		b.want["pipeline_runs"]++
	}
	_, err = b.tx.ExecContext(b.ctx, `UPDATE models SET run_stage = (
		SELECT r.stage FROM pipeline_runs r, json_each(r.outputs) o
		WHERE json_extract(o.value, '$.sha256') IN (models.recs_sha256, models.vectors_sha256)
		ORDER BY r.finished_at DESC LIMIT 1)`)
	if err != nil {
		return fmt.Errorf("link models to pipeline runs: %w", err)
	}
	return nil
}
