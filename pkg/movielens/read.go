package movielens

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// Plausibility bounds.
const (
	MinAge = 1
	MaxAge = 120
	// MinTimestamp is 1990-01-01T00:00:00Z, years before any MovieLens data.
	MinTimestamp = 631152000
)

// maxTimestamp is the latest plausible rating time (Unix seconds): one day
// after now, to allow for clock skew.
var maxTimestamp = func() int64 { return time.Now().Add(24 * time.Hour).Unix() }

// Encodings ReadMovies recognises.
const (
	Latin1 = "ISO-8859-1"
	UTF8   = "UTF-8"
)

// ReadGenres reads u.genre ("name|index" lines, index 0, 1, 2, ... in
// order) and returns the genre names in index order.
func ReadGenres(file string, data []byte) ([]string, error) {
	var names []string
	seen := map[string]int{}
	err := eachLine(file, string(data), func(n int, line string) error {
		if err := checkText(file, n, line); err != nil {
			return err
		}
		f, err := splitFields(file, n, line, '|', "pipe", 2, "name, index")
		if err != nil {
			return err
		}
		name := strings.TrimSpace(f[0])
		if name == "" {
			return lineErr(file, n, "empty genre name")
		}
		idx, err := strconv.Atoi(f[1])
		if err != nil {
			return lineErr(file, n, "genre index %q: not an integer", clip(f[1]))
		}
		if idx != len(names) {
			return lineErr(file, n, "genre index %d: want %d (indices run 0, 1, 2, ... in file order)", idx, len(names))
		}
		if first, dup := seen[name]; dup {
			return lineErr(file, n, "duplicate genre %q (first at line %d)", name, first)
		}
		seen[name] = n
		names = append(names, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return names, nil
}

// ReadOccupations reads u.occupation (one name per line) and returns the
// names in file order.
func ReadOccupations(file string, data []byte) ([]string, error) {
	var names []string
	seen := map[string]int{}
	err := eachLine(file, string(data), func(n int, line string) error {
		if err := checkText(file, n, line); err != nil {
			return err
		}
		name := strings.TrimSpace(line)
		if strings.ContainsAny(name, "|\t") {
			return lineErr(file, n, "occupation %q: want one name per line", name)
		}
		if first, dup := seen[name]; dup {
			return lineErr(file, n, "duplicate occupation %q (first at line %d)", name, first)
		}
		seen[name] = n
		names = append(names, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return names, nil
}

// ReadUsers reads u.user ("id|age|gender|occupation|zip") in file order.
// Occupations must be among occupations.
func ReadUsers(file string, data []byte, occupations []string) ([]tables.User, error) {
	known := map[string]bool{}
	for _, o := range occupations {
		known[o] = true
	}
	var users []tables.User
	seen := map[int32]int{}
	err := eachLine(file, string(data), func(n int, line string) error {
		if err := checkText(file, n, line); err != nil {
			return err
		}
		f, err := splitFields(file, n, line, '|', "pipe", 5, "id, age, gender, occupation, zip code")
		if err != nil {
			return err
		}
		id, err := parseID(file, n, "user id", f[0])
		if err != nil {
			return err
		}
		if first, dup := seen[id]; dup {
			return lineErr(file, n, "duplicate user id %d (first at line %d)", id, first)
		}
		seen[id] = n
		age, err := strconv.Atoi(f[1])
		if err != nil {
			return lineErr(file, n, "age %q: not an integer", clip(f[1]))
		}
		if age < MinAge || age > MaxAge {
			return lineErr(file, n, "age %d: want %d..%d", age, MinAge, MaxAge)
		}
		if f[2] != "M" && f[2] != "F" {
			return lineErr(file, n, "gender %q: want M or F", clip(f[2]))
		}
		if !known[f[3]] {
			return lineErr(file, n, "occupation %q: not in u.occupation", clip(f[3]))
		}
		zip := strings.TrimSpace(f[4])
		if zip == "" {
			return lineErr(file, n, "empty zip code")
		}
		users = append(users, tables.NewUser(id, int32(age), f[2], f[3], zip))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return users, nil
}

// ReleaseDateLayout is the layout of u.item release dates (01-Jan-1995;
// 4-Feb-1971 occurs too).
const ReleaseDateLayout = "2-Jan-2006"

// ReadMovies reads u.item ("id|title|release date|video release
// date|IMDb URL|flag|flag|..." with one 0/1 flag per genre) in file order,
// and says which encoding it decoded: ISO-8859-1 unless the whole file is
// valid UTF-8. Titles are trimmed of surrounding spaces. Year is the film's
// year from the title (TitleYear), else the release date's, else nil.
func ReadMovies(file string, data []byte, genres []string) ([]tables.Movie, string, error) {
	enc, text := decode(data)
	var movies []tables.Movie
	seen := map[int32]int{}
	nf := 5 + len(genres)
	err := eachLine(file, text, func(n int, line string) error {
		f, err := splitFields(file, n, line, '|', "pipe", nf, "id, title, release date, video release date, IMDb URL, then one flag per genre")
		if err != nil {
			return err
		}
		id, err := parseID(file, n, "movie id", f[0])
		if err != nil {
			return err
		}
		if first, dup := seen[id]; dup {
			return lineErr(file, n, "duplicate movie id %d (first at line %d)", id, first)
		}
		seen[id] = n
		title := strings.TrimSpace(f[1])
		if title == "" {
			return lineErr(file, n, "empty title")
		}
		if err := checkTitle(title); err != "" {
			return lineErr(file, n, "title %q: %s", title, err)
		}
		m := tables.Movie{MovieID: id, Title: title, Genres: []string{}}
		if s := strings.TrimSpace(f[2]); s != "" {
			t, err := time.Parse(ReleaseDateLayout, s)
			if err != nil {
				return lineErr(file, n, "release date %q: want DD-Mon-YYYY such as 01-Jan-1995", clip(s))
			}
			days := int32(t.Unix() / 86400)
			year := int32(t.Year())
			m.ReleaseDate, m.Year = &days, &year
		}
		if y, ok := TitleYear(title); ok {
			m.Year = &y
		}
		if s := strings.TrimSpace(f[4]); s != "" {
			m.IMDbURL = &s
		}
		for i, flag := range f[5:] {
			switch flag {
			case "1":
				m.Genres = append(m.Genres, genres[i])
			case "0":
			default:
				return lineErr(file, n, "genre flag %d (%s) %q: want 0 or 1", i, genres[i], clip(flag))
			}
		}
		movies = append(movies, m)
		return nil
	})
	if err != nil {
		return nil, enc, err
	}
	return movies, enc, nil
}

// decode turns u.item's bytes into UTF-8 text: as is when they are valid
// UTF-8, else byte by byte from ISO-8859-1 (each byte is the code point of
// the same value).
func decode(data []byte) (enc, text string) {
	if utf8.Valid(data) {
		return UTF8, string(data)
	}
	var b strings.Builder
	b.Grow(len(data) + len(data)/64)
	for _, c := range data {
		if c < utf8.RuneSelf {
			b.WriteByte(c)
		} else {
			b.WriteRune(rune(c))
		}
	}
	return Latin1, b.String()
}

// checkTitle returns what is wrong with a decoded title, or "".
func checkTitle(title string) string {
	if !utf8.ValidString(title) {
		return "not valid UTF-8"
	}
	prev := rune(0)
	for _, r := range title {
		if unicode.IsControl(r) {
			return "control character " + strconv.QuoteRune(r) + " (wrong encoding?)"
		}
		if prev == 'Ã' && r >= 0x80 && r <= 0xbf {
			return "looks UTF-8 encoded twice (\"Ã\" followed by a continuation character)"
		}
		prev = r
	}
	return ""
}

// ReadRatings reads u.data ("user<TAB>item<TAB>rating<TAB>unix seconds") in
// file order. Timestamps come out in milliseconds; Position and Split are
// left zero. Each (user, movie) pair may appear once. When users (movies)
// is not nil, every rating's user (movie) must be in it.
func ReadRatings(file string, data []byte, users, movies map[int32]bool) ([]tables.Rating, error) {
	text := string(data)
	ratings := make([]tables.Rating, 0, strings.Count(text, "\n")+1)
	seen := make(map[uint64]int32, cap(ratings))
	maxTS := maxTimestamp()
	err := eachLine(file, text, func(n int, line string) error {
		f, err := splitFields(file, n, line, '\t', "tab", 4, "user, item, rating, timestamp")
		if err != nil {
			return err
		}
		user, err := parseID(file, n, "user id", f[0])
		if err != nil {
			return err
		}
		movie, err := parseID(file, n, "movie id", f[1])
		if err != nil {
			return err
		}
		rating, err := strconv.Atoi(f[2])
		if err != nil {
			return lineErr(file, n, "rating %q: not an integer", clip(f[2]))
		}
		if rating < 1 || rating > 5 {
			return lineErr(file, n, "rating %d: want 1..5", rating)
		}
		ts, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			return lineErr(file, n, "timestamp %q: not an integer", clip(f[3]))
		}
		if ts < MinTimestamp || ts > maxTS {
			return lineErr(file, n, "timestamp %d: want Unix seconds between %s and %s",
				ts, time.Unix(MinTimestamp, 0).UTC().Format(time.DateOnly), time.Unix(maxTS, 0).UTC().Format(time.DateOnly))
		}
		if users != nil && !users[user] {
			return lineErr(file, n, "user %d: not in u.user", user)
		}
		if movies != nil && !movies[movie] {
			return lineErr(file, n, "movie %d: not in u.item", movie)
		}
		key := uint64(user)<<32 | uint64(movie)
		if first, dup := seen[key]; dup {
			return lineErr(file, n, "duplicate rating of movie %d by user %d (first at line %d)", movie, user, first)
		}
		seen[key] = int32(n)
		ratings = append(ratings, tables.Rating{UserID: user, MovieID: movie, Rating: float32(rating), Timestamp: ts * 1000})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ratings, nil
}
