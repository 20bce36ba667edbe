package features

import (
	"os"
	"path/filepath"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// Input file names in the processed directory. sequences.parquet is not
// read: ratings.parquet carries the same sequences with a split per row.
const (
	MoviesFile      = "movies.parquet"
	UsersFile       = "users.parquet"
	RatingsFile     = "ratings.parquet"
	GenresFile      = "genres.parquet"
	OccupationsFile = "occupations.parquet"
)

// Inputs are the processed tables the features are computed from.
type Inputs struct {
	Movies []tables.Movie
	Users  []tables.User
	// Ratings are ratings.parquet's rows, for Inputs built in memory;
	// ReadInputs leaves them nil and streams the table into compact
	// columns instead (see ratingRows).
	Ratings     []tables.Rating
	rows        *ratingRows
	Genres      []tables.Genre
	Occupations []tables.Occupation
	// Tags are the rows of the optional tags.parquet (nil without one).
	Tags []MovieTag
}

// InputPaths lists the files ReadInputs reads from dir, in reading order
// (tags.parquet only when dir has one).
func InputPaths(dir string) []string {
	names := []string{GenresFile, OccupationsFile, MoviesFile, UsersFile, RatingsFile}
	if _, err := os.Stat(filepath.Join(dir, TagsFile)); err == nil {
		names = append(names, TagsFile)
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = filepath.Join(dir, n)
	}
	return out
}

// ReadInputs reads the processed tables from dir. A missing file, a
// missing or mistyped column or an empty table is an error naming the file
// (and the column).
func ReadInputs(dir string) (*Inputs, error) {
	var in Inputs
	var err error
	if in.Genres, err = tables.Read[tables.Genre](filepath.Join(dir, GenresFile)); err != nil {
		return nil, err
	}
	if in.Occupations, err = tables.ReadMaybeEmpty[tables.Occupation](filepath.Join(dir, OccupationsFile)); err != nil {
		return nil, err
	}
	if in.Movies, err = tables.Read[tables.Movie](filepath.Join(dir, MoviesFile)); err != nil {
		return nil, err
	}
	if in.Users, err = tables.Read[tables.User](filepath.Join(dir, UsersFile)); err != nil {
		return nil, err
	}
	if in.rows, err = readRatingRows(filepath.Join(dir, RatingsFile)); err != nil {
		return nil, err
	}
	if in.Tags, err = readTags(filepath.Join(dir, TagsFile)); err != nil {
		return nil, err
	}
	return &in, nil
}

// NumRatings is the number of rows of the ratings table.
func (in *Inputs) NumRatings() int {
	if in.rows != nil {
		return in.rows.len()
	}
	return len(in.Ratings)
}
