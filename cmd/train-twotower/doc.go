// Train-twotower trains the Two-Tower retrieval model (pkg/twotower) on the
// train part of the split, picks its best epoch on the validation items,
// scores the test part once, and writes the model, the movie and user
// vectors, every user's top 100 and the metrics.
//
// Usage:
//
//	train-twotower [--processed DIR] [--features DIR] [--model FILE] [--recs FILE]
//	               [--vectors DIR] [--metrics FILE] [--params FILE]... [--set KEY=VALUE]...
//
// Flags:
//
//	--processed DIR  data/processed, for sequences.parquet and occupations.parquet
//	                 (default data/processed)
//	--features DIR   data/features, for movie_features, user_features,
//	                 text_embeddings, train_sequences and twotower_pairs .parquet
//	                 (default data/features)
//	--model FILE     model file to write (default models/twotower.bin)
//	--recs FILE      top-100 recommendations per user (default data/recs/twotower.parquet)
//	--vectors DIR    where twotower_movies.parquet and twotower_users.parquet go
//	                 (default data/vectors)
//	--metrics FILE   metrics file, written last (default metrics/train-twotower.json)
//	--params FILE    params file; repeat to layer files (default params.yaml)
//	--set KEY=VALUE  override one param (repeatable), for example
//	                 --set model_training.two_tower.epochs=5
//
// Params (section model_training.two_tower of params.yaml; a key the section leaves out takes
// its default, and the section itself must be present, {} for all
// defaults):
//
//	embedding_dim      default 128; an integer in [1, 4096]
//	                   E, the user-id and movie-id embeddings
//	feature_dim        default 8; an integer in [1, 4096]
//	                   F, the gender, age, occupation, zip-region and decade
//	                   embeddings
//	text_dim           default 32; an integer in [1, 4096]
//	                   P, the movie's text embedding projected to this width
//	                   by a linear layer
//	text_components    default 128; an integer in [0, 4096]
//	                   leading LSA components of the text embedding kept; 0
//	                   = all
//	user_layers        default [64, 64]; a list of 1 to 8 values, each an integer in [1, 4096]
//	                   user MLP widths; the last is the vector size D
//	item_layers        default [64, 64]; a list of 1 to 8 values, each an integer in [1, 4096]
//	                   movie MLP widths; the last must equal user_layers'
//	                   last
//	dropout            default 0.1; a number in [0, 1)
//	                   dropout after every hidden layer's ReLU
//	temperature        default 0.05; a number in (0, 100]
//	                   tau: score = cos(u, v) / tau + movie bias
//	item_bias          default true; true or false
//	                   a learned per-movie bias in the score
//	logq_weight        default 1.0; a number in [0, 100]
//	                   alpha of the log-Q correction of in-batch negatives
//	                   (1 = unbiased, 0 = none)
//	uniform_negatives  default 0; an integer in [0, 65536]
//	                   movies drawn uniformly per batch as extra negatives
//	                   (at the catalogue size or more: full softmax)
//	cold_start_rate    default 0.2; a number in [0, 1)
//	                   share of pairs shown without id embedding and genre
//	                   affinity
//	init_std           default 0.05; a number in (0, 1]
//	                   N(0, init_std^2) initialisation of the embeddings
//	batch_size         default 256; an integer in [2, 16384]
//	                   pairs per step (in-batch negatives need two)
//	learning_rate      default 0.001; a number in (0, 10]
//	                   AdamW learning rate
//	weight_decay       default 0.0; a number in [0, 10]
//	                   AdamW decoupled weight decay (not on biases)
//	beta1              default 0.9; a number in [0, 1)
//	                   AdamW first-moment decay
//	beta2              default 0.999; a number in [0, 1)
//	                   AdamW second-moment decay
//	lazy_embeddings    default true; true or false
//	                   update only the id-embedding rows a batch uses
//	lr_decay           default none; one of none, linear, cosine
//	                   learning-rate decay to 0 at the last epoch
//	epochs             default 50; an integer in [1, 100000]
//	                   at most; the best validation epoch is kept
//	seed               default 42; an integer in [0, 9007199254740992]
//	                   seed of every random choice
//	select_metric      default recall@50; a name
//	                   validation metric that picks the epoch: ndcg, recall,
//	                   ... at 10, 50 or 100
//	patience           default 20; an integer in [0, 100000]
//	                   epochs without a better select_metric before
//	                   stopping; 0 = never stop early
//
// Checks across keys: user_layers and item_layers end with the same
// width, a batch's scores (batch_size x (batch_size + uniform_negatives))
// stay under 2^28, select_metric is a metric at 10, 50 or 100, and
// text_components is at most the text embeddings' width.
// An unknown or misspelt key or section, a value of the wrong type (an
// integer key takes only integers), a value out of range, an empty file
// or value and null are usage errors (exit 2) naming the file and line
// (or the --set flag), the key, the value and what is allowed, reported
// before any file is read.
//
// What it does:
//
//  1. Reads the split (data/processed/sequences.parquet) and the feature
//     tables, and checks they agree: the same catalogue as movie_idx 1..N
//     and users as user_idx 0..U-1, the pairs and validation items equal to
//     the split's train and validation parts.
//  2. Trains (pkg/twotower): every epoch shuffles the train pairs into
//     batches; in-batch sampled softmax with the log-Q correction, AdamW;
//     after every epoch it scores each user's validation item (train movies
//     excluded) and keeps the weights of the best select_metric. One line
//     per epoch on stderr: loss, validation ndcg@10, recall@50, recall@100,
//     elapsed, ETA.
//  3. Scores the test part once with the best weights (train+validation
//     movies excluded, top 100 per user), and the same for every user as a
//     cold-start user (demographics only), beside the popularity and
//     ItemKNN baselines.
//  4. Writes models/twotower.bin (pkg/modelfile, kind "twotower"),
//     data/vectors/twotower_{movies,users}.parquet, data/recs/twotower.parquet,
//     then metrics/train-twotower.json: the per-epoch curve, test metrics at
//     K = 10, 50, 100 of twotower, popularity and itemknn, the cold-start
//     figures, the best epoch, seconds per epoch, peak memory and the BLAS
//     backend.
//
// The same params and inputs give a byte-identical model file on any core
// count and any CPU with AVX2 and FMA with the default matrix backend
// (with MOVIEGENIE_BLAS=openblas: on one machine and core count). Exit status: 0
// success, 1 data or runtime error, 2 usage error.
//
// Example:
//
//	go build -o bin/train-twotower ./cmd/train-twotower
//	bin/train-twotower --set model_training.two_tower.epochs=5
//	bin/recommend --model models/twotower.bin --age 25 --gender F --occupation writer
package main
