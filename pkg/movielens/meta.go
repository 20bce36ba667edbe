package movielens

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// NoGenres is how the later releases write a movie without genres.
const NoGenres = "(no genres listed)"

// ML1MOccupations are ML-1M's occupation codes 0..20 (its README).
var ML1MOccupations = []string{"other", "academic/educator", "artist", "clerical/admin", "college/grad student",
	"customer service", "doctor/health care", "executive/managerial", "farmer", "homemaker", "K-12 student", "lawyer",
	"programmer", "retired", "sales/marketing", "scientist", "self-employed", "technician/engineer",
	"tradesman/craftsman", "unemployed", "writer"}

// ML1MAges are ML-1M's age-group codes (1 = under 18, ..., 56 = 56+).
var ML1MAges = []int32{1, 18, 25, 35, 45, 50, 56}

// splitGenres splits a pipe-separated genre field; NoGenres (and, for
// csv, an empty field) is no genre.
func splitGenres(file string, n int, s string, allowEmpty bool) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == NoGenres || s == "" && allowEmpty {
		return []string{}, nil
	}
	out := strings.Split(s, "|")
	for i, g := range out {
		g = strings.TrimSpace(g)
		if g == "" {
			return nil, lineErr(file, n, "genres %q: empty genre name (a movie without genres is written %q)", clip(s), NoGenres)
		}
		if slices.Contains(out[:i], g) {
			return nil, lineErr(file, n, "genres %q: %q twice", clip(s), g)
		}
		out[i] = g
	}
	return out, nil
}

// newMovie checks a title and fills the fields every format shares.
func newMovie(file string, n int, id int32, title string, genres []string) (tables.Movie, error) {
	title = strings.TrimSpace(title)
	if title == "" {
		return tables.Movie{}, lineErr(file, n, "empty title")
	}
	if msg := checkTitle(title); msg != "" {
		return tables.Movie{}, lineErr(file, n, "title %q: %s", clip(title), msg)
	}
	m := tables.Movie{MovieID: id, Title: title, Genres: genres}
	if y, ok := TitleYear(title); ok {
		m.Year = &y
	}
	return m, nil
}

// ReadMoviesDat reads an ML-1M/ML-10M movies.dat
// ("id::title::Genre|Genre"), ISO-8859-1 unless the whole file is valid
// UTF-8, and returns the movies in file order and the encoding read.
func ReadMoviesDat(file string, data []byte) ([]tables.Movie, string, error) {
	enc, text := decode(data)
	var movies []tables.Movie
	seen := map[int32]int{}
	err := eachLine(file, text, func(n int, line string) error {
		i, j := strings.Index(line, "::"), strings.LastIndex(line, "::")
		if i < 0 || j < i+2 {
			return lineErr(file, n, `want 3 "::"-separated fields (id, title, genres), got %d`, strings.Count(line, "::")+1)
		}
		id, err := parseID(file, n, "movie id", line[:i])
		if err != nil {
			return err
		}
		if first, dup := seen[id]; dup {
			return lineErr(file, n, "duplicate movie id %d (first at line %d)", id, first)
		}
		seen[id] = n
		genres, err := splitGenres(file, n, line[j+2:], false)
		if err != nil {
			return err
		}
		m, err := newMovie(file, n, id, line[i+2:j], genres)
		if err != nil {
			return err
		}
		movies = append(movies, m)
		return nil
	})
	return movies, enc, err
}

// ReadUsersDat reads ML-1M's users.dat
// ("id::gender::age code::occupation code::zip").
func ReadUsersDat(file string, data []byte) ([]tables.User, error) {
	var users []tables.User
	seen := map[int32]int{}
	err := eachLine(file, string(data), func(n int, line string) error {
		if err := checkText(file, n, line); err != nil {
			return err
		}
		f := strings.Split(line, "::")
		if len(f) != 5 {
			return lineErr(file, n, `want 5 "::"-separated fields (id, gender, age, occupation, zip code), got %d`, len(f))
		}
		id, err := parseID(file, n, "user id", f[0])
		if err != nil {
			return err
		}
		if first, dup := seen[id]; dup {
			return lineErr(file, n, "duplicate user id %d (first at line %d)", id, first)
		}
		seen[id] = n
		if f[1] != "M" && f[1] != "F" {
			return lineErr(file, n, "gender %q: want M or F", clip(f[1]))
		}
		age, err := strconv.Atoi(f[2])
		if err != nil || !slices.Contains(ML1MAges, int32(age)) {
			return lineErr(file, n, "age %q: want one of the age codes %v", clip(f[2]), ML1MAges)
		}
		occ, err := strconv.Atoi(f[3])
		if err != nil || occ < 0 || occ >= len(ML1MOccupations) {
			return lineErr(file, n, "occupation %q: want a code 0..%d", clip(f[3]), len(ML1MOccupations)-1)
		}
		zip := strings.TrimSpace(f[4])
		if zip == "" {
			return lineErr(file, n, "empty zip code")
		}
		users = append(users, tables.NewUser(id, int32(age), f[1], ML1MOccupations[occ], zip))
		return nil
	})
	return users, err
}

