package tables

// Genre is one row of genres.parquet: a MovieLens genre and its index
// (u.genre order, 0-based).
type Genre struct {
	GenreID int32  `parquet:"name=genre_id, type=INT32"`
	Name    string `parquet:"name=name, type=BYTE_ARRAY, convertedtype=UTF8"`
}

// Occupation is one row of occupations.parquet (u.occupation order, 0-based).
type Occupation struct {
	OccupationID int32  `parquet:"name=occupation_id, type=INT32"`
	Name         string `parquet:"name=name, type=BYTE_ARRAY, convertedtype=UTF8"`
}

// Movie is one row of movies.parquet: a movie that survived the k-core
// filter, with its title decoded to UTF-8.
type Movie struct {
	MovieID int32  `parquet:"name=movie_id, type=INT32"`
	Title   string `parquet:"name=title, type=BYTE_ARRAY, convertedtype=UTF8"`
	// Year is the release year (from the release date, else the title), or
	// nil when neither gives one.
	Year *int32 `parquet:"name=year, type=INT32, repetitiontype=OPTIONAL"`
	// ReleaseDate is days since 1970-01-01 (a parquet DATE), or nil.
	ReleaseDate *int32  `parquet:"name=release_date, type=INT32, convertedtype=DATE, repetitiontype=OPTIONAL"`
	IMDbURL     *string `parquet:"name=imdb_url, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL"`
	// Genres are genre names in u.genre order.
	Genres []string `parquet:"name=genres, type=LIST, valuetype=BYTE_ARRAY, valueconvertedtype=UTF8"`
}

// User is one row of users.parquet.
type User struct {
	UserID     int32  `parquet:"name=user_id, type=INT32"`
	Age        int32  `parquet:"name=age, type=INT32"`
	Gender     string `parquet:"name=gender, type=BYTE_ARRAY, convertedtype=UTF8"` // "M" or "F"
	Occupation string `parquet:"name=occupation, type=BYTE_ARRAY, convertedtype=UTF8"`
	ZipCode    string `parquet:"name=zip_code, type=BYTE_ARRAY, convertedtype=UTF8"`
}

// Split names used in Rating.Split.
const (
	SplitTrain      = "train"
	SplitValidation = "validation"
	SplitTest       = "test"
)

// Rating is one row of ratings.parquet: one interaction that survived the
// k-core filter. Rows are ordered by user, then (timestamp, movie_id).
type Rating struct {
	UserID  int32 `parquet:"name=user_id, type=INT32"`
	MovieID int32 `parquet:"name=movie_id, type=INT32"`
	Rating  int32 `parquet:"name=rating, type=INT32"`
	// Timestamp is milliseconds since the Unix epoch (a parquet TIMESTAMP).
	Timestamp int64 `parquet:"name=timestamp, type=INT64, convertedtype=TIMESTAMP_MILLIS"`
	// Position is the 0-based index of this interaction in the user's
	// ordered sequence.
	Position int32 `parquet:"name=position, type=INT32"`
	// Split is "train", "validation" or "test" (see Sequence).
	Split string `parquet:"name=split, type=BYTE_ARRAY, convertedtype=UTF8"`
}

// Sequence is one row of sequences.parquet: a user's whole ordered
// interaction sequence and where the split falls in it. The first NTrain
// items are the train part proper, the next NVal the validation item(s),
// the last NTest the test part. Under the temporal split the validation
// item is the last interaction of the evaluation protocol's train part;
// under leave_one_out it is the second-to-last interaction. Either way,
// models train on the first NTrain, select epochs on the next NVal, and
// read the first NTrain+NVal as history when scoring the test part.
type Sequence struct {
	UserID     int32   `parquet:"name=user_id, type=INT32"`
	MovieIDs   []int32 `parquet:"name=movie_ids, type=LIST, valuetype=INT32"`
	Timestamps []int64 `parquet:"name=timestamps, type=LIST, valuetype=INT64, valueconvertedtype=TIMESTAMP_MILLIS"`
	Ratings    []int32 `parquet:"name=ratings, type=LIST, valuetype=INT32"`
	NTrain     int32   `parquet:"name=n_train, type=INT32"`
	NVal       int32   `parquet:"name=n_val, type=INT32"`
	NTest      int32   `parquet:"name=n_test, type=INT32"`
}
