// Package process is the first stage of the pipeline: it reads a raw
// dataset (any MovieLens release or the csv format, pkg/movielens),
// validates it, keeps the k-core of the interactions, orders each user's
// interactions and splits them into train, validation and test parts, and
// writes the tables of data/processed (pkg/tables). Run is its one entry
// point; cmd/process wires flags to it.
//
// It streams: the ratings file is read line by line into compact arrays
// (ids as dense integers, 16 bytes per rating), grouped by user with a
// counting sort, filtered by the k-core on those arrays, and written in
// row groups of chunk_size rows. The movies, users and tags files are read
// whole: they grow with the catalogue, not with the ratings. What does grow
// with the ratings: the arrays themselves (about 28 bytes per rating at
// the peak, while grouping; every rating must be held to order each
// user's history by time, since the files are not sorted that way).
//
// Everything is validated and computed before the first output is
// created, so a bad line leaves the outputs of an earlier run as they were.
package process
