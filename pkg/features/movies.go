package features

import (
	_ "embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/moviegenie/pipeline/pkg/tables"
	"github.com/moviegenie/pipeline/pkg/textembed"
)

// Plausible release years; a year outside is treated as unknown.
const (
	MinYear = 1870
	MaxYear = 2100
)

// articles are the leading articles MovieLens moves to the end of a title
// ("Usual Suspects, The", "Misérables, Les", "Enfer, L'").
var articles = map[string]bool{
	"The": true, "A": true, "An": true,
	"La": true, "Le": true, "Les": true, "L'": true, "Il": true, "Lo": true, "Gli": true,
	"El": true, "Los": true, "Las": true, "Un": true, "Una": true, "Une": true,
	"Das": true, "Der": true, "Die": true, "Det": true, "Den": true, "De": true, "Het": true,
	"O": true, "Os": true,
}

var yearGroup = regexp.MustCompile(`^([0-9]{4})(/[IVX]+)?$`)

// trailingGroups splits a title into its head and the parenthesised groups
// at its end, left to right: "Seven (Se7en) (1995)" gives "Seven" and
// ["Se7en", "1995"]. A title that is one group, or whose parentheses do not
// balance, has no groups.
func trailingGroups(title string) (head string, groups []string) {
	s := strings.TrimSpace(title)
	for strings.HasSuffix(s, ")") {
		depth, open := 0, -1
		for i := len(s) - 1; i >= 0 && open < 0; i-- {
			switch s[i] {
			case ')':
				depth++
			case '(':
				depth--
				if depth == 0 {
					open = i
				}
			}
		}
		if open <= 0 {
			break
		}
		groups = append([]string{strings.TrimSpace(s[open+1 : len(s)-1])}, groups...)
		s = strings.TrimSpace(s[:open])
	}
	return s, groups
}

// TitleYear returns the year of a MovieLens title: the last trailing
// "(1995)" or "(1995/II)" group, if it is within MinYear..MaxYear.
func TitleYear(title string) (int, bool) {
	_, groups := trailingGroups(title)
	for i := len(groups) - 1; i >= 0; i-- {
		if m := yearGroup.FindStringSubmatch(groups[i]); m != nil {
			y, _ := strconv.Atoi(m[1])
			if y >= MinYear && y <= MaxYear {
				return y, true
			}
			return 0, false
		}
	}
	return 0, false
}

// CleanTitle returns a MovieLens title as a reader would write it: trailing
// year groups and the "(V)"/"(TV)" markers removed, and a trailing article
// moved to the front of the title and of each alternative title:
// "City of Lost Children, The (Cité des enfants perdus, La) (1995)" becomes
// "The City of Lost Children (La Cité des enfants perdus)".
func CleanTitle(title string) string {
	head, groups := trailingGroups(title)
	var b strings.Builder
	b.WriteString(fixArticle(head))
	for _, g := range groups {
		if yearGroup.MatchString(g) || g == "V" || g == "TV" || g == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("(" + fixArticle(g) + ")")
	}
	return b.String()
}

func fixArticle(s string) string {
	i := strings.LastIndex(s, ", ")
	if i <= 0 {
		return s
	}
	art := strings.TrimSpace(s[i+2:])
	if !articles[art] {
		return s
	}
	if strings.HasSuffix(art, "'") {
		return art + s[:i]
	}
	return art + " " + s[:i]
}

// TitleTokens are the words of the clean title (textembed.Words: lower
// case, accents and punctuation removed; stop words kept).
func TitleTokens(title string) []string {
	w := textembed.Words(CleanTitle(title))
	if w == nil {
		w = []string{}
	}
	return w
}

// MovieYear is the movie's release year: movies.parquet's year when it is
// plausible, else the year in the title, else unknown (nil).
func MovieYear(m tables.Movie) *int32 {
	if m.Year != nil && *m.Year >= MinYear && *m.Year <= MaxYear {
		y := *m.Year
		return &y
	}
	if y, ok := TitleYear(m.Title); ok {
		v := int32(y)
		return &v
	}
	return nil
}

// DecadeIdx maps a release year to its decade index (see NumDecades): 0 for
// an unknown year, 1 for any year before 1920, 2 for the 1920s, ..., 11
// for the 2010s and 12 for 2020 and later.
func DecadeIdx(year *int32) int32 {
	switch {
	case year == nil:
		return 0
	case *year < 1920:
		return 1
	case *year >= 2020:
		return NumDecades - 1
	default:
		return (*year-1920)/10 + 2
	}
}

//go:embed genre_words.txt
var genreWordsText string

// GenreWords parses genre_words.txt: the curated descriptive words of each
// genre, by GenreKey of the genre name (look them up with GenreKey(name)).
func GenreWords() (map[string][]string, error) {
	return parseGenreWords(genreWordsText)
}

func parseGenreWords(text string) (map[string][]string, error) {
	out := map[string][]string{}
	for n, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, words, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("genre_words.txt line %d: want \"Genre: word word ...\"", n+1)
		}
		key := GenreKey(name)
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("genre_words.txt line %d: genre %q appears twice", n+1, name)
		}
		out[key] = strings.Fields(words)
	}
	return out, nil
}

// movieDocument is what the text encoder is fitted on for one movie: two
// fields, the clean title (weight titleWeight) and the descriptors (weight
// 1): the genre names (not a NoGenre name), the decade ("1990s 90s") and the
// curated words of each genre. The year itself is left out: a title query
// such as "Fargo (1996)" would otherwise pull towards every 1996 movie.
func movieDocument(title string, genres []string, year *int32, words map[string][]string, titleWeight float64) textembed.Document {
	var desc []string
	for _, g := range genres {
		if !NoGenre(g) {
			desc = append(desc, g)
		}
	}
	if year != nil {
		d := *year / 10 * 10
		desc = append(desc, fmt.Sprintf("%ds %02ds", d, d%100))
	}
	for _, g := range genres {
		desc = append(desc, words[GenreKey(g)]...)
	}
	return textembed.Document{
		{Text: CleanTitle(title), Weight: titleWeight},
		{Text: strings.Join(desc, " "), Weight: 1},
	}
}
