package features

// Output file names in the features directory.
const (
	MovieFeaturesFile  = "movie_features.parquet"
	UserFeaturesFile   = "user_features.parquet"
	TextEmbeddingsFile = "text_embeddings.parquet"
	TrainSequencesFile = "train_sequences.parquet"
	WindowsFile        = "bert4rec_windows.parquet"
	PairsFile          = "twotower_pairs.parquet"
	TextEncoderFile    = "text_encoder.bin"
)

// Index constants of the movie vocabulary: movie_idx 1..N are the movies
// sorted by movie_id, 0 is padding and N+1 (MaskIdx(N)) the mask token.
const PaddingIdx = 0

// MaskIdx is the mask token's movie_idx for a catalogue of n movies.
func MaskIdx(n int) int32 { return int32(n + 1) }

// Category sizes of the user and movie features (index ranges 0..size-1).
const (
	NumDecades    = 13 // decade_idx: 0 unknown, 1 before 1920, 2 the 1920s, ..., 11 the 2010s, 12 from 2020
	NumGenders    = 3  // gender_idx: 0 M, 1 F, 2 other
	NumAgeBuckets = 7  // age_bucket: <18, 18-24, 25-34, 35-44, 45-49, 50-55, 56+
	NumZipRegions = 11 // zip_region_idx: 0..9 the first digit, 10 not a US zip code
)

// MovieFeature is one row of movie_features.parquet, one per movie of
// movies.parquet, ordered by movie_idx.
type MovieFeature struct {
	MovieIdx int32  `parquet:"name=movie_idx, type=INT32"`
	MovieID  int32  `parquet:"name=movie_id, type=INT32"`
	Title    string `parquet:"name=title, type=BYTE_ARRAY, convertedtype=UTF8"`
	// CleanTitle is the title with the year and "(V)" removed and the
	// MovieLens article order fixed ("The Usual Suspects").
	CleanTitle string `parquet:"name=clean_title, type=BYTE_ARRAY, convertedtype=UTF8"`
	Year       *int32 `parquet:"name=year, type=INT32, repetitiontype=OPTIONAL"`
	Decade     *int32 `parquet:"name=decade, type=INT32, repetitiontype=OPTIONAL"` // 1990 for 1990..1999
	DecadeIdx  int32  `parquet:"name=decade_idx, type=INT32"`                      // see NumDecades
	// GenreMultiHot has one 0/1 entry per genre of genres.parquet, by
	// genre_id (u.genre order).
	GenreMultiHot []float32 `parquet:"name=genre_multi_hot, type=LIST, valuetype=FLOAT"`
	// TrainCount is the number of train+validation interactions, MeanRating
	// their mean rating (the mean over all train+validation ratings when
	// the movie has none), Popularity log(1+TrainCount)/log(1+max
	// TrainCount) in [0, 1].
	TrainCount  int32    `parquet:"name=train_count, type=INT32"`
	MeanRating  float32  `parquet:"name=mean_rating, type=FLOAT"`
	Popularity  float32  `parquet:"name=popularity, type=FLOAT"`
	TitleTokens []string `parquet:"name=title_tokens, type=LIST, valuetype=BYTE_ARRAY, valueconvertedtype=UTF8"`
}

// UserFeature is one row of user_features.parquet, one per user of
// users.parquet, ordered by user_idx (users sorted by user_id).
type UserFeature struct {
	UserIdx       int32   `parquet:"name=user_idx, type=INT32"`
	UserID        int32   `parquet:"name=user_id, type=INT32"`
	GenderIdx     int32   `parquet:"name=gender_idx, type=INT32"`
	Age           int32   `parquet:"name=age, type=INT32"`
	AgeBucket     int32   `parquet:"name=age_bucket, type=INT32"`
	OccupationIdx int32   `parquet:"name=occupation_idx, type=INT32"` // occupation_id of occupations.parquet; 0 when the user has none
	ZipRegionIdx  int32   `parquet:"name=zip_region_idx, type=INT32"`
	NTrain        int32   `parquet:"name=n_train, type=INT32"` // interactions in the train split
	NVal          int32   `parquet:"name=n_val, type=INT32"`   // interactions in the validation split
	MeanRating    float32 `parquet:"name=mean_rating, type=FLOAT"`
	// GenreAffinity[g] is the share of the user's train+validation
	// interactions whose movie has genre g (each entry in [0, 1]; a movie
	// of several genres counts for each).
	GenreAffinity []float32 `parquet:"name=genre_affinity, type=LIST, valuetype=FLOAT"`
}

// TextEmbedding is one row of text_embeddings.parquet, one per movie by
// movie_idx: the movie's text embedding (unit length, the text encoder's
// dimension), equal to text_encoder.bin's EmbedDocument of the movie's
// document, so its dot product with Embed(query) is their cosine.
type TextEmbedding struct {
	MovieIdx  int32     `parquet:"name=movie_idx, type=INT32"`
	MovieID   int32     `parquet:"name=movie_id, type=INT32"`
	Embedding []float32 `parquet:"name=embedding, type=LIST, valuetype=FLOAT"`
}

// TrainSequence is one row of train_sequences.parquet, one per user
// (ordered by user_idx): the train split and the validation split as
// movie_idx, in interaction order.
type TrainSequence struct {
	UserIdx  int32   `parquet:"name=user_idx, type=INT32"`
	UserID   int32   `parquet:"name=user_id, type=INT32"`
	Items    []int32 `parquet:"name=items, type=LIST, valuetype=INT32"`
	ValItems []int32 `parquet:"name=val_items, type=LIST, valuetype=INT32"`
}

// Window is one row of bert4rec_windows.parquet: a slice of one user's
// train split (validation excluded), at most max_sequence_length long and
// at least 2. Windows are cut from the end of the train split backwards:
// window 0 is the most recent one, ending with the last train interaction.
type Window struct {
	UserIdx   int32 `parquet:"name=user_idx, type=INT32"`
	WindowIdx int32 `parquet:"name=window_idx, type=INT32"`
	// Start is the position of the window's first item in the user's
	// train split (0-based).
	Start int32   `parquet:"name=start, type=INT32"`
	Items []int32 `parquet:"name=items, type=LIST, valuetype=INT32"`
}

// Pair is one row of twotower_pairs.parquet: one interaction of the train
// split (validation excluded), ordered by user_idx then position.
type Pair struct {
	UserIdx  int32   `parquet:"name=user_idx, type=INT32"`
	MovieIdx int32   `parquet:"name=movie_idx, type=INT32"`
	Rating   float32 `parquet:"name=rating, type=FLOAT"`
	Position int32   `parquet:"name=position, type=INT32"`
}
