// Package stages keeps the Makefile's record of each pipeline stage: which
// files it produced, with which params, and whether they are still intact.
//
// Make decides what to rerun from timestamps alone, which cannot tell a
// stage's outputs of one run from a mix of two runs, nor notice an output
// that was deleted or overwritten behind its back. So every stage has one
// real Make target, its record (build/stages/<name>.json), written by
// `pipeline stage-record` only after the stage's command succeeded: the
// record lists the stage's params section and each output's size, mtime and
// SHA-256. Before Make looks at any timestamp, `pipeline stage-check` (run
// on every make invocation, -n included) compares each record with the
// files and the current params, and makes the stage's stamp
// (build/stages/<name>.stamp, a prerequisite of the record) new when they
// differ, old (1970) when they agree. A stage therefore reruns, in a real
// run and in a dry run alike, exactly when its inputs, code or params
// changed or its outputs no longer are the set it last wrote.
//
// The package also renders the stage graph (text, Mermaid, Graphviz dot)
// from the same declarations and removes the temporary files that killed
// stages leave behind (pkg/atomicfile's ".<name>.tmp-*").
package stages