// csvRecords reads a comma-separated file with a header: the header must
// be exactly header (a UTF-8 byte-order mark is ignored); fn gets each
// record (reused between calls) with its line number. Quoted fields may
// hold commas, quotes ("") and newlines.
func csvRecords(file string, data []byte, header []string, fn func(n int, rec []string) error) error {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if len(bytes.TrimSpace(data)) == 0 {
		return lineErr(file, 0, "empty file")
	}
	if !utf8.Valid(data) {
		// Name the first bad line.
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte{'\n'})
		return lineErr(file, line, "not valid UTF-8 text (the csv files are UTF-8)")
	}
	if data[len(data)-1] != '\n' {
		return lineErr(file, 1+bytes.Count(data, []byte{'\n'}), "last line has no newline at its end (truncated file?)")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = len(header)
	r.ReuseRecord = true
	first := true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if errors.Is(pe.Err, csv.ErrFieldCount) {
					return lineErr(file, pe.StartLine, "want %d comma-separated fields (%s), got %d (a title with commas must be in double quotes)",
						len(header), strings.Join(header, ", "), len(rec))
				}
				return lineErr(file, pe.Line, "%v", pe.Err)
			}
			return lineErr(file, 0, "%v", err)
		}
		line, _ := r.FieldPos(0)
		if first {
			first = false
			if !slices.Equal(rec, header) {
				return lineErr(file, line, "header %q: want %q", clip(strings.Join(rec, ",")), strings.Join(header, ","))
			}
			continue
		}
		if err := fn(line, rec); err != nil {
			return err
		}
	}
	if first {
		return lineErr(file, 0, "empty file")
	}
	return nil
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// ReadMoviesCSV reads a movies.csv: "movieId,title,genres" for the
// releases, "movie_id,title,genres" for the csv format (where genres may be
// empty). Titles with commas or quotes are double-quoted.
func ReadMoviesCSV(file string, data []byte, own bool) ([]tables.Movie, error) {
	header := []string{"movieId", "title", "genres"}
	if own {
		header = []string{"movie_id", "title", "genres"}
	}
	var movies []tables.Movie
	seen := map[int32]int{}
	err := csvRecords(file, data, header, func(n int, rec []string) error {
		id, err := parseID(file, n, "movie id", rec[0])
		if err != nil {
			return err
		}
		if first, dup := seen[id]; dup {
			return lineErr(file, n, "duplicate movie id %d (first at line %d)", id, first)
		}
		seen[id] = n
		genres, err := splitGenres(file, n, rec[2], own)
		if err != nil {
			return err
		}
		m, err := newMovie(file, n, id, rec[1], genres)
		if err != nil {
			return err
		}
		movies = append(movies, m)
		return nil
	})
	return movies, err
}

// ReadUsersCSV reads the csv format's optional users.csv
// ("user_id,age,gender,occupation,zip_code"); every field but user_id may
// be empty (null).
func ReadUsersCSV(file string, data []byte) ([]tables.User, error) {
	var users []tables.User
	seen := map[int32]int{}
	err := csvRecords(file, data, []string{"user_id", "age", "gender", "occupation", "zip_code"}, func(n int, rec []string) error {
		id, err := parseID(file, n, "user id", rec[0])
		if err != nil {
			return err
		}
		if first, dup := seen[id]; dup {
			return lineErr(file, n, "duplicate user id %d (first at line %d)", id, first)
		}
		seen[id] = n
		u := tables.User{UserID: id}
		if s := strings.TrimSpace(rec[1]); s != "" {
			age, err := strconv.Atoi(s)
			if err != nil || age < MinAge || age > MaxAge {
				return lineErr(file, n, "age %q: want an integer %d..%d or empty", clip(s), MinAge, MaxAge)
			}
			u.Age = tables.Ptr(int32(age))
		}
		if s := strings.TrimSpace(rec[2]); s != "" {
			if s != "M" && s != "F" {
				return lineErr(file, n, "gender %q: want M, F or empty", clip(s))
			}
			u.Gender = &s
		}
		for _, f := range []struct {
			dst **string
			s   string
		}{{&u.Occupation, rec[3]}, {&u.ZipCode, rec[4]}} {
			if s := strings.TrimSpace(f.s); s != "" {
				if msg := checkTitle(s); msg != "" {
					return lineErr(file, n, "%q: %s", clip(s), msg)
				}
				*f.dst = &s
			}
		}
		users = append(users, u)
		return nil
	})
	return users, err
}

