// Package ratingscan streams data/processed/ratings.parquet in batches of
// typed columns, through Apache Arrow's parquet reader. The stages after
// process read the ratings table with it instead of decoding every row
// into a struct at once: a 25M-row table would be gigabytes of row structs
// (and more in the row decoder's boxed values), where a batch is a few
// megabytes of plain arrays. Only the columns a stage needs are read.
package ratingscan
