// Package textembed is the pipeline's text encoder: TF-IDF over a corpus
// reduced by a truncated SVD (latent semantic analysis), in pure Go with
// gonum, with no network and no downloaded weights. The features stage fits
// it on one document per movie and saves it; semantic search loads it and
// embeds free-text queries into the same space as the movies.
//
// # Use
//
//	enc, stats, err := textembed.Fit(docs, textembed.Options{Dim: 512, Seed: 42, Oversampling: 32, PowerIterations: 2})
//	err = enc.Save("data/features/text_encoder.bin")
//
//	enc, err := textembed.Load("data/features/text_encoder.bin")
//	q := enc.Embed("scary movie in space")   // []float32, unit length (or all zero)
//	// cosine with a movie = dot product with its row of text_embeddings.parquet
//
// # Tokenisation
//
// Words lower-cases, removes accents, drops apostrophes (splitting after a
// one-letter elision such as "L'") and splits on everything that is not a
// letter or digit. Terms then drops the stop words of stopwords.txt and
// one-letter words other than digits. Documents and queries go through the
// same Terms, and TokenizerVersion, stored in the encoder file, changes
// whenever these rules do.
//
// # Model
//
// A Document is a list of weighted fields (for a movie: title, and
// descriptors). Each field becomes a TF-IDF vector (tf = 1 + ln count,
// idf = ln((1+N)/(1+df)) + 1) scaled to unit length; the document vector is
// the weighted sum, scaled to unit length. Stacking the N document vectors
// gives the sparse N × V matrix A. Fit computes A's leading singular
// vectors with a seeded randomized SVD (Halko, Martinsson & Tropp 2011:
// Gaussian sketch, power iterations with QR, Rayleigh–Ritz on the l × l
// projected Gram matrix), keeps k = min(Dim, N, V, numerical rank)
// components, and stores the V × k matrix of right singular vectors as the
// projection P. The embedding of any document or query x is x·P scaled to
// unit length, so a movie's embedding is its row of A·P = U_k Σ_k,
// normalised. Stats.ExplainedVariance is the share of ‖A‖²_F the k
// components carry.
//
// # File
//
// Save writes a pkg/modelfile file of kind "text_encoder" (magic, format
// version, length, SHA-256 trailer): a JSON header with the tokenizer
// version, weighting, dimension, vocabulary and fit statistics, then the
// tensors "idf" [V] and "projection" [V, k] as float32. Load checks all of
// it and says what is wrong with a truncated, altered, foreign or
// incompatible file.
//
// Everything is deterministic: the same documents and options give the
// same bytes, on the same machine.
package textembed
