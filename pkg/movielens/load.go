package movielens

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// The raw files Load reads, in the order it reads them.
const (
	GenreFile      = "u.genre"
	OccupationFile = "u.occupation"
	UserFile       = "u.user"
	ItemFile       = "u.item"
	DataFile       = "u.data"
)

// Files lists the raw files Load reads, in reading order.
var Files = []string{GenreFile, OccupationFile, UserFile, ItemFile, DataFile}

// Input identifies one raw file by content.
type Input struct {
	Path   string
	Bytes  int64
	SHA256 string
}

// Check is one validation check that ran and passed, with what it saw.
type Check struct {
	Name   string
	Detail string
}

// Dataset is a whole raw directory, read and validated. Slices are in file
// order.
type Dataset struct {
	Inputs      []Input
	Genres      []string
	Occupations []string
	Users       []tables.User
	Movies      []tables.Movie
	// Ratings have Timestamp in milliseconds; Position and Split are zero.
	Ratings []tables.Rating
	// Encoding is the encoding u.item was decoded from (Latin1 or UTF8).
	Encoding string
	Checks   []Check
}

// Load reads and validates the raw files in dir. It fails on the first
// problem, with an error naming the file and line (see LineError).
func Load(dir string) (*Dataset, error) {
	ds := &Dataset{}
	raw := map[string][]byte{}
	for _, name := range Files {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read raw file: %w", err)
		}
		sum := sha256.Sum256(data)
		ds.Inputs = append(ds.Inputs, Input{Path: path, Bytes: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
		raw[name] = data
	}
	path := func(name string) string { return filepath.Join(dir, name) }
	check := func(name, format string, args ...any) {
		ds.Checks = append(ds.Checks, Check{Name: name, Detail: fmt.Sprintf(format, args...)})
	}
	var err error

	if ds.Genres, err = ReadGenres(path(GenreFile), raw[GenreFile]); err != nil {
		return nil, err
	}
	check("u.genre schema", "%d genres, 2 pipe-separated fields per line, indices 0..%d in order, names unique", len(ds.Genres), len(ds.Genres)-1)

	if ds.Occupations, err = ReadOccupations(path(OccupationFile), raw[OccupationFile]); err != nil {
		return nil, err
	}
	check("u.occupation schema", "%d occupations, one per line, unique", len(ds.Occupations))

	if ds.Users, err = ReadUsers(path(UserFile), raw[UserFile], ds.Occupations); err != nil {
		return nil, err
	}
	minAge, maxAge, genders := int32(1<<30), int32(0), map[string]int{}
	for _, u := range ds.Users {
		minAge, maxAge = min(minAge, *u.Age), max(maxAge, *u.Age)
		genders[*u.Gender]++
	}
	check("u.user schema", "%d users, 5 pipe-separated fields per line", len(ds.Users))
	check("u.user integers", "user id and age parse as integers on every line")
	check("u.user ranges", "ids positive; ages %d..%d within %d..%d; gender M %d, F %d; every occupation in u.occupation",
		minAge, maxAge, MinAge, MaxAge, genders["M"], genders["F"])
	check("u.user unique ids", "%d distinct user ids", len(ds.Users))

	if ds.Movies, ds.Encoding, err = ReadMovies(path(ItemFile), raw[ItemFile], ds.Genres); err != nil {
		return nil, err
	}
	nonASCII, noDate, noYear, noURL := 0, 0, 0, 0
	for _, m := range ds.Movies {
		for _, r := range m.Title {
			if r >= 0x80 {
				nonASCII++
				break
			}
		}
		if m.ReleaseDate == nil {
			noDate++
		}
		if m.Year == nil {
			noYear++
		}
		if m.IMDbURL == nil {
			noURL++
		}
	}
	check("u.item schema", "%d movies, %d pipe-separated fields per line (5 + %d genre flags)", len(ds.Movies), 5+len(ds.Genres), len(ds.Genres))
	check("u.item integers and dates", "ids parse; release dates DD-Mon-YYYY or missing (missing: %d); without a year: %d; without an IMDb URL: %d", noDate, noYear, noURL)
	check("u.item genre flags", "every flag is 0 or 1")
	check("u.item unique ids", "%d distinct movie ids", len(ds.Movies))
	check("u.item encoding", "decoded from %s; every title valid UTF-8 without control characters or double-encoding marks; titles with non-ASCII letters: %d", ds.Encoding, nonASCII)

	users := make(map[int32]bool, len(ds.Users))
	for _, u := range ds.Users {
		users[u.UserID] = true
	}
	movies := make(map[int32]bool, len(ds.Movies))
	for _, m := range ds.Movies {
		movies[m.MovieID] = true
	}
	if ds.Ratings, err = ReadRatings(path(DataFile), raw[DataFile], users, movies); err != nil {
		return nil, err
	}
	minTS, maxTS := int64(1<<62), int64(0)
	for _, r := range ds.Ratings {
		minTS, maxTS = min(minTS, r.Timestamp), max(maxTS, r.Timestamp)
	}
	day := func(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.DateOnly) }
	check("u.data schema", "%d ratings, 4 tab-separated fields per line", len(ds.Ratings))
	check("u.data integers", "user, item, rating and timestamp parse as integers on every line")
	check("u.data ranges", "ids positive, every rating 1..5")
	check("u.data timestamps plausible", "%s..%s UTC, within 1990-01-01..tomorrow", day(minTS), day(maxTS))
	check("u.data unique (user, movie) pairs", "%d distinct pairs", len(ds.Ratings))
	check("u.data referential integrity", "every rating's user is in u.user (%d users) and movie in u.item (%d movies)", len(ds.Users), len(ds.Movies))
	return ds, nil
}
