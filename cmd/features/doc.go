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
// Params (section feature_engineering of params.yaml; a key the section leaves out takes
// its default, and the section itself must be present, {} for all
// defaults):
//
//	embedding_dim         default 512; an integer in [1, 4096]
//	                      wanted text-embedding dimension (the corpus may
//	                      support fewer)
//	max_sequence_length   default 50; an integer in [2, 1024]
//	                      longest BERT4Rec window
//	seed                  default 42; an integer in [0, 9007199254740992]
//	                      seed of the text encoder's randomized SVD
//	svd_oversampling      default 32; an integer in [0, 4096]
//	                      columns the randomized SVD samples beyond
//	                      embedding_dim
//	svd_power_iterations  default 2; an integer in [0, 20]
//	                      subspace iterations of the randomized SVD
//	title_weight          default 1.0; a number in [0, 100]
//	                      weight of a movie's title against its genres,
//	                      decade and genre words (weight 1)
//
// An unknown or misspelt key or section, a value of the wrong type (an
// integer key takes only integers), a value out of range, an empty file
// or value and null are usage errors (exit 2) naming the file and line
// (or the --set flag), the key, the value and what is allowed, reported
// before any file is read.
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
