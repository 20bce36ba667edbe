package synth

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/movielens"
)

// TestWriteReadsBack writes each format and reads it with the movielens
// readers: the files are what the release's readers accept, with the
// counts asked for, no repeated (user, movie), and the title quirks.
func TestWriteReadsBack(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "data")
			c := Config{Format: format, Ratings: 6000, Users: 100, Movies: 400, Seed: 7, Out: out}
			sum, err := Write(c)
			if err != nil {
				t.Fatal(err)
			}
			f, _ := movielens.Lookup(format)
			src, err := movielens.NewSource(out, f)
			if err != nil {
				t.Fatal(err)
			}
			meta, err := src.LoadMeta()
			if err != nil {
				t.Fatal(err)
			}
			if len(meta.Movies) != c.Movies {
				t.Errorf("got %d movies, want %d", len(meta.Movies), c.Movies)
			}
			var in movielens.Input
			r, err := src.OpenRatings(&in)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			seen := map[[2]int32]bool{}
			perUser := map[int32]int{}
			movies := map[int32]int{}
			half := false
			err = movielens.ScanRatings(src.Ratings, r, f, func(_ int, row movielens.RatingRow) error {
				k := [2]int32{row.User, row.Movie}
				if seen[k] {
					t.Fatalf("user %d rated movie %d twice", row.User, row.Movie)
				}
				seen[k] = true
				perUser[row.User]++
				movies[row.Movie]++
				half = half || row.Rating != float32(int(row.Rating))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != c.Ratings || len(perUser) != c.Users {
				t.Errorf("got %d ratings by %d users, want %d by %d", len(seen), len(perUser), c.Ratings, c.Users)
			}
			for u, n := range perUser {
				if n < MinPerUser {
					t.Errorf("user %d has %d ratings, want >= %d", u, n, MinPerUser)
				}
			}
			if half != (format == movielens.ML25M) {
				t.Errorf("got half stars %v, want them only in ml-25m", half)
			}
			// Popularity is skewed: the top 10%% of movies hold far more
			// than 10%% of the ratings.
			counts := make([]int, 0, len(movies))
			for _, n := range movies {
				counts = append(counts, n)
			}
			slices.Sort(counts)
			slices.Reverse(counts)
			top := 0
			for _, n := range counts[:c.Movies/10] {
				top += n
			}
			if top < c.Ratings/4 {
				t.Errorf("top 10%% of movies hold %d of %d ratings, want a Zipf-like head (>= 25%%)", top, c.Ratings)
			}
			var comma, quote, nonASCII bool
			for _, m := range meta.Movies {
				comma = comma || strings.Contains(m.Title, ",")
				quote = quote || strings.Contains(m.Title, `"`)
				nonASCII = nonASCII || strings.ContainsFunc(m.Title, func(r rune) bool { return r > 127 })
			}
			if !comma || !quote || !nonASCII {
				t.Errorf("titles with comma %v, quote %v, non-ASCII %v: want all", comma, quote, nonASCII)
			}
			if format == movielens.ML25M && (sum.Tags == 0 || len(meta.Tags.Rows(nil)) == 0) {
				t.Errorf("got %d tags, want some", sum.Tags)
			}
		})
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	c := Config{Format: movielens.ML25M, Ratings: 3000, Users: 50, Movies: 300, Seed: 3}
	read := func(out string) []byte {
		c.Out = out
		if _, err := Write(c); err != nil {
			t.Fatal(err)
		}
		var all []byte
		for _, n := range []string{"ratings.csv", "movies.csv", "tags.csv", "links.csv"} {
			b, err := os.ReadFile(filepath.Join(out, n))
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		return all
	}
	a, b := read(filepath.Join(dir, "a")), read(filepath.Join(dir, "b"))
	if !bytes.Equal(a, b) {
		t.Error("same config wrote different files")
	}
	c.Seed = 4
	if bytes.Equal(a, read(filepath.Join(dir, "c"))) {
		t.Error("another seed wrote the same files")
	}
}

func TestValidate(t *testing.T) {
	ok := Config{Format: movielens.ML1M, Ratings: 1000, Users: 10, Movies: 200, Out: "x"}
	for _, tc := range []struct {
		change func(*Config)
		want   string
	}{
		{func(c *Config) { c.Format = "ml-2m" }, "--format"},
		{func(c *Config) { c.Ratings = 100 }, "at least 20 per user"},
		{func(c *Config) { c.Ratings = 1001; c.Movies = 100; c.Users = 10 }, "at most half"},
		{func(c *Config) { c.Movies = 0 }, "--movies 0"},
		{func(c *Config) { c.Users = MaxUsers + 1 }, "--users"},
		{func(c *Config) { c.Out = "" }, "--out"},
	} {
		c := ok
		tc.change(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error containing %q", err, tc.want)
		}
	}
	if err := ok.Validate(); err != nil {
		t.Errorf("got %v for a valid config", err)
	}
}
