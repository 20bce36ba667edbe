// Command pipeline is the Makefile's own helper: the data stage, the
// bookkeeping that lets Make rerun exactly what changed, and the views of
// the runs' metrics.
//
// Usage:
//
//	pipeline [--params FILE]... [--set KEY=VALUE]... COMMAND [flags] [args]
//
// Stage bookkeeping (run by the Makefile; see docs/stages.md):
//
//	stage-check   on every make run: make each stage's stamp new when its outputs or
//	              params no longer match its record; remove killed stages' temp files
//	stage-record  the last line of each stage's recipe: record its outputs and params
//	why           explain `make -n --debug=b` output (make why T=<stage or file>)
//	dag           draw the stage graph: --format text, mermaid or dot
//	params-diff   params now vs. what each stage last ran with, or vs. --rev REV
//	atomic        run a command writing one file so that it appears whole or not at all:
//	              pipeline atomic --out FILE -- CMD [ARG...]
//
// Data and metrics:
//
//	fetch-data    copy (--from) or download MovieLens 100K into --out, verified
//	metrics       every stage's costs, checks, row counts and the models side by side
//	metrics-diff  compare with --rev REV, --run NAME or the previous saved run
//	runs-save     keep a copy of metrics/ under runs/; runs lists them
//	plots, report charts under reports/ and reports/index.md
//
// Directories are always flags of the same name: --metrics-dir (metrics/),
// --runs (runs/), --state (build/stages/), --processed (data/processed/),
// --out (where a command writes). `pipeline COMMAND --help` describes one
// command. Exit status: 0 success, 1 error, 2 usage error.
package main
