// Package quality measures whether model quality holds across seeds: it
// trains every model with several seeds under each evaluation split, each
// run in its own folder, and summarises the runs as the mean and standard
// deviation of their validation and test metrics, beside the popularity and
// item-KNN baselines of the same split (metrics/quality.json, `make
// quality`).
//
// One seed's test figure moves by about as much as most differences between
// training recipes (ndcg@10 ± 0.006 on ML-100K), so a recipe is judged by
// its mean over seeds, and the deviation says how far one run can be
// trusted.
//
// The study is long (a BERT4Rec run takes minutes), so it resumes: each
// step records a key (the SHA-256 of the binary it ran, its arguments, the
// params sections it reads and the content of its input files) and is
// skipped when the key of a finished run is unchanged. Killing `make
// quality` and starting it again loses at most the run in progress; a
// changed param, input or binary reruns exactly the runs it affects.
package quality
