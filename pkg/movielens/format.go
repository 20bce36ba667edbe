package movielens

import (
	"fmt"
	"slices"
	"sort"
)

// Dataset names (params data_processing.dataset).
const (
	ML100K        = "ml-100k"
	ML1M          = "ml-1m"
	ML10M         = "ml-10m"
	ML20M         = "ml-20m"
	ML25M         = "ml-25m"
	ML32M         = "ml-32m"
	MLLatestSmall = "ml-latest-small"
	MLLatest      = "ml-latest"
	CSV           = "csv"
)

// Syntax is how a family of files is written.
type Syntax int

const (
	// Syntax100K: u.data (tabs), u.item, u.user, u.genre, u.occupation (pipes).
	Syntax100K Syntax = iota
	// SyntaxDat: "::"-separated ratings.dat, movies.dat, users.dat, tags.dat
	// without a header (ML-1M, ML-10M).
	SyntaxDat
	// SyntaxCSV: comma-separated files with a header line and quoted
	// fields where needed (ML-20M and later releases).
	SyntaxCSV
	// SyntaxOwn: this project's csv format for your own logs (see doc.go).
	SyntaxOwn
)

// Format describes one dataset's files: their names inside the dataset
// directory ("" = the dataset has no such file) and what their values may
// be.
type Format struct {
	Name   string
	Syntax Syntax
	// Zip is the GroupLens archive name, and ZipDir the folder its files
	// sit in inside it ("" for csv).
	Zip, ZipDir string
	// File names in the dataset directory.
	Ratings, Movies, Users, Tags, Links string
	// Extra files read only by ML-100K.
	Genres, Occupations string
	// HalfStars: ratings are 0.5..5.0 in steps of 0.5; else whole stars
	// 1..5. SyntaxOwn accepts any finite number.
	HalfStars bool
}

// Demographics reports whether the format has a users file with age,
// gender, occupation and zip code.
func (f *Format) Demographics() bool { return f.Users != "" && f.Syntax != SyntaxOwn }

// Files lists the file names the format reads, required ones first.
func (f *Format) Files() []string {
	var out []string
	for _, n := range []string{f.Genres, f.Occupations, f.Users, f.Movies, f.Ratings, f.Tags, f.Links} {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

func csvRelease(name, zipDir string) *Format {
	return &Format{Name: name, Syntax: SyntaxCSV, Zip: name + ".zip", ZipDir: zipDir,
		Ratings: "ratings.csv", Movies: "movies.csv", Tags: "tags.csv", Links: "links.csv", HalfStars: true}
}

var formats = map[string]*Format{
	ML100K: {Name: ML100K, Syntax: Syntax100K, Zip: "ml-100k.zip", ZipDir: "ml-100k",
		Ratings: DataFile, Movies: ItemFile, Users: UserFile, Genres: GenreFile, Occupations: OccupationFile},
	ML1M: {Name: ML1M, Syntax: SyntaxDat, Zip: "ml-1m.zip", ZipDir: "ml-1m",
		Ratings: "ratings.dat", Movies: "movies.dat", Users: "users.dat"},
	ML10M: {Name: ML10M, Syntax: SyntaxDat, Zip: "ml-10m.zip", ZipDir: "ml-10M100K",
		Ratings: "ratings.dat", Movies: "movies.dat", Tags: "tags.dat", HalfStars: true},
	ML20M:         csvRelease(ML20M, "ml-20m"),
	ML25M:         csvRelease(ML25M, "ml-25m"),
	ML32M:         csvRelease(ML32M, "ml-32m"),
	MLLatestSmall: csvRelease(MLLatestSmall, "ml-latest-small"),
	MLLatest:      csvRelease(MLLatest, "ml-latest"),
	CSV:           {Name: CSV, Syntax: SyntaxOwn, Ratings: "ratings.csv", Movies: "movies.csv", Users: "users.csv"},
}

// Lookup returns the format called name.
func Lookup(name string) (*Format, error) {
	f, ok := formats[name]
	if !ok {
		return nil, fmt.Errorf("dataset %q: want one of %v", name, Names())
	}
	c := *f
	return &c, nil
}

// Names lists the dataset names Lookup knows, sorted.
func Names() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// IsRelease reports whether name is a GroupLens release (not csv).
func IsRelease(name string) bool {
	f, ok := formats[name]
	return ok && f.Syntax != SyntaxOwn
}

// sortedGenres returns the distinct genre names of movies, sorted.
func sortedGenres(movies [][]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, gs := range movies {
		for _, g := range gs {
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	slices.Sort(out)
	return out
}
