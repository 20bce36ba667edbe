// Semantic is natural-language movie search, offline, on the pipeline's
// own data: it builds a search index from the processed tables and the
// features stage's text embeddings, and answers queries such as
// "godfather", "pulp fictoin", "animated movie for kids", "90s sci-fi
// about space" or "movies like Star Wars".
//
// Usage:
//
//	semantic [--params FILE]... [--set KEY=VALUE]... build [--processed DIR] [--features DIR]
//	         [--index FILE] [--metrics FILE]
//	semantic [--params FILE]... [--set KEY=VALUE]... search ["QUERY"] [-k N] [--json]
//	         [--user ID] [--index FILE] [--model FILE] [--processed DIR] [--features DIR]
//
// build (the Make stage) writes the index and then the metrics:
//
//	--processed DIR  genres.parquet and ratings.parquet (default data/processed)
//	--features DIR   movie_features.parquet, text_embeddings.parquet and
//	                 text_encoder.bin (default data/features)
//	--index FILE     the index to write (default models/semantic.bin; the
//	                 same flag names the index search reads)
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
// embeddings, without X.
//
// Params (section semantic_search of params.yaml; a key the section leaves
// out takes its default, and the section itself must be present, {} for
// all defaults; the index build keys shape the index, the others are read
// when searching; if the default params.yaml does not exist, search uses
// the values the index was built with):
//
//	semantic_weight                   default 0.6; a number in [0, 100]
//	                                  weight of the search score in the
//	                                  search --user blend
//	personal_weight                   default 0.4; a number in [0, 100]
//	                                  weight of the user's model score in
//	                                  the search --user blend
//	user_pool                         default 100; an integer in [1, 1048576]
//	                                  how many of the best unseen search
//	                                  results search --user re-ranks
//	lexical_weight                    default 1.0; a number in [0, 100]
//	                                  free-text query: weight of the title
//	                                  match (typo tolerant)
//	embedding_weight                  default 0.4; a number in [0, 100]
//	                                  free-text query: weight of the cosine
//	                                  with the movie's text embedding
//	genre_weight                      default 0.6; a number in [0, 100]
//	                                  free-text query: weight of the share
//	                                  of the asked genres ("scary" ->
//	                                  Horror)
//	era_weight                        default 0.5; a number in [0, 100]
//	                                  free-text query: weight of the release
//	                                  year in the asked era ("90s")
//	popularity_weight                 default 0.3; a number in [0, 100]
//	                                  free-text query: weight of popularity
//	                                  (train+validation)
//	related_weight                    default 0.5; a number in [0, 100]
//	                                  title query: weight of the
//	                                  co-occurrence neighbours of the title
//	                                  found
//	intent_lexical_share              default 0.3; a number in [0, 1]
//	                                  title match scale when every word is a
//	                                  genre or era cue
//	title_coverage_share              default 0.5; a number in [0, 1]
//	                                  cost of a title's unmatched words
//	stopword_weight                   default 0.2; a number in [0, 1]
//	                                  weight of "the", "of" in title
//	                                  matching
//	typo_similarity                   default 0.85; a number in [0, 1]
//	                                  credit per edit (one or two edits)
//	stem_similarity                   default 0.9; a number in [0, 1]
//	                                  credit for plural/singular
//	era_tolerance_years               default 3; a number in [0, 100]
//	                                  era credit falls to 0 this far outside
//	                                  the era
//	like_cooccurrence_weight          default 0.6; a number in [0, 100]
//	                                  "movies like X": weight of the
//	                                  co-occurrence neighbours
//	like_content_weight               default 0.4; a number in [0, 100]
//	                                  "movies like X": weight of the
//	                                  text-embedding similarity
//	like_min_title_match              default 0.6; a number in [0, 1]
//	                                  "movies like X": X must match a title
//	                                  this well
//	neighbours                        default 50; an integer in [1, 10000]
//	                                  index build: co-occurrence neighbours
//	                                  kept per movie
//	min_cooccurrence                  default 3; an integer in [1, 1048576]
//	                                  index build: fewest users two movies
//	                                  must share
//	cooccurrence_shrinkage            default 10; a number in [0, 100]
//	                                  index build: s in c / (c + s),
//	                                  discounting pairs seen by few users
//	cooccurrence_popularity_exponent  default 0.85; a number in [0, 1]
//	                                  index build: b in c / (n_i^(1-b)
//	                                  n_j^b); 0.5 is the cosine
//
// Checks across keys: semantic_weight and personal_weight are not both 0.
// An unknown or misspelt key or section, a value of the wrong type, a
// value out of range, an empty file or value and null are usage errors
// (exit 2) naming the file and line (or the --set flag), the key, the
// value and what is allowed.
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
