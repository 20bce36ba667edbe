// Package appstore is the application's own durable store (by default
// data/app/app.db, an SQLite file that `make all` never touches): the
// users created in the app and every rating given in it. A rating is
// committed (WAL, synchronous=FULL) before the API answers, so an answered
// POST survives a crash; a rebuild of the pipeline's database loses none.
//
// Every rating is kept as an event; the latest one per (user, movie)
// counts. Export writes those as the CSV the process stage reads through
// the data_processing.extra_ratings param (header
// user_id,movie_id,rating,timestamp; Unix seconds), atomically, so the
// next `make all` trains on them.
//
// An in-memory copy of the counted ratings answers reads, so serving a
// user's history never touches the disk. A Store is safe for concurrent
// use.
package appstore
