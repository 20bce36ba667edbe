package main

import (
	"context"
	_ "embed"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/db"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

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
	app.Description = cliapp.Manual(docSource)
	app.Flags = append(app.Flags, processedFlag, recsFlag, vectorsFlag, featuresFlag, metricsDirFlag, dbFlag, metricsFlag)
	app.Action = run
	cliapp.Main(app)
}

func run(c *cli.Context) error {
	p, err := cliapp.LoadParams(c)
	if err != nil {
		return err
	}
	var opt db.Options
	if err := p.Decode(db.ParamsSection, &opt); err != nil {
		return err
	}

	rec := runmetrics.Start("dbsetup")
	rec.SetParams(p, db.ParamsSection)

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

// docSource is this package's doc.go, whose package comment is the manual.
//
//go:embed doc.go
var docSource string
