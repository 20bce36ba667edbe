package semantic

import (
	"strings"
	"unicode/utf8"

	"github.com/moviegenie/pipeline/pkg/textembed"
)

// romanNumerals maps the Roman numerals of sequel titles to digits, so
// that "godfather 2" finds "The Godfather: Part II". "i", "v" and "x" are
// left alone: they are also words and letters ("Malcolm X").
var romanNumerals = map[string]string{
	"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8",
}

// normWord is the form a word is indexed and matched under: lower case
// without accents (as textembed.Words gives it), Roman numerals as digits.
func normWord(w string) string {
	if d, ok := romanNumerals[w]; ok {
		return d
	}
	return w
}

// words splits text into normalised words (textembed.Words, then
// normWords).
func words(text string) []string {
	return normWords(textembed.Words(text))
}

// normWords applies normWord to each word and joins runs of two or more
// one-letter words into one ("E.T." -> "et", "M*A*S*H" -> "mash",
// "L.A." -> "la"), the same way for titles and queries.
func normWords(ws []string) []string {
	out := make([]string, 0, len(ws))
	for i := 0; i < len(ws); {
		j := i
		for j < len(ws) && runeLen(ws[j]) == 1 {
			j++
		}
		if j-i >= 2 {
			out = append(out, strings.Join(ws[i:j], ""))
			i = j
			continue
		}
		out = append(out, normWord(ws[i]))
		i++
	}
	return out
}

// stem is a crude singular: a trailing "s" removed from words of four or
// more letters that do not end in "ss", "us" or "is" ("lambs" -> "lamb",
// "wars" -> "war"). Matching by stem is what makes "silence of the lamb"
// and "star war" work; it is not a linguistic stemmer.
func stem(w string) string {
	if len(w) < 4 || !strings.HasSuffix(w, "s") {
		return w
	}
	if strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is") {
		return w
	}
	return w[:len(w)-1]
}

// isNumber reports whether w is all ASCII digits. Numbers ("1941",
// "2001") match exactly or not at all: one digit off is another title.
func isNumber(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

// maxEdits is how many edits a query word of n letters may be away from a
// title word and still match it: none below 4 letters (too many short
// words are one edit apart), one up to 7, two from 8.
func maxEdits(n int) int {
	switch {
	case n < 4:
		return 0
	case n < 8:
		return 1
	default:
		return 2
	}
}

// Trigram padding: two start marks and one end mark, so that the first
// letter is in three trigrams and a one-edit typo always leaves a trigram
// in common with the word it misspells (the q-gram bound for words of at
// least four letters).
const (
	padStart = "\x01\x01"
	padEnd   = "\x02"
)

// trigrams returns the distinct padded trigrams of w, in order of first
// appearance.
func trigrams(w string) []string {
	r := []rune(padStart + w + padEnd)
	out := make([]string, 0, len(r)-2)
	seen := make(map[string]bool, len(r)-2)
	for i := 0; i+3 <= len(r); i++ {
		g := string(r[i : i+3])
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// editDistance returns the optimal-string-alignment distance between a and
// b (insertions, deletions, substitutions and transpositions of adjacent
// letters, each costing 1), or max+1 if it exceeds max. It compares runes.
func editDistance(a, b string, max int) int {
	if isASCII(a) && isASCII(b) {
		return osa([]byte(a), []byte(b), max)
	}
	return osa([]rune(a), []rune(b), max)
}

// osa is editDistance on letters. Words of 64 letters or more use the
// heap; shorter ones do not allocate.
func osa[T byte | rune](a, b []T, max int) int {
	n, m := len(a), len(b)
	if d := n - m; d > max || -d > max {
		return max + 1
	}
	var buf [3 * 64]int
	rows := buf[:]
	if m+1 > 64 {
		rows = make([]int, 3*(m+1))
	}
	// Three rows: two back (for transpositions), previous, current.
	prev2, prev, cur := rows[0:m+1], rows[m+1:2*(m+1)], rows[2*(m+1):3*(m+1)]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= m; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if prev[m] > max {
		return max + 1
	}
	return prev[m]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// runeLen is the number of runes of w.
func runeLen(w string) int { return utf8.RuneCountInString(w) }
