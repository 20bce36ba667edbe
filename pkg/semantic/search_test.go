package semantic

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/semantic/semantictest"
)

func TestSearchTitles(t *testing.T) {
	ix := fixtureIndex(t)
	tests := []struct {
		q    string
		want int32
	}{
		{"godfather", semantictest.Godfather},
		{"GodFather", semantictest.Godfather},
		{"the godfather", semantictest.Godfather},
		{"godfater", semantictest.Godfather},
		{"godfather 2", semantictest.GodfatherII},
		{"godfather part ii", semantictest.GodfatherII},
		{"star wars", semantictest.StarWars},
		{"star wras", semantictest.StarWars},
		{"empire strikes back", semantictest.Empire},
		{"toy stroy", semantictest.ToyStory},
		{"maltese falcon", semantictest.MalteseFalcn},
		{"sleepless seattle", semantictest.Sleepless},
		{"shining", semantictest.Shining},
		{"12 monkeys", 0}, // no such word: not a match to require
	}
	for _, tt := range tests {
		r, err := ix.Search(tt.q, DefaultConfig(), Options{K: 5})
		if err != nil {
			t.Fatalf("Search(%q): %v", tt.q, err)
		}
		if tt.want == 0 {
			continue
		}
		if len(r.Results) == 0 || r.Results[0].MovieID != tt.want {
			t.Errorf("Search(%q) = %v, want %d first", tt.q, ids(r.Results), tt.want)
		}
		if r.Mode != "search" {
			t.Errorf("Search(%q): mode %q, want search", tt.q, r.Mode)
		}
	}
}

func TestSearchDescriptive(t *testing.T) {
	ix := fixtureIndex(t)
	tests := []struct {
		q     string
		genre string
		n     int // the top n must have the genre
	}{
		{"scary movie", "Horror", 3},
		{"animated movie for kids", "Animation", 2},
		{"sci-fi", "Sci-Fi", 4},
		{"film noir", "Film-Noir", 1},
	}
	for _, tt := range tests {
		r, err := ix.Search(tt.q, DefaultConfig(), Options{K: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Results) < tt.n {
			t.Fatalf("Search(%q): %d results, want at least %d", tt.q, len(r.Results), tt.n)
		}
		for _, x := range r.Results[:tt.n] {
			if !slices.Contains(x.Genres, tt.genre) {
				t.Errorf("Search(%q): %s (%v) in the top %d, want genre %s", tt.q, x.Title, x.Genres, tt.n, tt.genre)
			}
		}
		if !slices.Contains(r.Genres, tt.genre) {
			t.Errorf("Search(%q): read genres %v, want %s among them", tt.q, r.Genres, tt.genre)
		}
	}
	// "kids" is a title here, but all words of the query are cues: the
	// title match is scaled down and Kids (a drama) does not win.
	r, _ := ix.Search("animated movie for kids", DefaultConfig(), Options{K: 2})
	if slices.Contains(ids(r.Results), semantictest.Kids) {
		t.Errorf("animated movie for kids: got %v, want the two animated movies before Kids (1995)", ids(r.Results))
	}
	// An era: the 1990s sci-fi before the older.
	r, _ = ix.Search("90s sci-fi", DefaultConfig(), Options{K: 1})
	if got := ids(r.Results); !slices.Equal(got, []int32{semantictest.Monkeys}) {
		t.Errorf("90s sci-fi: got %v, want [%d]", got, semantictest.Monkeys)
	}
}

func TestSearchLike(t *testing.T) {
	ix := fixtureIndex(t)
	for _, q := range []string{"movies like the godfather", "films similar to godfather", "something like godfater"} {
		r, err := ix.Search(q, DefaultConfig(), Options{K: 5})
		if err != nil {
			t.Fatal(err)
		}
		if r.Mode != "like" || r.Like == nil || r.Like.ID != semantictest.Godfather {
			t.Fatalf("Search(%q): mode %q like %v, want like The Godfather", q, r.Mode, r.Like)
		}
		got := ids(r.Results)
		if slices.Contains(got, semantictest.Godfather) {
			t.Errorf("Search(%q) = %v: holds the movie itself", q, got)
		}
		if len(got) == 0 || got[0] != semantictest.GodfatherII {
			t.Errorf("Search(%q) = %v, want Part II (%d) first", q, got, semantictest.GodfatherII)
		}
		// Scream is paired with The Godfather only in test rows.
		if slices.Contains(got, semantictest.Scream) {
			t.Errorf("Search(%q) = %v holds Scream, which only test rows relate", q, got)
		}
	}
	// "like" with no title after it, or a title that matches nothing, is a
	// plain search.
	for _, q := range []string{"movies i like", "like xyzzyq"} {
		r, err := ix.Search(q, DefaultConfig(), Options{K: 5})
		if err != nil {
			t.Fatal(err)
		}
		if r.Mode != "search" {
			t.Errorf("Search(%q): mode %q, want search", q, r.Mode)
		}
	}
}

func TestSearchBadQueries(t *testing.T) {
	ix := fixtureIndex(t)
	tests := []struct {
		name string
		q    string
		k    int
		want error
	}{
		{"empty", "", 10, ErrEmptyQuery},
		{"blank", " \t ", 10, ErrEmptyQuery},
		{"punctuation only", "?!-", 10, ErrEmptyQuery},
		{"10 kB", strings.Repeat("godfather ", 1024), 10, ErrQueryTooLong},
		{"not UTF-8", "god\xfffather", 10, ErrInvalidUTF8},
		{"latin-1 byte", "mis\xe9rables", 10, ErrInvalidUTF8},
		{"k 0", "godfather", 0, ErrBadK},
		{"k negative", "godfather", -3, ErrBadK},
	}
	for _, tt := range tests {
		r, err := ix.Search(tt.q, DefaultConfig(), Options{K: tt.k})
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: Search error %v, want %v", tt.name, err, tt.want)
		}
		if r != nil {
			t.Errorf("%s: got a response with an error", tt.name)
		}
	}
	// The longest accepted query works.
	q := strings.Repeat("x", MaxQueryBytes-len(" godfather")) + " godfather"
	if _, err := ix.Search(q, DefaultConfig(), Options{K: 3}); err != nil {
		t.Errorf("a %d-byte query: %v", len(q), err)
	}
}

