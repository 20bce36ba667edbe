// Package monitor reads the pipeline's metrics/<stage>.json files
// (pkg/runmetrics) and turns them into what one looks at after a run: the
// Make-based equivalent of `dvc metrics show`, `dvc metrics diff`,
// `dvc params diff` and `dvc plots`.
//
//   - Load reads a metrics directory (LoadGit: the directory as of a git
//     revision) into a Snapshot. A missing or malformed file is a Stage with
//     an error, never a failure of the whole snapshot.
//   - StageTable, RowsTable and ModelTable lay a Snapshot out as Tables,
//     which render as aligned text or Markdown.
//   - Save copies the current metrics into runs/<UTC time>[-<git rev>]/ and
//     List lists the saved runs; Previous finds the latest saved run that
//     differs from now.
//   - Diff compares two snapshots, params (flattened dotted keys) and
//     metrics alike, with the change in absolute and relative terms.
//   - PlotCurves, PlotModels and PlotInteractions draw PNG charts with
//     gonum/plot, and WriteReport puts tables and charts in one Markdown page.
package monitor
