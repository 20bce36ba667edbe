package movielens

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// Source is a dataset on disk: its format and the path of each file.
type Source struct {
	Format *Format
	// Paths of the files; "" = absent. NewSource fills them from a
	// directory and the format's file names.
	Ratings, Movies, Users, Tags, Links, Genres, Occupations string
}

// NewSource locates f's files in dir. For csv, a users.csv that does not
// exist is left out (it is optional); every other file must exist.
func NewSource(dir string, f *Format) (*Source, error) {
	p := func(name string) string {
		if name == "" {
			return ""
		}
		return filepath.Join(dir, name)
	}
	s := &Source{Format: f, Ratings: p(f.Ratings), Movies: p(f.Movies), Users: p(f.Users), Tags: p(f.Tags),
		Links: p(f.Links), Genres: p(f.Genres), Occupations: p(f.Occupations)}
	if f.Syntax == SyntaxOwn && s.Users != "" {
		if _, err := os.Stat(s.Users); os.IsNotExist(err) {
			s.Users = ""
		}
	}
	return s, s.check()
}

// check reports every file of s that is missing.
func (s *Source) check() error {
	var missing []string
	for _, p := range s.paths() {
		if _, err := os.Stat(p); err != nil {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("dataset %s: missing %s", s.Format.Name, strings.Join(missing, ", "))
	}
	return nil
}

func (s *Source) paths() []string {
	var out []string
	for _, p := range []string{s.Genres, s.Occupations, s.Users, s.Movies, s.Ratings, s.Tags, s.Links} {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Meta is everything of a dataset but its ratings: small enough to hold
// in memory at any size (it grows with movies and users).
type Meta struct {
	Genres      []string
	Occupations []string
	// Users is nil when the dataset has no users file.
	Users []tables.User
	// Movies in file order, with IMDb URL and TMDb id from links.csv.
	Movies []tables.Movie
	Tags   TagCounter
	// Encoding is the encoding of the movies file (Latin1 or UTF8).
	Encoding string
	Inputs   []Input
	Checks   []Check
}

// LoadMeta reads and validates every file of s but the ratings.
func (s *Source) LoadMeta() (*Meta, error) {
	m := &Meta{}
	read := func(path string) ([]byte, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read raw file: %w", err)
		}
		sum := sha256.Sum256(data)
		m.Inputs = append(m.Inputs, Input{Path: path, Bytes: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
		return data, nil
	}
	check := func(name, format string, args ...any) {
		m.Checks = append(m.Checks, Check{Name: name, Detail: fmt.Sprintf(format, args...)})
	}
	f := s.Format
	base := func(p string) string { return filepath.Base(p) }
	if f.Syntax == Syntax100K {
		g, err := read(s.Genres)
		if err != nil {
			return nil, err
		}
		if m.Genres, err = ReadGenres(s.Genres, g); err != nil {
			return nil, err
		}
		check(base(s.Genres)+" schema", "%d genres, indices in order, names unique", len(m.Genres))
		o, err := read(s.Occupations)
		if err != nil {
			return nil, err
		}
		if m.Occupations, err = ReadOccupations(s.Occupations, o); err != nil {
			return nil, err
		}
		check(base(s.Occupations)+" schema", "%d occupations, unique", len(m.Occupations))
	}
	if s.Users != "" {
		data, err := read(s.Users)
		if err != nil {
			return nil, err
		}
		switch f.Syntax {
		case Syntax100K:
			m.Users, err = ReadUsers(s.Users, data, m.Occupations)
		case SyntaxDat:
			m.Occupations = ML1MOccupations
			m.Users, err = ReadUsersDat(s.Users, data)
		default:
			m.Users, err = ReadUsersCSV(s.Users, data)
		}
		if err != nil {
			return nil, err
		}
		if f.Syntax == SyntaxOwn {
			m.Occupations = ownOccupations(m.Users)
		}
		demo := 0
		for _, u := range m.Users {
			if u.HasDemographics() {
				demo++
			}
		}
		check(base(s.Users)+" schema", "%d users, every line with its fields", len(m.Users))
		check(base(s.Users)+" ranges", "ids positive; ages, genders and occupations valid or empty; users with demographics: %d", demo)
		check(base(s.Users)+" unique ids", "%d distinct user ids", len(m.Users))
	}
	data, err := read(s.Movies)
	if err != nil {
		return nil, err
	}
	var names [][]string
	switch f.Syntax {
	case Syntax100K:
		m.Movies, m.Encoding, err = ReadMovies(s.Movies, data, m.Genres)
	case SyntaxDat:
		m.Movies, m.Encoding, err = ReadMoviesDat(s.Movies, data)
	default:
		m.Encoding = UTF8
		m.Movies, err = ReadMoviesCSV(s.Movies, data, f.Syntax == SyntaxOwn)
	}
	if err != nil {
		return nil, err
	}
	if f.Syntax != Syntax100K {
		for _, mv := range m.Movies {
			names = append(names, mv.Genres)
		}
		m.Genres = sortedGenres(names)
		order := map[string]int{}
		for i, g := range m.Genres {
			order[g] = i
		}
		for _, mv := range m.Movies {
			sortByIndex(mv.Genres, order)
		}
	}
	noYear, noGenre := 0, 0
	for _, mv := range m.Movies {
		if mv.Year == nil {
			noYear++
		}
		if len(mv.Genres) == 0 {
			noGenre++
		}
	}
	check(base(s.Movies)+" schema", "%d movies, %d genres; without a year: %d; without genres: %d", len(m.Movies), len(m.Genres), noYear, noGenre)
	check(base(s.Movies)+" unique ids", "%d distinct movie ids", len(m.Movies))
	check(base(s.Movies)+" genres", "every movie's genres among the %d of genres.parquet, none twice", len(m.Genres))
	check(base(s.Movies)+" encoding", "decoded from %s; titles valid UTF-8 without control characters or double-encoding marks", m.Encoding)
	known := make(map[int32]int, len(m.Movies))
	for i, mv := range m.Movies {
		known[mv.MovieID] = i
	}
	isKnown := func(id int32) bool { _, ok := known[id]; return ok }
	if s.Tags != "" {
		data, err := read(s.Tags)
		if err != nil {
			return nil, err
		}
		if err := ReadTags(s.Tags, data, f.Syntax, isKnown, &m.Tags); err != nil {
			return nil, err
		}
		check(base(s.Tags)+" schema", "%d distinct (movie, tag) pairs; every tag's movie in %s; empty tags skipped: %d", len(m.Tags.rows), base(s.Movies), m.Tags.Empty)
	}
	if s.Links != "" {
		data, err := read(s.Links)
		if err != nil {
			return nil, err
		}
		links, err := ReadLinks(s.Links, data)
		if err != nil {
			return nil, err
		}
		for id, l := range links {
			i, ok := known[id]
			if !ok {
				continue
			}
			if l.IMDbID != "" {
				m.Movies[i].IMDbURL = tables.Ptr(IMDbURL(l.IMDbID))
			}
			m.Movies[i].TMDbID = l.TMDbID
		}
		check(base(s.Links)+" schema", "%d links; imdbId digits, tmdbId a positive integer or empty", len(links))
	}
	return m, nil
}

// ownOccupations lists the distinct occupations of a csv users file, sorted.
func ownOccupations(users []tables.User) []string {
	var names [][]string
	for _, u := range users {
		if u.Occupation != nil {
			names = append(names, []string{*u.Occupation})
		}
	}
	return sortedGenres(names)
}

func sortByIndex(names []string, order map[string]int) {
	for i := 1; i < len(names); i++ {
		for j := i; j > 0 && order[names[j]] < order[names[j-1]]; j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
}

// OpenRatings opens the ratings file; the returned Input is filled in (size
// and SHA-256 of what was read) when the reader is closed.
func (s *Source) OpenRatings(in *Input) (io.ReadCloser, error) {
	f, err := os.Open(s.Ratings)
	if err != nil {
		return nil, fmt.Errorf("read raw file: %w", err)
	}
	*in = Input{Path: s.Ratings}
	return &hashingReader{f: f, h: sha256.New(), in: in}, nil
}

type hashingReader struct {
	f *os.File
	h interface {
		io.Writer
		Sum([]byte) []byte
	}
	in *Input
}

func (r *hashingReader) Read(p []byte) (int, error) {
	n, err := r.f.Read(p)
	r.h.Write(p[:n])
	r.in.Bytes += int64(n)
	return n, err
}

func (r *hashingReader) Close() error {
	r.in.SHA256 = hex.EncodeToString(r.h.Sum(nil))
	return r.f.Close()
}
