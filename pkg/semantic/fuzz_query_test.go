package semantic

import (
	"testing"
	"unicode/utf8"
)

// FuzzSearch: any query string either is refused by CheckQuery or gives a
// ranked, duplicate-free list of at most K catalogue movies; never a panic.
func FuzzSearch(f *testing.F) {
	for _, q := range []string{
		"star wars", "90s sci-fi about space", "movies like Star Wars", "like", "80s", "the the the",
		"godfater", "scary movie", "1995", "", " ", "\xff\xfe", "é", "movies like", "sci-fi 1890s 2090s",
		"comedy romance drama 70s 80s 90s", "!!!", "a b c d e f g h i j k l m n o p q r s t u v w x y z",
	} {
		f.Add(q)
	}
	ix := fixtureIndex(f)
	cfg := DefaultConfig()
	f.Fuzz(func(t *testing.T, q string) {
		const k = 5
		resp, err := ix.Search(q, cfg, Options{K: k})
		if err != nil {
			if CheckQuery(q) == nil {
				t.Errorf("Search(%q) failed on a query CheckQuery accepts: %v", q, err)
			}
			return
		}
		if !utf8.ValidString(q) {
			t.Errorf("Search(%q) accepted invalid UTF-8", q)
		}
		if len(resp.Results) > k {
			t.Errorf("Search(%q): %d results, want at most %d", q, len(resp.Results), k)
		}
		seen := map[int32]bool{}
		for _, r := range resp.Results {
			if seen[r.MovieID] {
				t.Errorf("Search(%q): movie %d twice", q, r.MovieID)
			}
			seen[r.MovieID] = true
		}
	})
}
