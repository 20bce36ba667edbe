package db

import (
	"context"

	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// StageName is the name of the database stage (metrics, logs).
const StageName = "dbsetup"

// Stage is one run of the dbsetup stage: where its inputs and outputs are,
// and its params.
type Stage struct {
	Processed  string // data/processed: the six tables (required)
	Recs       string // data/recs: <model>.parquet (missing = none)
	Vectors    string // data/vectors: <model>_movies.parquet (missing = none)
	Features   string // data/features: text_embeddings.parquet (optional)
	MetricsDir string // metrics: the stages' metrics files, for pipeline_runs
	DB         string // the database file, replaced atomically
	Metrics    string // metrics/dbsetup.json, written last

	Params *params.Params // the whole tree; its database section is recorded in the metrics
	Opt    Options        // the database section, decoded
	Logf   func(format string, args ...any)
}

// Run builds the database (Build) and then writes the metrics file. ctx
// cancels the build, leaving the previous database as it was.
func (st *Stage) Run(ctx context.Context) error {
	logf := st.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	rec := runmetrics.Start(StageName)
	rec.SetParams(st.Params, ParamsSection)
	in, err := FindInputs(st.Processed, st.Recs, st.Vectors, st.Features, st.MetricsDir)
	if err != nil {
		return err
	}
	res, err := Build(ctx, st.DB, in, st.Opt, logf)
	if err != nil {
		return err
	}
	logf("wrote %s in %.3fs: %d movies, %d users, %d ratings, %d recommendations, %d movie vectors, models %v",
		st.DB, res.Timings["total"], res.Rows["movies"], res.Rows["users"], res.Rows["ratings"],
		res.Rows["recommendations"], res.Rows["movie_embeddings"], res.Models)

	rec.Inputs = res.Inputs
	rec.Rows = res.Rows
	rec.Checks = res.Checks
	rec.Figures["seconds"] = res.Timings
	rec.Figures["models"] = res.Models
	if err := rec.AddOutput(st.DB); err != nil {
		return err
	}
	return rec.Finish(st.Metrics)
}
