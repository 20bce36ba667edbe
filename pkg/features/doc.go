// Package features computes the tables of data/features from the processed
// tables of data/processed: the contract between the data stages and the
// models. The BERT4Rec trainer, the Two-Tower trainer and semantic search
// read only what this package writes (row types in rows.go; read them with
// tables.Read[features.MovieFeature] and so on).
//
// # Which interactions
//
// A user's history is the train and validation splits of ratings.parquet
// (the evaluation protocol's train part). Movie popularity and mean rating,
// and a user's mean rating and genre affinity, are computed over histories.
// The model inputs use the train split only: train_sequences.items,
// bert4rec_windows and twotower_pairs (validation items are in
// train_sequences.val_items, for epoch selection). Test rows are checked
// (known user and movie, positions after the history) and otherwise never
// read, so changing or removing them leaves every output byte-identical (a
// test checks this).
//
// # Indices
//
// movie_idx 1..N numbers the movies of movies.parquet by movie_id; 0 is
// padding and N+1 (MaskIdx) the mask token. user_idx 0..U-1 numbers the
// users by user_id. Categorical features have fixed ranges (NumDecades,
// NumGenders, NumAgeBuckets, NumZipRegions; occupation_idx is the
// occupation_id of occupations.parquet; genre vectors follow genre_id,
// the u.genre order).
//
// # Movie features
//
// Year: movies.parquet's year if plausible (MinYear..MaxYear), else a
// "(1995)" group ending the title (TitleYear), else unknown. decade_idx: 0
// unknown, 1 before 1920, then one per decade, 12 from 2020 (DecadeIdx).
// clean_title: year and "(V)" groups removed, MovieLens's trailing article
// moved to the front of the title and of each alternative title ("City of
// Lost Children, The (Cité des enfants perdus, La)" -> "The City of Lost
// Children (La Cité des enfants perdus)"). title_tokens: textembed.Words of
// the clean title (lower case, accents and punctuation removed). A movie
// without history gets train_count 0 and the mean rating of all histories;
// popularity is log(1+train_count)/log(1+max train_count).
//
// # User features
//
// gender_idx (M 0, F 1, other 2), age_bucket (MovieLens 1M groups: <18,
// 18-24, 25-34, 35-44, 45-49, 50-55, 56+), occupation_idx, zip_region_idx
// (first digit of a US zip code; 10 for a code not starting with a digit,
// such as Canadian postal codes), n_train and n_val (split sizes),
// mean_rating over the history, and genre_affinity: for each genre, the
// share of the history's interactions whose movie has that genre (a movie
// of k genres counts once for each; the entries need not sum to 1).
//
// # Text
//
// Each movie is a textembed.Document of two fields: the clean title
// (weight title_weight) and its descriptors (weight 1): genre names, the
// decade ("1990s 90s") and the curated words of each of its genres from
// genre_words.txt (embedded in the binary, matched by GenreKey so that
// "Children" finds the words of "Children's"), and, when the release has
// tags (data/processed/tags.parquet), the movie's 20 most applied tags.
// textembed.Fit learns TF-IDF
// and an LSA projection of feature_engineering.embedding_dim dimensions
// (fewer if the corpus has fewer) with a seeded randomized SVD;
// text_embeddings holds each movie's embedding and text_encoder.bin the
// encoder that embeds free-text queries into the same space (textembed.Load
// and Embed). TitleQuery measures how well a title finds its movie.
//
// # BERT4Rec windows
//
// Each user's train split (validation excluded) is cut from its end
// backwards into non-overlapping windows of at most max_sequence_length
// items (CutWindows); the oldest leftover is kept if it has at least 2
// items, so at most one item per user is dropped, and window 0 always ends
// with the user's last train interaction.
//
// # Failure
//
// Build validates its input and returns errors that name the file and the
// column; it computes everything in memory, and Write then writes each file
// atomically, so a failure before Write leaves previous outputs untouched.
// The same inputs and Config give byte-identical outputs.
package features
