// Dbsetup builds the SQLite database the Movie Genie application serves
// from, out of the pipeline's outputs.
//
// Usage:
//
//	dbsetup [--processed DIR] [--recs DIR] [--vectors DIR] [--features DIR]
//	        [--metrics-dir DIR] [--db FILE] [--metrics FILE]
//	        [--params FILE]... [--set key=value]...
//
// It reads data/processed/{genres,occupations,movies,users,ratings}.parquet
// (all required), every --recs DIR/<model>.parquet (a model's top-N
// recommendations), every --vectors DIR/<model>_movies.parquet (a model's
// movie vectors), --features DIR/text_embeddings.parquet if present (served
// as the movie vectors of model "text"), and every --metrics-dir DIR/*.json
// except its own (the pipeline_runs table). docs/database.md describes the
// tables and gives example queries.
//
// The database is built in a temporary file next to --db, verified (SQLite
// integrity and foreign-key checks, row counts against the inputs) and then
// renamed over --db: a failed, interrupted or killed run leaves the previous
// database as it was. Bad input (a missing file, a rating or recommendation
// naming an unknown movie or user, a value out of range) fails with a
// message naming the file and row. metrics/dbsetup.json (row counts per
// table, timings, peak memory, input checksums) is written last.
//
// Params (section database of params.yaml; a key the section leaves out takes
// its default, and the section itself must be present, {} for all
// defaults):
//
//	favourite_genres  default 3; an integer in [1, 100]
//	                  genres listed per user in user_stats.favourite_genres
//	liked_rating      default 4; an integer in [1, 5]
//	                  a rating at least this counts towards favourite genres
//	full_check_rows   default 1000000; an integer in [0, 2000000000]
//	                  tables with more rows are verified by quick_check,
//	                  index entry counts and the load's own reference checks
//	                  instead of integrity_check and foreign_key_check
//
// An unknown or misspelt key or section, a value of the wrong type (an
// integer key takes only integers), a value out of range, an empty file
// or value and null are usage errors (exit 2) naming the file and line
// (or the --set flag), the key, the value and what is allowed, reported
// before any file is read.
//
// Exit status: 0 success, 1 bad data or runtime error, 2 usage error.
//
// Example:
//
//	bin/dbsetup --processed data/processed --recs data/recs --db data/moviegenie.db
//	sqlite3 data/moviegenie.db 'SELECT COUNT(*) FROM ratings'
package main
