package semantic

import (
	"slices"
	"testing"
)

func TestParseIntent(t *testing.T) {
	genreNames := []string{"unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
		"Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
		"Sci-Fi", "Thriller", "War", "Western"}
	genreIdx := genreLookup(genreNames)
	names := func(gs []int) []string {
		var out []string
		for _, g := range gs {
			out = append(out, genreNames[g])
		}
		slices.Sort(out)
		return out
	}
	titleWords := map[string]bool{"2001": true, "star": true, "wars": true}
	isTitle := func(w string) bool { return titleWords[w] }
	tests := []struct {
		q        string
		genres   []string
		era      *Era
		consumed int
	}{
		{"animated movie for kids", []string{"Animation", "Children's"}, nil, 2},
		{"scary movie", []string{"Horror"}, nil, 1},
		{"romantic comedy", []string{"Comedy", "Romance"}, nil, 2},
		{"90s sci-fi", []string{"Sci-Fi"}, &Era{1990, 1999}, 3},
		{"sci fi from the 1980s", []string{"Sci-Fi"}, &Era{1980, 1989}, 3},
		{"film noir detective", []string{"Film-Noir"}, nil, 1},
		{"early 80s action", []string{"Action"}, &Era{1980, 1983}, 3},
		{"late nineties", nil, &Era{1996, 1999}, 2},
		{"comedies before 1970", []string{"Comedy"}, &Era{eraMin, 1969}, 3},
		{"westerns since 1990", []string{"Western"}, &Era{1990, eraMax}, 3},
		{"movies from 1994", nil, &Era{1994, 1994}, 1},
		{"80s and 90s", nil, &Era{1980, 1999}, 2},
		{"classic musicals", []string{"Musical"}, &Era{eraMin, 1969}, 2},
		{"star wars", nil, nil, 0}, // "wars" is not a War cue
		{"2001", nil, nil, 0},      // a title word, not a year
		{"rom com", []string{"Comedy", "Romance"}, nil, 2},
		{"godfather", nil, nil, 0},
	}
	for _, tt := range tests {
		ws := words(tt.q)
		in := parseIntent(ws, genreIdx, isTitle, 1998)
		if got := names(in.genres); !slices.Equal(got, tt.genres) {
			t.Errorf("%q: genres %v, want %v", tt.q, got, tt.genres)
		}
		switch {
		case (in.era == nil) != (tt.era == nil):
			t.Errorf("%q: era %v, want %v", tt.q, in.era, tt.era)
		case in.era != nil && *in.era != *tt.era:
			t.Errorf("%q: era %v, want %v", tt.q, *in.era, *tt.era)
		}
		n := 0
		for _, c := range in.consumed {
			if c {
				n++
			}
		}
		if n != tt.consumed {
			t.Errorf("%q: %d words consumed, want %d", tt.q, n, tt.consumed)
		}
	}
}

func TestLikeSplit(t *testing.T) {
	tests := []struct {
		q              string
		before, anchor []string
		ok             bool
	}{
		{"movies like star wars", []string{"movies"}, []string{"star", "wars"}, true},
		{"something similar to toy story", []string{"something"}, []string{"toy", "story"}, true},
		{"funny films like the godfather", []string{"funny", "films"}, []string{"the", "godfather"}, true},
		{"like water for chocolate", nil, []string{"water", "for", "chocolate"}, true},
		{"movies i like", nil, nil, false},
		{"godfather", nil, nil, false},
	}
	for _, tt := range tests {
		before, anchor, ok := likeSplit(words(tt.q))
		if ok != tt.ok || !slices.Equal(before, tt.before) || !slices.Equal(anchor, tt.anchor) {
			t.Errorf("likeSplit(%q) = %q, %q, %v; want %q, %q, %v", tt.q, before, anchor, ok, tt.before, tt.anchor, tt.ok)
		}
	}
}

func TestEraScore(t *testing.T) {
	e := Era{1990, 1999}
	tests := []struct {
		year int
		tol  float64
		want float64
	}{
		{1995, 3, 1}, {1990, 3, 1}, {1999, 3, 1}, {1989, 3, 2.0 / 3}, {2002, 3, 0}, {1970, 3, 0}, {0, 3, 0}, {1989, 0, 0},
	}
	for _, tt := range tests {
		if got := eraScore(tt.year, e, tt.tol); got < tt.want-1e-12 || got > tt.want+1e-12 {
			t.Errorf("eraScore(%d, 1990-1999, %v) = %v, want %v", tt.year, tt.tol, got, tt.want)
		}
	}
}

// TestParseIntentDataGenres: genres come from the data. ML-25M spells
// "Children" and adds IMAX; "(no genres listed)" is never asked for.
func TestParseIntentDataGenres(t *testing.T) {
	genreNames := []string{"(no genres listed)", "Action", "Children", "IMAX", "Sci-Fi"}
	genreIdx := genreLookup(genreNames)
	isTitle := func(string) bool { return false }
	tests := []struct {
		q    string
		want []int
	}{
		{"movies for kids", []int{2}},
		{"imax sci fi", []int{3, 4}},
		{"no genres listed", nil},
		{"unknown", nil},
	}
	for _, tt := range tests {
		in := parseIntent(words(tt.q), genreIdx, isTitle, 2019)
		if !slices.Equal(in.genres, tt.want) {
			t.Errorf("%q: got genres %v, want %v", tt.q, in.genres, tt.want)
		}
	}
}
