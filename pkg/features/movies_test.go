package features

import (
	"reflect"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/tables"
	"github.com/moviegenie/pipeline/pkg/textembed"
)

func TestCleanTitle(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Toy Story (1995)", "Toy Story"},
		{"Usual Suspects, The (1995)", "The Usual Suspects"},
		{"Clockwork Orange, A (1971)", "A Clockwork Orange"},
		{"American in Paris, An (1951)", "An American in Paris"},
		{"Misérables, Les (1995)", "Les Misérables"},
		{"Postino, Il (1994)", "Il Postino"},
		{"Boot, Das (1981)", "Das Boot"},
		{"Enfer, L' (1994)", "L'Enfer"},
		{"City of Lost Children, The (Cité des enfants perdus, La) (1995)", "The City of Lost Children (La Cité des enfants perdus)"},
		{"Seventh Seal, The (Sjunde inseglet, Det) (1957)", "The Seventh Seal (Det Sjunde inseglet)"},
		{"Seven (Se7en) (1995)", "Seven (Se7en)"},
		{"Land Before Time III: The Time of the Great Giving (1995) (V)", "Land Before Time III: The Time of the Great Giving"},
		{"Other Voices, Other Rooms (1997)", "Other Voices, Other Rooms"},
		{"Mrs. Brown (Her Majesty, Mrs. Brown) (1997)", "Mrs. Brown (Her Majesty, Mrs. Brown)"},
		{"Hamlet (1996/I)", "Hamlet"},
		{"unknown", "unknown"},
		{"", ""},
		{"(1995)", "(1995)"},                      // nothing but a group: kept
		{"Broken (Title (1995)", "Broken (Title"}, // unbalanced: the balanced tail goes
		{"  Heat   (1995)  ", "Heat"},
	} {
		if got := CleanTitle(c.in); got != c.want {
			t.Errorf("CleanTitle(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTitleTokens(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Usual Suspects, The (1995)", []string{"the", "usual", "suspects"}},
		{"Schindler's List (1993)", []string{"schindlers", "list"}},
		{"Enfer, L' (1994)", []string{"l", "enfer"}},
		{"2001: A Space Odyssey (1968)", []string{"2001", "a", "space", "odyssey"}},
		{"Misérables, Les (1995)", []string{"les", "miserables"}},
		{"(1995)", []string{"1995"}},
		{"", []string{}},
	} {
		if got := TitleTokens(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("TitleTokens(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTitleYear(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"Toy Story (1995)", 1995, true},
		{"Hamlet (1996/I)", 1996, true},
		{"Land Before Time III (1995) (V)", 1995, true},
		{"Seven (Se7en) (1995)", 1995, true},
		{"Fantasia 2000", 0, false}, // a number in the title is not a year
		{"1984 (1984)", 1984, true},
		{"unknown", 0, false},
		{"", 0, false},
		{"Future (2525)", 0, false}, // implausible
		{"Old (1066)", 0, false},    // implausible
		{"Odd (19x5)", 0, false},
		{"Short (995)", 0, false},
		{"Open (1995", 0, false},
	} {
		got, ok := TitleYear(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("TitleYear(%q): got %d, %v, want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestMovieYearAndDecade(t *testing.T) {
	for _, c := range []struct {
		name      string
		m         tables.Movie
		year      *int32
		decadeIdx int32
	}{
		{"table year", tables.Movie{Title: "X (1990)", Year: i32(1995)}, i32(1995), 9},
		{"title fallback", tables.Movie{Title: "Nosferatu (1922)"}, i32(1922), 2},
		{"implausible table year, title fallback", tables.Movie{Title: "Y (1977)", Year: i32(3)}, i32(1977), 7},
		{"no year anywhere", tables.Movie{Title: "unknown"}, nil, 0},
		{"implausible and no title year", tables.Movie{Title: "Z", Year: i32(9999)}, nil, 0},
		{"before 1920", tables.Movie{Title: "Intolerance", Year: i32(1916)}, i32(1916), 1},
		{"1920 starts the 1920s", tables.Movie{Year: i32(1920)}, i32(1920), 2},
		{"1919 is before 1920", tables.Movie{Year: i32(1919)}, i32(1919), 1},
		{"1999", tables.Movie{Year: i32(1999)}, i32(1999), 9},
		{"2000", tables.Movie{Year: i32(2000)}, i32(2000), 10},
		{"2019", tables.Movie{Year: i32(2019)}, i32(2019), 11},
		{"2020 and later share the last index", tables.Movie{Year: i32(2045)}, i32(2045), NumDecades - 1},
	} {
		y := MovieYear(c.m)
		if !reflect.DeepEqual(y, c.year) {
			t.Errorf("%s: got year %v, want %v", c.name, deref(y), deref(c.year))
		}
		if got := DecadeIdx(y); got != c.decadeIdx {
			t.Errorf("%s: got decade_idx %d, want %d", c.name, got, c.decadeIdx)
		}
		if got := DecadeIdx(y); got < 0 || got >= NumDecades {
			t.Errorf("%s: decade_idx %d outside 0..%d", c.name, got, NumDecades-1)
		}
	}
}

func deref(p *int32) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestGenreWords(t *testing.T) {
	words, err := GenreWords()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, g := range mlGenres {
		keys[GenreKey(g)] = true
		if g == "unknown" {
			if len(words[GenreKey(g)]) != 0 {
				t.Errorf("the unknown genre has words %v, want none", words[GenreKey(g)])
			}
			continue
		}
		if len(words[GenreKey(g)]) < 5 {
			t.Errorf("genre %s: got %d curated words, want at least 5", g, len(words[GenreKey(g)]))
		}
	}
	for g, ws := range words {
		if !keys[g] {
			t.Errorf("genre_words.txt names %q, not a MovieLens genre", g)
		}
		seen := map[string]bool{}
		for _, w := range ws {
			if got := textembed.Terms(w); len(got) != 1 || got[0] != w {
				t.Errorf("genre %s: word %q is indexed as %q, want itself (lower case, no accents, not a stop word)", g, w, got)
			}
			if seen[w] {
				t.Errorf("genre %s: word %q twice", g, w)
			}
			seen[w] = true
		}
	}
	for _, bad := range []string{"Action action\n", ": word\n", "A: x\nA: y\n"} {
		if _, err := parseGenreWords(bad); err == nil || !strings.Contains(err.Error(), "genre_words.txt line") {
			t.Errorf("parseGenreWords(%q): got %v, want an error naming the line", bad, err)
		}
	}
}

func TestMovieDocument(t *testing.T) {
	words := map[string][]string{"horror": {"scary"}, "comedy": {"funny"}} // by GenreKey
	doc := movieDocument("Scream, The (1996)", []string{"Comedy", "Horror"}, i32(1996), words, 2)
	want := textembed.Document{{Text: "The Scream", Weight: 2}, {Text: "Comedy Horror 1990s 90s funny scary", Weight: 1}}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("got %+v, want %+v", doc, want)
	}
	doc = movieDocument("unknown", []string{"unknown"}, nil, words, 1)
	want = textembed.Document{{Text: "unknown", Weight: 1}, {Text: "", Weight: 1}}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("got %+v, want %+v", doc, want)
	}
}

func TestGenreKey(t *testing.T) {
	for _, c := range []struct {
		name, want string
		none       bool
	}{
		{"Children's", "children", false},
		{"Children", "children", false},
		{"Sci-Fi", "scifi", false},
		{"Film-Noir", "filmnoir", false},
		{"IMAX", "imax", false},
		{" Comédie ", "comédie", false},
		{"unknown", "unknown", true},
		{"(no genres listed)", "nogenreslisted", true},
	} {
		if got := GenreKey(c.name); got != c.want {
			t.Errorf("GenreKey(%q): got %q, want %q", c.name, got, c.want)
		}
		if got := NoGenre(c.name); got != c.none {
			t.Errorf("NoGenre(%q): got %v, want %v", c.name, got, c.none)
		}
	}
	words, err := GenreWords()
	if err != nil {
		t.Fatal(err)
	}
	// ML-25M spells the genre "Children": it gets the curated words of
	// ML-100K's "Children's".
	a := movieDocument("Toy Story (1995)", []string{"Children's"}, nil, words, 1)
	b := movieDocument("Toy Story (1995)", []string{"Children"}, nil, words, 1)
	if !strings.HasSuffix(a[1].Text, b[1].Text[len("Children"):]) || len(b[1].Text) < 20 {
		t.Errorf("got descriptors %q for Children, want the curated words of Children's (%q)", b[1].Text, a[1].Text)
	}
	c := movieDocument("X (2001)", []string{"(no genres listed)"}, nil, words, 1)
	if c[1].Text != "" {
		t.Errorf("got descriptors %q for (no genres listed), want none", c[1].Text)
	}
}
