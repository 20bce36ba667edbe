// Dbsetup builds the SQLite database the Movie Genie application serves
// from, out of the pipeline's outputs.
//
// Usage:
//
//	dbsetup [--processed DIR] [--recs DIR] [--vectors DIR] [--features DIR]
//	        [--metrics-dir DIR] [--db FILE] [--metrics FILE]
//	        [--params FILE]... [--set key=value]...
//
// It reads data/processed/{genres,occupations,movies,users,ratings}.parquet
// (all required), every --recs DIR/<model>.parquet (a model's top-N
// recommendations), every --vectors DIR/<model>_movies.parquet (a model's
// movie vectors), --features DIR/text_embeddings.parquet if present (served
// as the movie vectors of model "text"), and every --metrics-dir DIR/*.json
// except its own (the pipeline_runs table). docs/database.md describes the
// tables and gives example queries.
//
// The database is built in a temporary file next to --db, verified (SQLite
// integrity and foreign-key checks, row counts against the inputs) and then
// renamed over --db: a failed, interrupted or killed run leaves the previous
// database as it was. Bad input (a missing file, a rating or recommendation
// naming an unknown movie or user, a value out of range) fails with a
// message naming the file and row. metrics/dbsetup.json (row counts per
// table, timings, peak memory, input checksums) is written last.
//
// Parameters (params.yaml section database, optional):
//
//	favourite_genres: 3   # genres kept in user_stats.favourite_genres
//	liked_rating: 4       # lowest rating that counts as liking a movie
//
// Exit status: 0 success, 1 bad data or runtime error, 2 usage error.
//
// Example:
//
//	bin/dbsetup --processed data/processed --recs data/recs --db data/moviegenie.db
//	sqlite3 data/moviegenie.db 'SELECT COUNT(*) FROM ratings'
package main

import (
	"context"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/db"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

const paramsSection = "database"

var (
	processedFlag  = &cli.StringFlag{Name: "processed", Value: "data/processed", Usage: "directory of the processed parquet tables"}
	recsFlag       = &cli.StringFlag{Name: "recs", Value: "data/recs", Usage: "directory of <model>.parquet recommendation files (missing = none)"}
	vectorsFlag    = &cli.StringFlag{Name: "vectors", Value: "data/vectors", Usage: "directory of <model>_movies.parquet vector files (missing = none)"}
	featuresFlag   = &cli.StringFlag{Name: "features", Value: "data/features", Usage: "directory holding text_embeddings.parquet (optional)"}
	metricsDirFlag = &cli.StringFlag{Name: "metrics-dir", Value: "metrics", Usage: "directory of the stages' metrics files, for pipeline_runs"}
	dbFlag         = &cli.StringFlag{Name: "db", Value: "data/moviegenie.db", Usage: "database to write (replaced atomically)"}
	metricsFlag    = &cli.StringFlag{Name: "metrics", Value: "metrics/dbsetup.json", Usage: "metrics file to write"}
)

func main() {
	app := cliapp.NewApp("dbsetup", "build the application's SQLite database from the pipeline's outputs")
	app.Flags = append(app.Flags, processedFlag, recsFlag, vectorsFlag, featuresFlag, metricsDirFlag, dbFlag, metricsFlag)
	app.Action = run
	cliapp.Main(app)
}

func run(c *cli.Context) error {
	p, err := cliapp.LoadParams(c)
	if err != nil {
		return err
	}
	opt := db.DefaultOptions()
	section := p.Section(paramsSection)
	if section != nil {
		if err := p.Decode(paramsSection, &opt); err != nil {
			return &cliapp.UsageError{Err: err}
		}
	} else {
		section = map[string]any{}
	}
	if err := opt.Validate(); err != nil {
		return cliapp.Usagef("params: section %s: %v", paramsSection, err)
	}

	rec := runmetrics.Start("dbsetup")
	rec.Params = section
	rec.ParamsHash = p.Hash(paramsSection)

	in, err := db.FindInputs(c.String(processedFlag.Name), c.String(recsFlag.Name), c.String(vectorsFlag.Name),
		c.String(featuresFlag.Name), c.String(metricsDirFlag.Name))
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	path := c.String(dbFlag.Name)
	res, err := db.Build(ctx, path, in, opt, log.Printf)
	if err != nil {
		return err
	}
	log.Printf("wrote %s in %.3fs: %d movies, %d users, %d ratings, %d recommendations, %d movie vectors, models %v",
		path, res.Timings["total"], res.Rows["movies"], res.Rows["users"], res.Rows["ratings"],
		res.Rows["recommendations"], res.Rows["movie_embeddings"], res.Models)

	rec.Inputs = res.Inputs
	rec.Rows = res.Rows
	rec.Checks = res.Checks
	rec.Figures["seconds"] = res.Timings
	rec.Figures["models"] = res.Models
	if err := rec.AddOutput(path); err != nil {
		return err
	}
	return rec.Finish(c.String(metricsFlag.Name))
}