// TagCounter gathers tags per movie, compared case-insensitively after
// trimming spaces (the first spelling is kept).
type TagCounter struct {
	rows  []tables.Tag
	index map[tagKey]int
	// Empty counts the tags left empty (skipped).
	Empty int
}

type tagKey struct {
	movie int32
	tag   string
}

func (c *TagCounter) add(movie int32, tag string) {
	tag = strings.TrimSpace(tag)
	if tag == "" {
		c.Empty++
		return
	}
	if c.index == nil {
		c.index = map[tagKey]int{}
	}
	k := tagKey{movie, strings.ToLower(tag)}
	if i, ok := c.index[k]; ok {
		c.rows[i].Count++
		return
	}
	c.index[k] = len(c.rows)
	c.rows = append(c.rows, tables.Tag{MovieID: movie, Tag: tag, Count: 1})
}

// Rows returns the tags of the movies keep accepts (all when nil), by
// movie id, then count descending, then tag.
func (c *TagCounter) Rows(keep func(movie int32) bool) []tables.Tag {
	out := []tables.Tag{}
	for _, r := range c.rows {
		if keep == nil || keep(r.MovieID) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b tables.Tag) int {
		if a.MovieID != b.MovieID {
			return int(a.MovieID) - int(b.MovieID)
		}
		if a.Count != b.Count {
			return int(b.Count) - int(a.Count)
		}
		return strings.Compare(a.Tag, b.Tag)
	})
	return out
}

// ReadTags reads tags.dat ("user::movie::tag::timestamp", ISO-8859-1
// unless valid UTF-8) or tags.csv ("userId,movieId,tag,timestamp") into c.
// Every tag's movie must satisfy known.
func ReadTags(file string, data []byte, syntax Syntax, known func(movie int32) bool, c *TagCounter) error {
	add := func(n int, movieField, tag string) error {
		movie, err := parseID(file, n, "movie id", movieField)
		if err != nil {
			return err
		}
		if !known(movie) {
			return lineErr(file, n, "movie %d: not in the movies file", movie)
		}
		c.add(movie, tag)
		return nil
	}
	if syntax == SyntaxDat {
		_, text := decode(data)
		return eachLine(file, text, func(n int, line string) error {
			f := strings.Split(line, "::")
			if len(f) < 4 {
				return lineErr(file, n, `want 4 "::"-separated fields (user, movie, tag, timestamp), got %d`, len(f))
			}
			if _, err := parseID(file, n, "user id", f[0]); err != nil {
				return err
			}
			return add(n, f[1], strings.Join(f[2:len(f)-1], "::"))
		})
	}
	return csvRecords(file, data, []string{"userId", "movieId", "tag", "timestamp"}, func(n int, rec []string) error {
		if _, err := parseID(file, n, "user id", rec[0]); err != nil {
			return err
		}
		return add(n, rec[1], rec[2])
	})
}

// Link is one row of links.csv.
type Link struct {
	IMDbID string // digits, as written (zero-padded)
	TMDbID *int32
}

// ReadLinks reads links.csv ("movieId,imdbId,tmdbId"; tmdbId may be
// empty) into a map by movie id.
func ReadLinks(file string, data []byte) (map[int32]Link, error) {
	links := map[int32]Link{}
	err := csvRecords(file, data, []string{"movieId", "imdbId", "tmdbId"}, func(n int, rec []string) error {
		id, err := parseID(file, n, "movie id", rec[0])
		if err != nil {
			return err
		}
		if _, dup := links[id]; dup {
			return lineErr(file, n, "duplicate movie id %d", id)
		}
		var l Link
		if s := strings.TrimSpace(rec[1]); s != "" {
			if _, ok := atoi64([]byte(s)); !ok || s[0] == '-' {
				return lineErr(file, n, "imdbId %q: want digits", clip(s))
			}
			l.IMDbID = s
		}
		if s := strings.TrimSpace(rec[2]); s != "" {
			v, err := parseID(file, n, "tmdbId", s)
			if err != nil {
				return err
			}
			l.TMDbID = &v
		}
		links[id] = l
		return nil
	})
	return links, err
}

// IMDbURL is the IMDb title page of a links.csv imdbId.
func IMDbURL(imdbID string) string {
	return fmt.Sprintf("https://www.imdb.com/title/tt%s/", imdbID)
}
