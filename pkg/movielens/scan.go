package movielens

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math"
	"strconv"
	"time"
)

// maxLine is the longest line the streaming readers accept.
const maxLine = 1 << 20

// scanLines calls fn for every non-blank line of r with its 1-based number,
// without the terminator ("\n" or "\r\n"), under the same rules as
// eachLine: blank lines only at the end, a newline ending the last line,
// no empty file. The slice passed to fn is valid only during the call.
func scanLines(file string, r io.Reader, fn func(n int, line []byte) error) error {
	br := bufio.NewReaderSize(r, 1<<20)
	n, blank, seen := 0, 0, false
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return lineErr(file, n+1, "line longer than %d bytes (not a text file?)", maxLine)
		}
		if len(line) == 0 && err == io.EOF {
			break
		}
		if err != nil && err != io.EOF {
			return lineErr(file, 0, "read: %v", err)
		}
		n++
		terminated := err == nil
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte{'\n'}), []byte{'\r'})
		if len(bytes.TrimSpace(line)) == 0 {
			if blank == 0 {
				blank = n
			}
			if !terminated {
				break
			}
			continue
		}
		if blank != 0 {
			return lineErr(file, blank, "blank line inside the file")
		}
		seen = true
		if !terminated {
			return lineErr(file, n, "last line %q has no newline at its end (truncated file?)", clip(string(line)))
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	if !seen {
		return lineErr(file, 0, "empty file")
	}
	return nil
}

// RatingRow is one rating line, parsed.
type RatingRow struct {
	User, Movie int32
	Rating      float32
	// Time is Unix seconds.
	Time int64
}

// ratingHeader is the header line of each syntax that has one.
var ratingHeader = map[Syntax]string{
	SyntaxCSV: "userId,movieId,rating,timestamp",
	SyntaxOwn: "user_id,movie_id,rating,timestamp",
}

// ScanRatings streams the ratings file of format f from r and calls fn for
// each rating in file order with its line number. It checks each line's
// fields, that ids are positive integers, the rating's range (whole stars
// 1..5, or half stars 0.5..5.0, or for csv any finite number) and that the
// timestamp is plausible Unix seconds; the first bad line is a *LineError.
// Duplicates and references to unknown movies are the caller's to check.
func ScanRatings(file string, r io.Reader, f *Format, fn func(line int, row RatingRow) error) error {
	var sep []byte
	names := "user, movie, rating, timestamp"
	switch f.Syntax {
	case Syntax100K:
		sep = []byte{'\t'}
	case SyntaxDat:
		sep = []byte("::")
	default:
		sep = []byte{','}
	}
	header := ratingHeader[f.Syntax]
	maxTS := maxTimestamp()
	var fields [4][]byte
	return scanLines(file, r, func(n int, line []byte) error {
		if header != "" && n == 1 {
			if got := string(bytes.TrimPrefix(line, []byte("\ufeff"))); got != header {
				return lineErr(file, n, "header %q: want %q", clip(got), header)
			}
			return nil
		}
		rest := line
		for i := range 3 {
			j := bytes.Index(rest, sep)
			if j < 0 {
				return fieldCountErr(file, n, line, sep, 4, names)
			}
			fields[i], rest = rest[:j], rest[j+len(sep):]
		}
		if bytes.Contains(rest, sep) {
			return fieldCountErr(file, n, line, sep, 4, names)
		}
		fields[3] = rest
		var row RatingRow
		var ok bool
		if row.User, ok = atoi32(fields[0]); !ok || row.User <= 0 {
			return idErr(file, n, "user id", fields[0])
		}
		if row.Movie, ok = atoi32(fields[1]); !ok || row.Movie <= 0 {
			return idErr(file, n, "movie id", fields[1])
		}
		rating, err := parseRating(fields[2], f)
		if err != "" {
			return lineErr(file, n, "rating %q: %s", clip(string(fields[2])), err)
		}
		row.Rating = rating
		ts, ok := atoi64(fields[3])
		if !ok {
			return lineErr(file, n, "timestamp %q: not an integer", clip(string(fields[3])))
		}
		if ts < MinTimestamp || ts > maxTS {
			return lineErr(file, n, "timestamp %d: want Unix seconds between %s and %s",
				ts, time.Unix(MinTimestamp, 0).UTC().Format(time.DateOnly), time.Unix(maxTS, 0).UTC().Format(time.DateOnly))
		}
		row.Time = ts
		return fn(n, row)
	})
}

func fieldCountErr(file string, n int, line, sep []byte, want int, names string) error {
	got := bytes.Count(line, sep) + 1
	hint := ""
	for _, d := range []struct{ c, name string }{{",", "commas"}, {";", "semicolons"}, {"\t", "tabs"}, {"|", "pipes"}, {"::", "double colons"}} {
		if d.c != string(sep) && bytes.Count(line, []byte(d.c)) >= want-1 {
			hint = " (separated by " + d.name + "?)"
			break
		}
	}
	sepName := map[string]string{"\t": "tab", "::": `"::"`, ",": "comma"}[string(sep)]
	return lineErr(file, n, "want %d %s-separated fields (%s), got %d%s", want, sepName, names, got, hint)
}

func idErr(file string, n int, what string, s []byte) error {
	if v, ok := atoi64(s); ok {
		return lineErr(file, n, "%s %d: want a positive integer below 2^31", what, v)
	}
	return lineErr(file, n, "%s %q: not an integer", what, clip(string(s)))
}

// parseRating parses a rating under f's rules, or says what is wrong.
func parseRating(s []byte, f *Format) (float32, string) {
	if len(s) == 1 && s[0] >= '0' && s[0] <= '9' { // fast path: "4"
		v := float32(s[0] - '0')
		if f.Syntax != SyntaxOwn && (v < 1 || v > 5) {
			return 0, ratingRange(f)
		}
		return v, ""
	}
	v, err := strconv.ParseFloat(string(s), 32)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, "not a number"
	}
	switch {
	case f.Syntax == SyntaxOwn:
	case f.HalfStars:
		if v < 0.5 || v > 5 || v*2 != math.Trunc(v*2) {
			return 0, ratingRange(f)
		}
	default:
		if v < 1 || v > 5 || v != math.Trunc(v) {
			return 0, ratingRange(f)
		}
	}
	return float32(v), ""
}

func ratingRange(f *Format) string {
	if f.HalfStars {
		return "want 0.5..5.0 in steps of 0.5"
	}
	return "want a whole number 1..5"
}

// atoi32 parses a decimal int32 without sign or spaces.
func atoi32(s []byte) (int32, bool) {
	v, ok := atoi64(s)
	if !ok || v > math.MaxInt32 {
		return 0, false
	}
	return int32(v), true
}

// atoi64 parses a decimal integer of at most 18 digits, optionally
// negative.
func atoi64(s []byte) (int64, bool) {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}
