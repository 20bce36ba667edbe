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
//	--metrics FILE   metrics file, written last (default metrics/twotower.json)
//	--params FILE    params file; repeat to layer files (default params.yaml)
//	--set KEY=VALUE  override one param (repeatable), for example
//	                 --set model_training.two_tower.epochs=5
//
// Params (section model_training.two_tower; a missing key takes its default):
//
//	embedding_dim     user-id and movie-id embeddings, 128
//	feature_dim       gender, age, occupation, zip-region, decade embeddings, 8
//	text_components   leading components of the text embedding kept, 0 = all
//	text_dim          the movie's text embedding projected to this width, 32
//	user_layers       user MLP widths, [64, 64]; the last is the vector size
//	item_layers       movie MLP widths, [64, 64]; same last width
//	dropout           after each hidden ReLU, 0.1
//	temperature       τ: score = cos(u, v)/τ (+ bias), 0.05
//	item_bias         a learned per-movie bias in the score, true
//	logq_weight       α of the log-Q correction of in-batch negatives, 1
//	uniform_negatives movies drawn uniformly per batch as extra negatives, 0
//	cold_start_rate   share of pairs shown as a cold-start user, 0.2
//	init_std          N(0, σ²) init of the embeddings, 0.05
//	batch_size 256    learning_rate 0.001    weight_decay (AdamW) 0
//	beta1 0.9         beta2 0.999            lr_decay none | linear | cosine
//	lazy_embeddings   update only the id-embedding rows a batch uses, true
//	epochs            at most, 50            seed  every random choice, 42
//	select_metric     validation metric that picks the epoch, recall@50
//	patience          stop after N epochs without a better select_metric, 20; 0 = never
//
// A bad value (epochs < 1, a negative rate, towers of different output
// widths, an unknown key, a string for a number, ...) is a usage error
// naming the key (exit 2), reported before any file is read.
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
//     then metrics/twotower.json: the per-epoch curve, test metrics at
//     K = 10, 50, 100 of twotower, popularity and itemknn, the cold-start
//     figures, the best epoch, seconds per epoch, peak memory and the BLAS
//     backend.
//
// The same params and inputs give a byte-identical model file on the same
// machine, matrix backend (MOVIEGENIE_BLAS) and GOMAXPROCS. Exit status: 0
// success, 1 data or runtime error, 2 usage error.
//
// Example:
//
//	go build -tags openblas -o bin/train-twotower ./cmd/train-twotower
//	bin/train-twotower --set model_training.two_tower.epochs=5
//	bin/recommend --model models/twotower.bin --age 25 --gender F --occupation writer
package main
