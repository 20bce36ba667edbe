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

func main() { cliapp.Main(newApp()) }

func newApp() *cli.App {
	app := cliapp.NewApp(db.StageName, "build the application's SQLite database from the pipeline's outputs")
	app.UsageText = "dbsetup [--processed DIR] [--recs DIR] [--vectors DIR] [--features DIR] [--metrics-dir DIR] [--db FILE] [--metrics FILE] [--params FILE]... [--set KEY=VALUE]..."
	app.Description = cliapp.Manual(docSource)
	app.Flags = append(app.Flags, processedFlag, recsFlag, vectorsFlag, featuresFlag, metricsDirFlag, dbFlag, metricsFlag)
	app.Action = run
	return app
}

func run(c *cli.Context) error {
	if c.NArg() > 0 {
		return cliapp.Usagef("unexpected argument %q (dbsetup takes flags only)", c.Args().First())
	}
	for _, f := range []*cli.StringFlag{processedFlag, metricsDirFlag, dbFlag, metricsFlag} {
		if c.String(f.Name) == "" {
			return cliapp.Usagef("--%s must not be empty", f.Name)
		}
	}
	p, err := cliapp.LoadParams(c)
	if err != nil {
		return err
	}
	st := &db.Stage{
		Processed: c.String(processedFlag.Name), Recs: c.String(recsFlag.Name), Vectors: c.String(vectorsFlag.Name),
		Features: c.String(featuresFlag.Name), MetricsDir: c.String(metricsDirFlag.Name),
		DB: c.String(dbFlag.Name), Metrics: c.String(metricsFlag.Name), Params: p, Logf: log.Printf,
	}
	if err := p.Decode(db.ParamsSection, &st.Opt); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return st.Run(ctx)
}

// docSource is this package's doc.go, whose package comment is the manual.
//
//go:embed doc.go
var docSource string
