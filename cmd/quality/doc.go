// Command quality trains every model with several seeds under both
// evaluation splits and writes the mean and standard deviation of their
// validation and test metrics, beside the popularity and item-KNN
// baselines, to a metrics file (`make quality` writes
// metrics/quality.json; `make metrics` shows it as a table).
//
// Usage:
//
//	quality [--params FILE]... [--set KEY=VALUE]... [--loo-params FILE]
//	        [--seeds 42,43,44] [--models bert4rec,twotower] [--splits temporal,leave_one_out]
//	        [--bin DIR] [--raw DIR] [--out DIR] [--metrics FILE] [--finished-only]
//
// Each split gets its own processed data and features under --out/<split>/
// (temporal: the params with data_processing.split=temporal;
// leave_one_out: --loo-params layered on top, with
// data_processing.split=leave_one_out), and each run its own folder,
// --out/<split>/<model>/seed<N>/ (model, recs, metrics, log), with the seed
// set through the model's params section. The stage binaries are run from
// --bin, as built by make.
//
// The study is long, so it resumes: a step whose binary, params sections
// and input files are unchanged since it last finished is not run again,
// and a killed invocation loses only the run in progress. With
// --finished-only nothing is trained: the file summarises the runs that
// are finished and up to date, and leaves the others out. The metrics
// file's wall time is this invocation's; figures.summary.train_wall_seconds
// adds up the runs' own (the cost from scratch).
package main
