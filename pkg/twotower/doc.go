// Package twotower is the Two-Tower retrieval model (Yi et al. 2019,
// "Sampling-bias-corrected neural modeling for large corpus item
// recommendations"), written on pkg/nn with hand-written forward and
// backward passes: its parameters, training, model file, vectors and the
// recommend.Recommender that serves it, including cold-start users given
// by demographics only.
//
// # Architecture
//
// Letters: U users, N movies, B pairs per batch, E = embedding_dim,
// F = feature_dim, G genres (from genres.parquet: 19 for ML-100K), T
// text-embedding width, P = text_dim, D = the last width of both MLPs.
// When the data has no demographics (every release but ML-100K and ML-1M:
// no user has a gender or an age), the user tower leaves out the 4F
// demographic block (Sizes.NoDemographics) and a cold-start query needs a
// history: demographics are refused with ErrNoDemographics.
//
//	user tower  x_u = [user-id emb (E) | gender, age bucket, occupation, zip region embs (4F) | genre affinity (G)]
//	movie tower x_v = [movie-id emb (E) | genre multi-hot (G) | decade emb (F) | text embedding[:text_components] · W (P)]
//	each: MLP (linear, ReLU, dropout between layers; last layer linear), then L2 normalisation
//	score(u, v) = u·v/τ + b_v   (b_v a learned movie bias when item_bias is set)
//
// # Training
//
// Pairs (user, movie of the user's train part) are shuffled each epoch and
// cut into batches. Each batch's loss is the in-batch sampled softmax of
// nn.InBatchSoftmax: row i's positive is its own movie, the other rows'
// movies are its negatives (a movie that is also row i's positive is
// masked), and every logit is corrected by α·log Q(j), Q(j) the movie's
// share of the train pairs (its chance of being a batch's column). Without
// the correction in-batch negatives over-sample popular movies and the
// model learns to push them down; α = 1 makes the sampled softmax an
// estimate of the full softmax over the catalogue. The item bias enters as
// one more coordinate of both vectors ([u, τ]·[v, b]/τ = u·v/τ + b), so
// nn.InBatchSoftmax computes its gradient too. Each tower runs once per
// distinct row of a batch (a popular movie is often several pairs'
// positive, an active user several pairs' user); the vectors are copied to
// the pairs and their gradients summed back.
//
// With uniform_negatives > 0 the softmax instead runs over the distinct
// movies of the batch plus that many drawn uniformly from the catalogue
// (mixed negative sampling, Yang et al. 2020), each corrected by α·log of
// its chance of being drawn, through nn.SoftmaxCrossEntropy; at N or more
// it is the full softmax. On MovieLens 100K it did not beat the in-batch
// loss (see the stage's report), so it is off by default.
//
// Optimiser: AdamW (decoupled weight decay, not on biases). The two
// id-embedding tables, of which a batch reads about a fifth of the rows,
// are updated lazily by default (lazy_embeddings): only the rows the batch
// read, with their own moments and the global step's bias correction, as
// TensorFlow's LazyAdam; the rest of the parameters by nn.AdamW. The epoch
// with the best validation select_metric (each user's validation item,
// train movies excluded) is kept; patience stops early.
//
// # Cold start
//
// Row U of the user-id table is a learned "unknown user". Each training
// pair is shown, with probability cold_start_rate, as a cold-start user:
// the unknown-user row instead of the user's own, and the mean genre
// affinity of all users instead of the user's own. The tower thus learns
// to recommend from demographics alone, and the same row serves a user
// the model has never seen. A demographic a query leaves out gets the
// expected embedding Σ_c share(c)·emb(c) over the known users' categories
// (the mean of that part of the first layer's input). An ad-hoc history
// gives its own genre affinity.
//
// # Files
//
// The model file (pkg/modelfile, kind "twotower") holds the config, the
// sizes, the vocabularies (movie and user ids, occupation names), the
// users' and movies' features (so a loaded model serves known users,
// cold-start users and every movie without the feature tables), and the
// parameters. The vectors files hold each movie's and user's tower output;
// with item_bias one more coordinate (τ·b for movies, 1 for users) makes
// user·movie = τ·score.
//
// # Determinism
//
// Every random choice (initialisation, pair order, cold-start rows,
// dropout masks) comes from the seed, and the nn and linalg kernels sum in
// a fixed order, so the same config and inputs give a byte-identical model
// file with the default matrix backend on any core count and any CPU with
// AVX2 and FMA (with OpenBLAS: on one machine and core count).
package twotower
