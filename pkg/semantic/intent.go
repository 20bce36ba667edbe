package semantic

import (
	"math"

	"github.com/moviegenie/pipeline/pkg/features"
	"slices"
	"strconv"
	"strings"
)

// genreCues are the words and two-word phrases of a query that ask for a
// genre, by MovieLens genre name (matched to the data's genres by
// features.GenreKey, so "Children's" also finds ML-25M's "Children").
// Beyond these, a query word that is itself the key of one of the data's
// genres ("imax", or a genre of the user's own csv data) asks for it. Only unambiguous cues are here: weaker
// descriptive words ("space", "detective", "love") are left to the text
// embedding, whose movie documents carry the curated genre words of the
// features stage. "wars" is deliberately not a War cue ("Star Wars").
var genreCues = map[string][]string{
	"animated": {"Animation"}, "animation": {"Animation"}, "animations": {"Animation"},
	"cartoon": {"Animation"}, "cartoons": {"Animation"}, "anime": {"Animation"},
	"kids": {"Children's"}, "kid": {"Children's"}, "children": {"Children's"},
	"childrens": {"Children's"}, "child": {"Children's"}, "family": {"Children's"},
	"comedy": {"Comedy"}, "comedies": {"Comedy"}, "funny": {"Comedy"}, "hilarious": {"Comedy"},
	"humorous": {"Comedy"}, "comedic": {"Comedy"},
	"horror": {"Horror"}, "scary": {"Horror"}, "frightening": {"Horror"}, "terrifying": {"Horror"},
	"creepy": {"Horror"}, "spooky": {"Horror"}, "slasher": {"Horror"},
	"romance": {"Romance"}, "romances": {"Romance"}, "romantic": {"Romance"},
	"romcom": {"Romance", "Comedy"}, "rom com": {"Romance", "Comedy"},
	"scifi": {"Sci-Fi"}, "sci fi": {"Sci-Fi"}, "science fiction": {"Sci-Fi"},
	"noir":      {"Film-Noir"},
	"action":    {"Action"},
	"adventure": {"Adventure"}, "adventures": {"Adventure"},
	"crime": {"Crime"}, "gangster": {"Crime"}, "gangsters": {"Crime"}, "mafia": {"Crime"},
	"documentary": {"Documentary"}, "documentaries": {"Documentary"},
	"drama": {"Drama"}, "dramas": {"Drama"},
	"fantasy": {"Fantasy"},
	"musical": {"Musical"}, "musicals": {"Musical"},
	"mystery": {"Mystery"}, "mysteries": {"Mystery"}, "whodunit": {"Mystery"},
	"thriller": {"Thriller"}, "thrillers": {"Thriller"}, "suspense": {"Thriller"}, "suspenseful": {"Thriller"},
	"war":     {"War"},
	"western": {"Western"}, "westerns": {"Western"}, "cowboy": {"Western"}, "cowboys": {"Western"},
}

// genreLookup maps the features.GenreKey of each genre name to its index;
// "no genre" names (features.NoGenre) are left out: never asked for.
func genreLookup(names []string) map[string]int {
	idx := make(map[string]int, len(names))
	for i, g := range names {
		if !features.NoGenre(g) {
			idx[features.GenreKey(g)] = i
		}
	}
	return idx
}

// decadeWords name decades in words.
var decadeWords = map[string]int{
	"twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950,
	"sixties": 1960, "seventies": 1970, "eighties": 1980, "nineties": 1990,
}

// Open ends of an era.
const (
	eraMin = math.MinInt32
	eraMax = math.MaxInt32
)

// Era is a span of release years, both ends included (eraMin/eraMax when
// open).
type Era struct{ From, To int }

// likeCues introduce the title of a "movies like X" query.
var likeCues = map[string]bool{"like": true, "similar": true, "resembling": true, "alike": true}

// intent is what a query asks for beyond its words.
type intent struct {
	genres   []int // asked genres (index into Index.genres), distinct, ascending
	era      *Era
	consumed []bool // per query word: used as a genre or era cue
}

