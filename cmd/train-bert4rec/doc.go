// Train-bert4rec trains the BERT4Rec sequential recommender on the train
// part of the split, picks its best epoch on the validation items, scores
// the test part once, and writes the model, every user's top 100 and the
// metrics.
//
// Usage:
//
//	train-bert4rec [--processed DIR] [--features DIR] [--model FILE] [--recs FILE]
//	               [--metrics FILE] [--params FILE]... [--set KEY=VALUE]...
//
// Flags:
//
//	--processed DIR  data/processed, for sequences.parquet (default data/processed)
//	--features DIR   data/features, for movie_features, train_sequences and
//	                 bert4rec_windows .parquet (default data/features)
//	--model FILE     model file to write (default models/bert4rec.bin)
//	--recs FILE      top-100 recommendations per user (default data/recs/bert4rec.parquet)
//	--metrics FILE   metrics file, written last (default metrics/train-bert4rec.json)
//	--params FILE    params file; repeat to layer files (default params.yaml)
//	--set KEY=VALUE  override one param (repeatable), for example
//	                 --set model_training.bert4rec.epochs=5
//
// Params (section model_training.bert4rec of params.yaml; a key the section leaves out takes
// its default, and the section itself must be present, {} for all
// defaults):
//
//	hidden_size       default 128; an integer in [1, 1024]
//	                  C, the width of the model
//	num_layers        default 4; an integer in [1, 24]
//	                  L, transformer blocks
//	block             default post_ln; one of post_ln, pre_ln
//	                  post_ln (BERT, original BERT4Rec) or pre_ln
//	num_heads         default 4; an integer in [1, 64]
//	                  NH, attention heads; must divide hidden_size
//	ffn_mult          default 4; an integer in [1, 8]
//	                  FFN width = ffn_mult x hidden_size, GELU
//	dropout           default 0.1; a number in [0, 1)
//	                  hidden dropout
//	max_len           default 0; an integer in [0, 1024]
//	                  T; 0 = the length of the windows read
//	                  (feature_engineering.max_sequence_length); else at
//	                  least 2
//	init_std          default 0.02; a number in (0, 1]
//	                  N(0, init_std^2) initialisation, as BERT's 0.02
//	mask_prob         default 0.4; a number in (0, 1]
//	                  Cloze probability of masking a position
//	mask_token_ratio  default 1.0; a number in [0, 1]
//	                  share of the masked positions shown as [MASK] (BERT:
//	                  0.8); the rest half kept, half a random item
//	window_offsets    default fixed; one of fixed, random
//	                  fixed: the features stage's windows every epoch;
//	                  random: each window but a user's most recent one moves
//	                  to a random place in the user's train sequence each
//	                  epoch
//	mask_last         default force; one of force, force_all, extra, none
//	                  next-item training: force masks the last item of each
//	                  user's latest window, force_all of every window, extra
//	                  adds the latest window again with only its last item
//	                  masked, none leaves the Cloze draws alone
//	batch_size        default 256; an integer in [1, 4096]
//	                  windows per step
//	learning_rate     default 0.001; a number in (0, 10]
//	                  AdamW peak learning rate
//	weight_decay      default 0.0; a number in [0, 10]
//	                  AdamW decoupled weight decay
//	beta1             default 0.9; a number in [0, 1)
//	                  AdamW first-moment decay
//	beta2             default 0.999; a number in [0, 1)
//	                  AdamW second-moment decay
//	warmup_steps      default 20; an integer in [0, 100000000]
//	                  linear warm-up steps
//	lr_decay          default linear; one of none, linear, cosine
//	                  learning-rate decay to 0 at the last epoch
//	grad_clip         default 0; a number in [0, 1000000]
//	                  global gradient norm clip; 0 = none
//	epochs            default 100; an integer in [1, 100000]
//	                  at most; the best validation epoch is kept
//	seed              default 42; an integer in [0, 9007199254740992]
//	                  seed of every random choice
//	sampled_softmax   default 0; an integer in [0, 1000000]
//	                  negatives of a sampled softmax output layer, drawn
//	                  each step; 0 = full softmax over every movie
//	label_smoothing   default 0; a number in [0, 1)
//	                  share of each target spread evenly over every movie
//	                  (full softmax only); 0 = none
//	sampled_uniform   default false; true or false
//	                  sampled softmax: draw negatives uniformly instead of
//	                  by popularity^0.75 (log-Q corrected)
//	score_masks       default 6; an integer in [1, 20]
//	                  [MASK] tokens appended to a history when scoring;
//	                  movies ranked by their mean probability over them (1:
//	                  the next item's logits)
//	eval_every        default 1; an integer in [1, 100000]
//	                  validate every eval_every epochs (and after the last)
//	patience          default 15; an integer in [0, 100000]
//	                  epochs without a better validation ndcg@10 before
//	                  stopping; 0 = never stop early
//
// Checks across keys: num_heads divides hidden_size, and the training
// memory the sizes ask for stays under 8 GiB.
// An unknown or misspelt key or section, a value of the wrong type (an
// integer key takes only integers), a value out of range, an empty file
// or value and null are usage errors (exit 2) naming the file and line
// (or the --set flag), the key, the value and what is allowed, reported
// before any file is read.
//
// What it does:
//
//  1. Reads data/processed/sequences.parquet (the split) and the feature
//     files, and checks they agree (same catalogue as movie_idx 1..N, same
//     train and validation parts, windows cut from the train parts).
//  2. Trains (pkg/bert4rec): every epoch draws new Cloze masks for every
//     window, adds the mask-last examples, shuffles and takes AdamW steps;
//     after every eval_every epochs it scores each user's validation item
//     from the train part and keeps the weights of the best ndcg@10. One
//     line per epoch on stderr: loss, validation ndcg@10 and recall@10,
//     elapsed, ETA.
//  3. Scores the test part once with the best weights: history = train +
//     validation (the last max_len-1 items, then [MASK]), all movies
//     scored, train+validation movies excluded, top 100 per user.
//  4. Writes models/bert4rec.bin (pkg/modelfile, kind "bert4rec"),
//     data/recs/bert4rec.parquet, then metrics/train-bert4rec.json: the per-epoch
//     curve, the test metrics at K = 10, 50, 100 of bert4rec beside the
//     popularity and ItemKNN baselines on the same split, the best epoch,
//     seconds per epoch, peak memory and the BLAS backend.
//
// The same params and inputs give a byte-identical model file on any core
// count and any CPU with AVX2 and FMA with the default matrix backend
// (with MOVIEGENIE_BLAS=openblas: on one machine and core count). Exit
// status: 0 success, 1
// data or runtime error, 2 usage error.
//
// Example:
//
//	go build -o bin/train-bert4rec ./cmd/train-bert4rec
//	bin/train-bert4rec --set model_training.bert4rec.epochs=5
package main
