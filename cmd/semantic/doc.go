// Semantic is natural-language movie search, offline, on the pipeline's
// own data: it builds a search index from the processed tables and the
// features stage's text embeddings, and answers queries such as
// "godfather", "pulp fictoin", "animated movie for kids", "90s sci-fi
// about space" or "movies like Star Wars".
//
// Usage:
//
//	semantic [--params FILE]... [--set KEY=VALUE]... build [--processed DIR] [--features DIR]
//	         [--out FILE] [--metrics FILE]
//	semantic [--params FILE]... [--set KEY=VALUE]... search ["QUERY"] [-k N] [--json]
//	         [--user ID] [--index FILE] [--model FILE] [--processed DIR] [--features DIR]
//
// build (the Make stage) writes the index and then the metrics:
//
//	--processed DIR  genres.parquet and ratings.parquet (default data/processed)
//	--features DIR   movie_features.parquet, text_embeddings.parquet and
//	                 text_encoder.bin (default data/features)
//	--out FILE       the index to write (default models/semantic.bin)
//	--metrics FILE   metrics file, written last (default metrics/semantic.json):
//	                 index size, build time, vocabulary sizes and the outcome of
//	                 the quality suite (rank of each title query, matches of each
//	                 descriptive and "movies like" query)
//
// search prints the best movies for a query: rank, id, title, year,
// genres and score, as an aligned table under a line saying how the query
// was read, or with --json as one JSON object per result
// ({"query", "mode", "rank", "movie_id", "title", "year", "genres",
// "score", "parts"}). Words after the query are joined to it, so quotes
// are optional, and flags may come before or after the query (a query
// that starts with "-" goes after "--"). With no
// query argument, it reads one query per line from stdin (blank lines are
// skipped; with --json each line carries its query):
//
//	-k N             results per query, at least 1 (default 10)
//	--json           JSON lines instead of a table
//	--user ID        blend in this user's scores from --model and never
//	                 return a movie the user rated (any split of
//	                 ratings.parquet)
//	--index FILE     the index (default models/semantic.bin)
//	--model FILE     model file for --user, opened by its kind through
//	                 pkg/recommend (default models/bert4rec.bin)
//	--processed DIR  ratings.parquet and sequences.parquet, for --user
//	                 (default data/processed)
//	--features DIR   data/features, for models that read it (default data/features)
//
// How a query is scored (package semantic has the details): a title match
// over normalised title words with typo tolerance (one edit for words of 4
// to 7 letters, two from 8, found through a trigram index; plurals;
// Roman numerals as digits; missing articles cost little), the cosine with
// the movies' text embeddings (the features stage's LSA encoder, stored in
// the index), genre and era cues ("scary" -> Horror, "kids" -> Children's,
// "90s", "early 80s", "before 1970", "classic"), popularity (well-known
// movies first among equals), and for a title query the co-occurrence neighbours of the
// title found. "movies like X" / "similar to X" ranks X's co-occurrence
// neighbours (train and validation ratings only) and its nearest
// embeddings, without X. The weights are the semantic_search section of
// params.yaml, read when searching; if the default params.yaml does not
// exist, the weights the index was built with are used.
//
// Exit status: 0 success (a query without any match prints "no movie
// matches"), 1 data error (a missing or damaged index, a missing model for
// --user: build it with `make models/bert4rec.bin`), 2 usage error (empty
// query, query over 1000 bytes, bytes that are not UTF-8, -k below 1, a
// user without ratings).
//
// Examples:
//
//	bin/semantic build
//	bin/semantic search "silence of lambs"
//	bin/semantic search 90s sci-fi -k 5
//	bin/semantic search --json "movies like toy story"
//	bin/semantic search "romantic comedy" --user 42
//	printf 'godfather\nscary movie\n' | bin/semantic search --json
package main