// parseIntent finds genre and era cues in ws (normalised words).
// isTitleWord says whether a word occurs in some title: a year that is a
// title word ("1941", "2001") is taken as a title word, not an era.
// latest is the latest release year of the catalogue ("recent" means its
// last four years).
func parseIntent(ws []string, genreIdx map[string]int, isTitleWord func(string) bool, latest int) intent {
	in := intent{consumed: make([]bool, len(ws))}
	asked := map[int]bool{}
	addGenres := func(names []string) {
		for _, n := range names {
			if g, ok := genreIdx[features.GenreKey(n)]; ok {
				asked[g] = true
			}
		}
	}
	var eras []Era
	for i := 0; i < len(ws); i++ {
		if i+1 < len(ws) {
			if gs, ok := genreCues[ws[i]+" "+ws[i+1]]; ok {
				addGenres(gs)
				in.consumed[i], in.consumed[i+1] = true, true
				i++
				continue
			}
		}
		w := ws[i]
		if gs, ok := genreCues[w]; ok {
			addGenres(gs)
			in.consumed[i] = true
			continue
		}
		if g, ok := genreIdx[w]; ok {
			asked[g] = true
			in.consumed[i] = true
			continue
		}
		if e, ok := decadeOf(w); ok {
			in.consumed[i] = true
			if i > 0 {
				if sub, ok := partOfDecade(ws[i-1], e); ok {
					e = sub
					in.consumed[i-1] = true
				}
			}
			eras = append(eras, e)
			continue
		}
		if y, ok := yearOf(w); ok && !isTitleWord(w) {
			in.consumed[i] = true
			e := Era{y, y}
			if i > 0 {
				switch ws[i-1] {
				case "before", "pre":
					e = Era{eraMin, y - 1}
					in.consumed[i-1] = true
				case "after", "post":
					e = Era{y + 1, eraMax}
					in.consumed[i-1] = true
				case "since":
					e = Era{y, eraMax}
					in.consumed[i-1] = true
				}
			}
			eras = append(eras, e)
			continue
		}
		switch w {
		case "old", "classic", "classics", "oldies":
			eras = append(eras, Era{eraMin, 1969})
			in.consumed[i] = true
		case "recent", "latest", "newest":
			eras = append(eras, Era{latest - 3, eraMax})
			in.consumed[i] = true
		}
	}
	for g := range asked {
		in.genres = append(in.genres, g)
	}
	slices.Sort(in.genres)
	if len(eras) > 0 {
		// Several era cues ("80s and 90s"): the span covering them all.
		e := eras[0]
		for _, x := range eras[1:] {
			e.From, e.To = min(e.From, x.From), max(e.To, x.To)
		}
		in.era = &e
	}
	return in
}

// decadeOf parses "90s", "1990s" and "nineties".
func decadeOf(w string) (Era, bool) {
	if d, ok := decadeWords[w]; ok {
		return Era{d, d + 9}, true
	}
	num, ok := strings.CutSuffix(w, "s")
	if !ok || !isNumber(num) {
		return Era{}, false
	}
	n, _ := strconv.Atoi(num)
	switch {
	case len(num) == 2 && n%10 == 0:
		d := 1900 + n
		if n < 20 {
			d = 2000 + n
		}
		return Era{d, d + 9}, true
	case len(num) == 4 && n%10 == 0 && n >= 1870 && n <= 2100:
		return Era{n, n + 9}, true
	}
	return Era{}, false
}

// partOfDecade narrows a decade by "early", "mid" or "late".
func partOfDecade(w string, e Era) (Era, bool) {
	switch w {
	case "early":
		return Era{e.From, e.From + 3}, true
	case "mid":
		return Era{e.From + 3, e.From + 6}, true
	case "late":
		return Era{e.From + 6, e.From + 9}, true
	}
	return e, false
}

// yearOf parses a four-digit release year.
func yearOf(w string) (int, bool) {
	if len(w) != 4 || !isNumber(w) {
		return 0, false
	}
	y, _ := strconv.Atoi(w)
	return y, y >= 1870 && y <= 2100
}

// likeSplit finds a "movies like X" form: the words before the cue, and
// X's words. ok is false when there is no cue or nothing after it.
func likeSplit(ws []string) (before, anchor []string, ok bool) {
	for i, w := range ws {
		if !likeCues[w] {
			continue
		}
		rest := ws[i+1:]
		if w == "similar" && len(rest) > 0 && rest[0] == "to" {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			return nil, nil, false
		}
		return ws[:i], rest, true
	}
	return nil, nil, false
}

// eraScore is 1 for a year inside e, falling linearly to 0 at tol years
// outside; an unknown year (0) scores 0.
func eraScore(year int, e Era, tol float64) float64 {
	if year == 0 {
		return 0
	}
	var d int
	switch {
	case year < e.From:
		d = e.From - year
	case year > e.To:
		d = year - e.To
	default:
		return 1
	}
	if tol <= 0 {
		return 0
	}
	return math.Max(0, 1-float64(d)/tol)
}
