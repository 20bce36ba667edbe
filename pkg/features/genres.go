package features

import (
	"strings"
	"unicode"
)

// GenreKey is the spelling-insensitive key of a genre name: lower case,
// letters and digits only, a possessive "'s" dropped. Releases spell some
// genres differently (ML-100K "Children's", ML-25M "Children"); curated
// genre words and query cues are looked up by key, so both spellings, and
// a user's own genres, find them.
func GenreKey(name string) string {
	s := strings.ToLower(strings.TrimSpace(name))
	for _, suf := range []string{"'s", "\u2019s"} {
		s = strings.TrimSuffix(s, suf)
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NoGenre reports whether a genre name stands for "no genre": ML-100K's
// "unknown" and the CSV releases' "(no genres listed)". Such a genre keeps
// its multi-hot column (the data has it) but adds no words to a movie's
// text and is never a query cue.
func NoGenre(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	return n == "" || n == "unknown" || n == "(no genres listed)" || n == "no genres listed"
}
