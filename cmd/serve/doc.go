// Serve is the Movie Genie application: a JSON API and a web page, on one
// port, over the pipeline's database and live models.
//
// Usage:
//
//	serve [--params FILE]... [--set KEY=VALUE]... [run] [--addr HOST:PORT] [flags]
//	serve export [--app-db FILE] [--out FILE] [--db FILE]
//	serve loadtest [--bin FILE] [--out FILE] [--duration D] [flags]
//
// run (the default; `make serve`) loads data/moviegenie.db (read-only),
// models/bert4rec.bin, models/twotower.bin and models/semantic.bin once,
// and serves http://127.0.0.1:8080 (--addr; a port of 0 picks a free one,
// the line "serving on http://ADDR" says which). The API is described in
// docs/api.md; /metrics is in the Prometheus text format. When `make all`
// replaces the database or a model (atomic renames; polled every
// --watch, 0 = never) or on SIGHUP, a new set of files is loaded beside the
// old one and swapped in: a request is answered wholly from one set. A
// file that fails to load keeps the old set and is logged. SIGINT and
// SIGTERM stop the server once the requests in flight have finished.
// Ratings and users created in the app go to --app-db
// (data/app/app.db), which the pipeline never overwrites. A new user's id
// is above every user id of the raw data (--raw, default
// data/raw/DATASET, read once at start: the k-core filter's dropped users
// too); without that folder the server runs but refuses new users (503). The semantic
// search weights are read as `semantic search` reads them (the
// semantic_search section of --params over the index's own), so
// /api/search answers as `semantic search` does for the same arguments.
//
// export writes the app's ratings (the latest per user and movie) to
// data/raw/app_ratings.csv (--out), atomically, as CSV with the header
// user_id,movie_id,rating,timestamp (Unix seconds): set the param
// data_processing.extra_ratings to that path and `make all` trains on them.
// A movie a user of the data had already rated there is left out (the
// process stage refuses a rating twice; the pipeline keeps the data's), so
// it reads --db for the data's ratings.
//
// loadtest (`make loadtest`) starts --bin on a free port of 127.0.0.1
// over copies of the files, runs one bounded scenario per route (at most
// 30 s each) at --clients concurrent clients, replaces a model file in the
// middle of the search scenario (a hot reload), and writes throughput,
// p50/p95/p99 latency and errors per route and the server's peak RSS to
// metrics/serve.json (--out), which `make metrics` shows.
//
// Exit status: 0 success, 1 runtime or data error, 2 usage error.
package main
