// Features is the second stage of the pipeline: it turns the processed
// MovieLens tables into the inputs of the models and of semantic search,
// using only the train and validation parts of the interactions (no test
// interaction influences any output).
//
// Usage:
//
//	features [--processed DIR] [--out DIR] [--metrics FILE] [--params FILE]... [--set KEY=VALUE]...
//
// Flags:
//
//	--processed DIR  the process stage's tables: movies, users, ratings,
//	                 genres and occupations .parquet (default data/processed)
//	--out DIR        directory for the outputs below (default data/features)
//	--metrics FILE   metrics file, written last (default metrics/features.json)
//	--params FILE    params file; repeat to layer files (default params.yaml)
//	--set KEY=VALUE  override one param (repeatable), e.g.
//	                 --set feature_engineering.embedding_dim=64
//
// Params (section feature_engineering; every key is required, and a
// missing, unknown, mistyped or out-of-range key is a usage error naming
// it, reported before any file is read):
//
//	embedding_dim         integer 1..4096: wanted text-embedding dimension
//	max_sequence_length   integer >= 2: longest BERT4Rec window
//	seed                  integer >= 0: seed of the randomized SVD
//	svd_oversampling      integer 0..4096: extra columns the SVD samples
//	svd_power_iterations  integer 0..20: subspace iterations of the SVD
//	title_weight          number 0..100: weight of a movie's title against
//	                      its genres, decade and genre words (weight 1)
//
// Outputs (under --out; movie_idx 1..N are the movies sorted by movie_id,
// 0 is padding and N+1 the mask token; user_idx 0..U-1 the users sorted by
// user_id; "history" means a user's train and validation interactions):
//
//	movie_features.parquet   movie_idx, movie_id, title, clean_title, year,
//	                         decade, decade_idx, genre_multi_hot,
//	                         train_count, mean_rating, popularity,
//	                         title_tokens (counts and means over histories)
//	user_features.parquet    user_idx, user_id, gender_idx, age, age_bucket,
//	                         occupation_idx, zip_region_idx, n_train, n_val,
//	                         mean_rating, genre_affinity (over the history)
//	text_embeddings.parquet  movie_idx, movie_id, embedding (effective dim)
//	text_encoder.bin         vocabulary, IDF and projection of the text
//	                         encoder (pkg/textembed: Load, Embed)
//	train_sequences.parquet  user_idx, user_id, items (train split as
//	                         movie_idx, in order), val_items
//	bert4rec_windows.parquet user_idx, window_idx, start, items: the train
//	                         split cut from its end backwards into windows
//	                         of at most max_sequence_length, a shorter
//	                         oldest leftover kept if it has 2 or more items
//	twotower_pairs.parquet   user_idx, movie_idx, rating, position: one row
//	                         per train-split interaction
//
// pkg/features documents every column (rows.go) and how each is computed.
// The metrics file records the params, the size and SHA-256 of every input
// and output, row counts, shapes, the text encoder's vocabulary size,
// effective dimension, explained variance and timing, title-query hit
// rates, data checks, wall and CPU time and peak memory.
//
// Everything is computed in memory before the first file is written, and
// each file is written to a temporary file renamed into place, so a
// failure leaves the previous outputs as they were. The same inputs and
// params give byte-identical outputs.
//
// Exit status: 0 success; 1 bad input data (the message names the file and
// column) or a runtime error; 2 usage error (bad flag or param).
//
// Example:
//
//	bin/features --processed data/processed --out data/features --metrics metrics/features.json
package main
