package textembed

import (
	"reflect"
	"testing"
)

func TestWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Toy Story (1995)", []string{"toy", "story", "1995"}},
		{"Schindler's List", []string{"schindlers", "list"}},
		{"L'Enfer", []string{"l", "enfer"}},
		{"C'est arrivé près de chez vous", []string{"c", "est", "arrive", "pres", "de", "chez", "vous"}},
		{"Misérables, Les", []string{"miserables", "les"}},
		{"Á köldum klaka", []string{"a", "koldum", "klaka"}},
		{"Sci-Fi / Film-Noir", []string{"sci", "fi", "film", "noir"}},
		{"M*A*S*H", []string{"m", "a", "s", "h"}},
		{"2001: A Space Odyssey", []string{"2001", "a", "space", "odyssey"}},
		{"Se7en", []string{"se7en"}},
		{"Æon Flux straße", []string{"aeon", "flux", "strasse"}},
		{"rock \u2019n\u2019 roll", []string{"rock", "n", "roll"}},
		{"Cafe\u0301", []string{"cafe"}}, // combining acute accent
		{"", nil},
		{"  ...  ", nil},
	} {
		if got := Words(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Words(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTerms(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"The Usual Suspects", []string{"usual", "suspects"}},
		{"a scary movie about ghosts", []string{"scary", "ghosts"}},
		{"Toy Story 2", []string{"toy", "story", "2"}},
		{"L'Enfer", []string{"enfer"}},
		{"Die Hard", []string{"die", "hard"}},
		{"the of and", []string{}},
	} {
		got := Terms(c.in)
		if len(got) == 0 && len(c.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Terms(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStopWordsAreWords(t *testing.T) {
	// Every stop word must be written as Words writes it, or it could
	// never match.
	for w := range stopWords {
		if got := Words(w); len(got) != 1 || got[0] != w {
			t.Errorf("stop word %q tokenises to %q", w, got)
		}
	}
	if len(stopWords) < 100 {
		t.Errorf("got %d stop words, want the full list (>= 100)", len(stopWords))
	}
}
