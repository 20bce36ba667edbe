// Process is the first stage of the pipeline: it reads a raw dataset (any
// MovieLens release, or your own logs in the csv format; see
// data_processing.dataset and pkg/movielens), validates it, keeps the
// k-core of the interactions, orders each user's interactions and splits
// them into train, validation and test parts, and writes the tables of
// data/processed. It streams the ratings (pkg/process says how, and what
// memory grows with).
//
// Usage:
//
//	process [--raw DIR] [--out DIR] [--metrics FILE] [--params FILE]... [--set KEY=VALUE]...
//
// Flags:
//
//	--raw DIR       raw dataset directory holding the dataset's files, for
//	                ml-100k u.data, u.item, u.user, u.genre and u.occupation
//	                (default data/raw/ml-100k)
//	--out DIR       directory for the seven output tables (default data/processed)
//	--metrics FILE  metrics file, written last (default metrics/process.json)
//	--params FILE   params file; repeat to layer files, later ones override
//	                earlier ones key by key (default params.yaml)
//	--set KEY=VALUE override one param (repeatable), for example
//	                --set data_processing.split=leave_one_out
//
// Params (section data_processing of params.yaml; a key the section leaves out takes
// its default, and the section itself must be present, {} for all
// defaults):
//
//	dataset                default ml-100k; one of ml-100k, ml-1m, ml-10m, ml-20m, ml-25m, ml-32m, ml-latest-small, ml-latest, csv
//	                       which dataset the raw directory holds (its files
//	                       and their format)
//	min_ratings_per_user   default 20; an integer in [1, 1000000]
//	                       k-core: fewest ratings a kept user has
//	min_ratings_per_movie  default 5; an integer in [1, 1000000]
//	                       k-core: fewest ratings a kept movie has
//	test_split_ratio       default 0.2; a number in (0, 1)
//	                       temporal split: share of each user's latest
//	                       interactions that is test
//	split                  default temporal; one of temporal, leave_one_out
//	                       how each user's interactions are split
//	                       (../shared/docs/evaluation.md)
//	held_out               default test; one of test, validation
//	                       test: the split as the protocol says; validation:
//	                       each user's test part is removed and the rest
//	                       split again the same way, so every 'test' figure
//	                       downstream is a validation figure (for choosing
//	                       settings)
//	chunk_size             default 1000000; an integer in [1000, 100000000]
//	                       rows per parquet row group of ratings and
//	                       sequences (and per write)
//	ratings_file           default ""; a name
//	                       csv dataset: ratings file, relative to the raw
//	                       directory (empty: ratings.csv)
//	movies_file            default ""; a name
//	                       csv dataset: movies file, relative to the raw
//	                       directory (empty: movies.csv)
//	users_file             default ""; a name
//	                       csv dataset: users file, relative to the raw
//	                       directory (empty: users.csv if present)
//	extra_ratings          default ""; a name
//	                       a csv of more ratings
//	                       (user_id,movie_id,rating,timestamp) appended to
//	                       the dataset's; empty: none
//
// An unknown or misspelt key or section, a value of the wrong type (an
// integer key takes only integers), a value out of range, an empty file
// or value and null are usage errors (exit 2) naming the file and line
// (or the --set flag), the key, the value and what is allowed, reported
// before any file is read.
//
// What it does:
//
//  1. Reads the dataset's movies, users, tags and links files whole and
//     streams its ratings file (then extra_ratings, if set) line by line.
//     For ml-100k: u.genre, u.occupation, u.user, u.item (ISO-8859-1, decoded to
//     UTF-8; a file that is already valid UTF-8 is read as such) and u.data,
//     and validates every line: field counts (and a newline ending each
//     file, which a truncated file lacks), integer parsing, ranges (ids
//     positive, rating 1..5, age 1..120, gender M or F, genre flags 0 or 1,
//     occupations from u.occupation, timestamps from 1990-01-01 to
//     tomorrow, release dates DD-Mon-YYYY), duplicate ids and duplicate
//     (user, movie) ratings, referential integrity (every rating's user and
//     movie exist) and title encoding. The first bad line stops the stage
//     with a message such as "data/raw/ml-100k/u.data:123: rating "7":
//     want a whole number 1..5" and exit status 1, before anything is
//     written. The other formats get the same checks on their own fields
//     (half stars 0.5..5.0 in the later releases, any number in csv). Users
//     of extra_ratings (and of a csv dataset) that the users file lacks get
//     null demographics; their movies must be in the movies file.
//  2. k-core: drops movies with fewer than min_ratings_per_movie
//     interactions, then users with fewer than min_ratings_per_user, and
//     repeats until an iteration drops nothing. With the seed params,
//     ML-100K goes from 943 users, 1682 movies and 100,000 interactions to
//     941 users, 1349 movies and 99,249 interactions.
//  3. Orders each user's interactions by (timestamp, movie_id) and numbers
//     them from 0 (position).
//  4. Splits each user's sequence (../shared/docs/evaluation.md). temporal:
//     the last n_test = max(1, floor(n*test_split_ratio + 0.5)) interactions
//     are test; of the rest, the last is validation when at least 2 remain,
//     and the others train. leave_one_out: the last interaction is test,
//     the second to last validation, the others train.
//  5. Writes, each to a temporary file renamed into place, under --out:
//     movies.parquet (kept movies by movie_id: title in UTF-8 trimmed of
//     surrounding spaces, year the film's from the "(1995)" in its title
//     else from the release date else null,
//     release_date as a date, imdb_url or null, genres in genres.parquet
//     order, tmdb_id or null; the video release date column, empty in
//     ML-100K, is not kept), users.parquet (kept users by user_id,
//     demographics null where unknown), ratings.parquet (kept
//     interactions by user then position, with timestamp in milliseconds and
//     split train|validation|test), sequences.parquet (one row per user:
//     movie_ids, timestamps, ratings, n_train, n_val, n_test),
//     genres.parquet and occupations.parquet (id = 0-based file order;
//     no occupation rows without demographics), tags.parquet (movie_id,
//     tag, count for kept movies; no rows without a tags file). ratings
//     and sequences are written in row groups of chunk_size rows.
//  6. Writes the metrics file last: the data_processing section as given
//     (defaults not filled in, so the Makefile can compare it with
//     params.yaml) and its hash, size and SHA-256 of every raw file read and
//     table written, row counts (raw and kept tables, train, validation and
//     test interactions), every validation check with what it saw, counts
//     before and after each k-core iteration (figures.kcore), the split
//     summary (figures.split), the density of the kept rating matrix, wall
//     and CPU time and peak memory.
//
// The same inputs and params give byte-identical tables. Progress goes to
// stderr.
//
// Exit status: 0 success; 1 bad data or a runtime error; 2 usage error (bad
// flag or param). Bad data is found before anything is written, so the
// outputs of an earlier run stay as they were.
//
// Examples:
//
//	bin/process --raw data/raw/ml-100k --out data/processed --metrics metrics/process.json
//	bin/process --set data_processing.split=leave_one_out --out /tmp/loo --metrics /tmp/loo.json
package main