func TestSearchNoMatchAndBigK(t *testing.T) {
	ix := fixtureIndex(t)
	r, err := ix.Search("qwxzv", DefaultConfig(), Options{K: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Results) != 0 {
		t.Errorf("Search(qwxzv) = %v, want no results (nothing matches)", ids(r.Results))
	}
	r, err = ix.Search("sci-fi", DefaultConfig(), Options{K: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Results) == 0 || len(r.Results) > len(semantictest.Movies) {
		t.Errorf("Search with k=1000: %d results, want 1..%d", len(r.Results), len(semantictest.Movies))
	}
}

func TestSearchDeterministicAndSorted(t *testing.T) {
	ix := fixtureIndex(t)
	for _, q := range []string{"godfather", "scary movie", "movies like star wars", "comedy"} {
		a, _ := ix.Search(q, DefaultConfig(), Options{K: 13})
		b, _ := ix.Search(q, DefaultConfig(), Options{K: 13})
		if !slices.Equal(ids(a.Results), ids(b.Results)) {
			t.Errorf("Search(%q) differs between runs: %v and %v", q, ids(a.Results), ids(b.Results))
		}
		for i := 1; i < len(a.Results); i++ {
			x, y := a.Results[i-1], a.Results[i]
			if x.Score < y.Score || (x.Score == y.Score && x.MovieID > y.MovieID) {
				t.Errorf("Search(%q): result %d (%v, %d) before (%v, %d)", q, i, x.Score, x.MovieID, y.Score, y.MovieID)
			}
		}
		for _, x := range a.Results {
			var sum float64
			for _, v := range x.Parts {
				sum += v
			}
			if d := sum - x.Score; d > 1e-9 || d < -1e-9 {
				t.Errorf("Search(%q): %s parts sum to %v, score %v", q, x.Title, sum, x.Score)
			}
		}
	}
}

func TestSearchPersonalBlend(t *testing.T) {
	ix := fixtureIndex(t)
	// A user who rated Toy Story and likes Aladdin least and Sleepless most.
	p := &Personal{
		Scores:  map[int32]float32{semantictest.Aladdin: -5, semantictest.Sleepless: 9, semantictest.Kids: 3},
		Exclude: map[int32]bool{semantictest.ToyStory: true},
	}
	r, err := ix.Search("comedy", DefaultConfig(), Options{K: 10, Personal: p})
	if err != nil {
		t.Fatal(err)
	}
	got := ids(r.Results)
	if slices.Contains(got, semantictest.ToyStory) {
		t.Errorf("blend %v holds the rated Toy Story", got)
	}
	if len(got) == 0 || got[0] != semantictest.Sleepless {
		t.Errorf("blend %v, want Sleepless in Seattle (%d) first", got, semantictest.Sleepless)
	}
	for _, x := range r.Results {
		if _, ok := x.Parts["semantic"]; !ok {
			t.Errorf("%s: parts %v lack semantic", x.Title, x.Parts)
		}
		if x.Score < 0 || x.Score > 1+1e-9 {
			t.Errorf("%s: blended score %v outside [0, 1]", x.Title, x.Score)
		}
	}
	// Weights: all personal follows the model; all semantic the search.
	cfg := DefaultConfig()
	cfg.SemanticWeight, cfg.PersonalWeight = 0, 1
	r, _ = ix.Search("comedy", cfg, Options{K: 1, Personal: p})
	if got := ids(r.Results); !slices.Equal(got, []int32{semantictest.Sleepless}) {
		t.Errorf("personal only: %v, want [%d]", got, semantictest.Sleepless)
	}
	cfg.SemanticWeight, cfg.PersonalWeight = 1, 0
	plain, _ := ix.Search("comedy", cfg, Options{K: 5, Personal: &Personal{Exclude: p.Exclude}})
	blend, _ := ix.Search("comedy", cfg, Options{K: 5, Personal: p})
	if !slices.Equal(ids(plain.Results), ids(blend.Results)) {
		t.Errorf("semantic only: %v, want the plain order %v", ids(blend.Results), ids(plain.Results))
	}
}

// An Index serves concurrent searches (run with -race).
func TestSearchConcurrent(t *testing.T) {
	ix := fixtureIndex(t)
	queries := []string{"godfather", "scary movie", "movies like star wars", "90s sci-fi", "toy stroy"}
	want := map[string][]int32{}
	for _, q := range queries {
		r, _ := ix.Search(q, DefaultConfig(), Options{K: 5})
		want[q] = ids(r.Results)
	}
	done := make(chan error)
	for g := range 8 {
		go func() {
			for i := range 20 {
				q := queries[(g+i)%len(queries)]
				r, err := ix.Search(q, DefaultConfig(), Options{K: 5})
				if err == nil && !slices.Equal(ids(r.Results), want[q]) {
					err = errors.New(q + ": results differ under concurrency")
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
