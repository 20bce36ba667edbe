package tables

// Genre is one row of genres.parquet: a genre and its index, 0-based. For
// ML-100K the order is u.genre's; for every other dataset the genres are
// those the movies file names, in sorted order.
type Genre struct {
	GenreID int32  `parquet:"name=genre_id, type=INT32"`
	Name    string `parquet:"name=name, type=BYTE_ARRAY, convertedtype=UTF8"`
}

// Occupation is one row of occupations.parquet (u.occupation order, 0-based;
// for ML-1M the README's numbered list). Datasets without demographics
// write this table with no rows.
type Occupation struct {
	OccupationID int32  `parquet:"name=occupation_id, type=INT32"`
	Name         string `parquet:"name=name, type=BYTE_ARRAY, convertedtype=UTF8"`
}

// Movie is one row of movies.parquet: a movie that survived the k-core
// filter, with its title decoded to UTF-8.
type Movie struct {
	MovieID int32  `parquet:"name=movie_id, type=INT32"`
	Title   string `parquet:"name=title, type=BYTE_ARRAY, convertedtype=UTF8"`
	// Year is the film's year, from the "(1995)" in its title, else from
	// the release date, else nil.
	Year *int32 `parquet:"name=year, type=INT32, repetitiontype=OPTIONAL"`
	// ReleaseDate is days since 1970-01-01 (a parquet DATE), or nil. Only
	// ML-100K has release dates (its video release date is not kept).
	ReleaseDate *int32 `parquet:"name=release_date, type=INT32, convertedtype=DATE, repetitiontype=OPTIONAL"`
	// IMDbURL is u.item's URL, or for releases with links.csv the title
	// page of its imdbId, or nil.
	IMDbURL *string `parquet:"name=imdb_url, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL"`
	// Genres are genre names in genres.parquet order; empty for "(no genres
	// listed)".
	Genres []string `parquet:"name=genres, type=LIST, valuetype=BYTE_ARRAY, valueconvertedtype=UTF8"`
	// TMDbID is links.csv's tmdbId, or nil (no links file, or left empty).
	TMDbID *int32 `parquet:"name=tmdb_id, type=INT32, repetitiontype=OPTIONAL"`
}

// User is one row of users.parquet: a user kept by the k-core. The
// demographic columns are null where the dataset does not have them (every
// release but ML-100K and ML-1M; a csv dataset without users or with empty
// fields; users that only appear in extra ratings).
type User struct {
	UserID int32 `parquet:"name=user_id, type=INT32"`
	// Age is years (ML-100K) or ML-1M's age-group code (1 = under 18, 18,
	// 25, 35, 45, 50, 56 = 56+), which AgeBucket-style ranges read alike.
	Age        *int32  `parquet:"name=age, type=INT32, repetitiontype=OPTIONAL"`
	Gender     *string `parquet:"name=gender, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL"` // "M" or "F"
	Occupation *string `parquet:"name=occupation, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL"`
	ZipCode    *string `parquet:"name=zip_code, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL"`
}

// HasDemographics reports whether any demographic field of u is set.
func (u *User) HasDemographics() bool {
	return u.Age != nil || u.Gender != nil || u.Occupation != nil || u.ZipCode != nil
}

// Tag is one row of tags.parquet: a tag users put on a kept movie and how
// many times it was applied (tags compared case-insensitively after
// trimming spaces; the first spelling seen is kept). Releases without tags
// write the table with no rows.
type Tag struct {
	MovieID int32  `parquet:"name=movie_id, type=INT32"`
	Tag     string `parquet:"name=tag, type=BYTE_ARRAY, convertedtype=UTF8"`
	Count   int32  `parquet:"name=count, type=INT32"`
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
	// Rating is the rating as given: whole stars 1..5 in ML-100K and ML-1M,
	// half stars 0.5..5.0 in the later releases (exact in a float32).
	Rating float32 `parquet:"name=rating, type=FLOAT"`
	// Timestamp is milliseconds since the Unix epoch (a parquet TIMESTAMP
	// marked isAdjustedToUTC, so readers show it in UTC).
	Timestamp int64 `parquet:"name=timestamp, type=INT64, convertedtype=TIMESTAMP_MILLIS, logicaltype=TIMESTAMP, logicaltype.isadjustedtoutc=true, logicaltype.unit=MILLIS"`
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
	UserID     int32     `parquet:"name=user_id, type=INT32"`
	MovieIDs   []int32   `parquet:"name=movie_ids, type=LIST, valuetype=INT32"`
	Timestamps []int64   `parquet:"name=timestamps, type=LIST, valuetype=INT64, valueconvertedtype=TIMESTAMP_MILLIS, valuelogicaltype=TIMESTAMP, valuelogicaltype.isadjustedtoutc=true, valuelogicaltype.unit=MILLIS"`
	Ratings    []float32 `parquet:"name=ratings, type=LIST, valuetype=FLOAT"`
	NTrain     int32     `parquet:"name=n_train, type=INT32"`
	NVal       int32     `parquet:"name=n_val, type=INT32"`
	NTest      int32     `parquet:"name=n_test, type=INT32"`
}

// Or returns *p, or def when p is nil (for the nullable columns).
func Or[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// Ptr returns a pointer to v (to fill the nullable columns).
func Ptr[T any](v T) *T { return &v }

// NewUser is a user with every demographic field set.
func NewUser(id, age int32, gender, occupation, zip string) User {
	return User{UserID: id, Age: &age, Gender: &gender, Occupation: &occupation, ZipCode: &zip}
}
