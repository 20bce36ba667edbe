// Package db builds the SQLite database the Movie Genie application serves
// from (data/moviegenie.db): the catalogue, users and ratings of
// data/processed, per-movie and per-user statistics, each model's
// recommendations and movie vectors, and a record of the pipeline runs that
// produced them. docs/database.md describes the tables and example queries.
//
// Build writes a complete new database into a temporary file, in a single
// transaction with prepared statements (no journal on disk, no syncs
// until the end: the rename is the commit), verifies it (SQLite's integrity and
// foreign-key checks, row counts against the inputs) and renames it over
// the old one, so a reader sees either the old database or the new one,
// never a partial build. Every reference in the inputs is checked before it
// is inserted, so bad input fails with an error naming the file, the row
// and the unknown value; the CHECK constraints (row by row) and
// foreign_key_check (once, before the rename) are the second line of
// defence.
//
// The two tables that grow with the data, ratings and recommendations,
// are streamed in chunks (a reader goroutine decodes the next chunk while
// SQLite inserts this one), and movie_stats and user_stats are accumulated
// on the way, so memory grows with the numbers of users and movies, not of
// ratings. The secondary indexes are created after the load.
//
// Timestamps are stored as Unix seconds (ratings.timestamp); release dates
// as ISO text (YYYY-MM-DD); vectors as little-endian float32 blobs
// (EncodeVector, DecodeVector).
package db
