// Recommend prints a trained model's top movies for a user of the data or
// for an ad-hoc viewing history. It reads the model's kind from the model
// file and serves it through pkg/recommend, so the same command works for
// every model the pipeline trains.
//
// Usage:
//
//	recommend [--model FILE] (--user ID | --history ID,ID,...) [-k N] [--json]
//	          [--processed DIR] [--features DIR]
//
// Flags:
//
//	--model FILE      trained model file (default models/bert4rec.bin); its
//	                  kind (bert4rec, ...) is read from the file
//	--user ID         a MovieLens user id of the data: the history is the
//	                  user's train and validation interactions, as in
//	                  data/recs/<model>.parquet
//	--history IDS     comma-separated MovieLens movie ids, oldest first
//	-k N              how many movies (default 10)
//	--json            one JSON object per line instead of a table
//	--processed DIR   data/processed, for titles and user histories
//	                  (default data/processed)
//	--features DIR    data/features, for models that read user or movie
//	                  features (default data/features)
//
// Models may add flags of their own (listed by --help), for example
// demographics for a cold-start user.
//
// Movies already in the history are never recommended. Ties in score go to
// the lower movie id.
//
// Output: a table with the columns RANK, MOVIE_ID, TITLE, YEAR, GENRES and
// SCORE, or with --json one JSON object per line with the same fields (the
// field names and title form of semantic search):
//
//	{"rank":1,"movie_id":50,"title":"Star Wars","year":1977,"genres":["Action","Adventure"],"score":9.81}
//
// Titles are written as a reader would ("The Godfather", not MovieLens'
// "Godfather, The (1972)"); the year is its own field. recommend reads no
// params: it takes no --params or --set.
//
// Exit status: 0 success; 2 usage error (no or two query forms, k < 1, an
// unknown user, a movie id not in the model's catalogue, a malformed list);
// 1 anything else (a missing, damaged or unknown model file, unreadable data).
//
// Examples:
//
//	recommend --user 196
//	recommend --history 50,172,133 -k 5 --json
package main
