package textembed

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TokenizerVersion names the rules of Words and Terms. It is stored in every
// encoder file; Load refuses a file made with other rules, because its
// vocabulary would no longer match what queries tokenise to.
const TokenizerVersion = "words-v1"

// Words splits text into lower-case words. A word is a run of letters and
// digits; accents on Latin letters are removed ("Misérables" -> "miserables",
// "Æon" -> "aeon"); an apostrophe is dropped ("Schindler's" -> "schindlers")
// except after a one-letter word, where it separates ("L'Enfer" -> "l",
// "enfer"); every other character
// (space, punctuation, hyphen, slash) separates words ("Sci-Fi" -> "sci",
// "fi"). Words keeps every word, stop words included.
func Words(text string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range text {
		switch {
		case isApostrophe(r):
			// After a one-letter word it separates (French elision:
			// "L'Enfer" -> "l", "enfer"); elsewhere it is dropped
			// ("Schindler's" -> "schindlers").
			if utf8.RuneCountInString(cur.String()) == 1 {
				flush()
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if f, ok := fold[r]; ok {
				cur.WriteString(f)
			} else {
				cur.WriteRune(r)
			}
		case unicode.Is(unicode.Mn, r):
			// A combining accent (decomposed text): dropped like a
			// precomposed one.
		default:
			flush()
		}
	}
	flush()
	return out
}

// Terms returns the words of text that the encoder indexes: Words without
// stop words and without one-letter words other than digits.
func Terms(text string) []string {
	words := Words(text)
	out := words[:0]
	for _, w := range words {
		if IsStopWord(w) {
			continue
		}
		if len(w) == 1 && !(w[0] >= '0' && w[0] <= '9') {
			continue
		}
		out = append(out, w)
	}
	return out
}

// IsStopWord reports whether w (a word as Words returns it) is one of the
// stop words in stopwords.txt.
func IsStopWord(w string) bool { return stopWords[w] }

func isApostrophe(r rune) bool {
	return r == '\'' || r == '\u2019' || r == '\u2018' || r == '`' || r == '\u02bc'
}

//go:embed stopwords.txt
var stopWordsText string

var stopWords = parseStopWords(stopWordsText)

func parseStopWords(text string) map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		for _, w := range strings.Fields(line) {
			m[w] = true
		}
	}
	return m
}

// fold maps lower-case accented Latin letters to plain ASCII.
var fold = func() map[rune]string {
	groups := map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ďđð", "e": "èéêëēĕėęě",
		"g": "ĝğġģ", "h": "ĥħ", "i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ",
		"l": "ĺļľŀł", "n": "ñńņňŉ", "o": "òóôõöøōŏő", "r": "ŕŗř",
		"s": "śŝşšș", "t": "ţťŧț", "u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ",
		"z": "źżž", "ae": "æ", "oe": "œ", "ss": "ß", "th": "þ",
	}
	m := map[rune]string{}
	for plain, accented := range groups {
		for _, r := range accented {
			m[r] = plain
		}
	}
	return m
}()
