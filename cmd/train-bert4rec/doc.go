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
//	--metrics FILE   metrics file, written last (default metrics/bert4rec.json)
//	--params FILE    params file; repeat to layer files (default params.yaml)
//	--set KEY=VALUE  override one param (repeatable), for example
//	                 --set model_training.bert4rec.epochs=5
//
// Params (section model_training.bert4rec; a missing key takes its default):
//
//	hidden_size       C, default 128            num_layers     blocks, default 4
//	num_heads         default 4 (divides C)     ffn_mult       FFN width / C, default 4
//	block             post_ln (BERT) | pre_ln   dropout        hidden dropout, default 0.1
//	max_len           T; 0 (default) = feature_engineering.max_sequence_length
//	init_std          N(0, σ²) init, 0.02       mask_prob      Cloze probability, 0.15
//	mask_token_ratio  share of masked positions shown as [MASK] (BERT: 0.8), default 1
//	mask_last         force | force_all | extra | none: next-item training (force:
//	                  always mask the last item of each user's latest window;
//	                  force_all: of every window; extra: add the latest window once
//	                  more with only its last item masked, as the original code)
//	batch_size        256                       learning_rate  AdamW peak, 0.001
//	weight_decay      AdamW decoupled decay     beta1, beta2   0.9, 0.999
//	warmup_steps      linear warm-up steps      lr_decay       none | linear | cosine
//	grad_clip         global norm, 0 = none     epochs         at most, default 50
//	seed              every random choice       eval_every     validate every N epochs
//	patience          stop after N epochs without a better validation ndcg@10; 0 = never
//
// A bad value (num_heads not dividing hidden_size, epochs < 1, a negative
// rate, an unknown key, ...) is a usage error naming the key (exit 2),
// reported before any file is read.
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
//     data/recs/bert4rec.parquet, then metrics/bert4rec.json: the per-epoch
//     curve, the test metrics at K = 10, 50, 100 of bert4rec beside the
//     popularity and ItemKNN baselines on the same split, the best epoch,
//     seconds per epoch, peak memory and the BLAS backend.
//
// The same params and inputs give a byte-identical model file on the same
// machine and matrix backend (MOVIEGENIE_BLAS). Exit status: 0 success, 1
// data or runtime error, 2 usage error.
//
// Example:
//
//	go build -tags openblas -o bin/train-bert4rec ./cmd/train-bert4rec
//	bin/train-bert4rec --set model_training.bert4rec.epochs=5
package main
