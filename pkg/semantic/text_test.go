package semantic

import (
	"slices"
	"strings"
	"testing"
)

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		max  int
		want int
	}{
		{"godfather", "godfather", 2, 0},
		{"godfater", "godfather", 2, 1},    // deletion
		{"fictoin", "fiction", 1, 1},       // adjacent transposition counts 1
		{"wras", "wars", 1, 1},             // transposition
		{"silense", "silence", 1, 1},       // substitution
		{"stroy", "story", 1, 1},           // transposition
		{"abc", "cab", 3, 2},               // OSA: no edits of a transposed pair
		{"kitten", "sitting", 3, 3},        // classic
		{"kitten", "sitting", 2, 3},        // over max: max+1
		{"short", "muchlongerword", 2, 3},  // length gap alone exceeds max
		{"miserables", "misérables", 1, 1}, // runes, not bytes
		{"", "ab", 2, 2},
		{"", "", 0, 0},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b, tt.max); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.max, got, tt.want)
		}
		if got := editDistance(tt.b, tt.a, tt.max); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d (symmetry)", tt.b, tt.a, tt.max, got, tt.want)
		}
	}
	long := strings.Repeat("a", 100)
	if got := editDistance(long, long+"b", 1); got != 1 {
		t.Errorf("editDistance of 100-letter words = %d, want 1", got)
	}
}

func TestTrigramsShareOneAfterOneEdit(t *testing.T) {
	// The trigram index finds typo candidates only if a one-edit typo keeps
	// a trigram in common with its word (for words of 4+ letters).
	pairs := [][2]string{{"wras", "wars"}, {"lmab", "lamb"}, {"godfater", "godfather"}, {"xars", "wars"}, {"fictoin", "fiction"}}
	for _, p := range pairs {
		a, b := trigrams(p[0]), trigrams(p[1])
		shared := 0
		for _, g := range a {
			if slices.Contains(b, g) {
				shared++
			}
		}
		if shared == 0 {
			t.Errorf("trigrams(%q) and trigrams(%q) share nothing", p[0], p[1])
		}
	}
	if got, want := len(trigrams("star")), 5; got != want {
		t.Errorf("len(trigrams(star)) = %d, want %d (word length + 1)", got, want)
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"The Godfather: Part II", []string{"the", "godfather", "part", "2"}},
		{"E.T. the Extra-Terrestrial", []string{"et", "the", "extra", "terrestrial"}},
		{"M*A*S*H", []string{"mash"}},
		{"Malcolm X", []string{"malcolm", "x"}},
		{"Misérables", []string{"miserables"}},
		{"90's Sci-Fi", []string{"90s", "sci", "fi"}},
		{"  !!  ", []string{}},
	}
	for _, tt := range tests {
		got := words(tt.in)
		if !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStemAndMaxEdits(t *testing.T) {
	for in, want := range map[string]string{"lambs": "lamb", "wars": "war", "kiss": "kiss", "bus": "bus", "is": "is", "his": "his", "crisis": "crisis"} {
		if got := stem(in); got != want {
			t.Errorf("stem(%q) = %q, want %q", in, got, want)
		}
	}
	for n, want := range map[int]int{1: 0, 3: 0, 4: 1, 7: 1, 8: 2, 20: 2} {
		if got := maxEdits(n); got != want {
			t.Errorf("maxEdits(%d) = %d, want %d", n, got, want)
		}
	}
}
