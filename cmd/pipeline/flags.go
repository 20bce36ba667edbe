package main

import "github.com/urfave/cli/v2"

// Flags shared by several commands, declared once. --metrics-dir, --runs,
// --processed and --out are directories everywhere; --state is the
// directory of the stages' records and stamps.
var (
	metricsDirFlag = &cli.StringFlag{Name: "metrics-dir", Value: "metrics", Usage: "metrics directory (metrics/<stage>.json)"}
	runsDirFlag    = &cli.StringFlag{Name: "runs", Value: "runs", Usage: "directory of saved runs"}
	outDirFlag     = &cli.StringFlag{Name: "out", Value: "reports", Usage: "directory the charts and the report go to"}
	processedFlag  = &cli.StringFlag{Name: "processed", Value: "data/processed", Usage: "processed data directory (for ratings.parquet)"}
	jsonFlag       = &cli.BoolFlag{Name: "json", Usage: "print JSON instead of tables"}
	stateFlag      = &cli.StringFlag{Name: "state", Value: "build/stages", Usage: "directory of the stages' records and stamps"}
)
