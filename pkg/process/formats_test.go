package process

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// runFixture processes a fixture of pkg/movielens/testdata with k-core
// minimums of 1 and returns the output directory.
func runFixture(t *testing.T, dataset, dir string, change func(*Config)) (string, error) {
	t.Helper()
	c := Defaults()
	c.Dataset, c.MinRatingsPerUser, c.MinRatingsPerMovie = dataset, 1, 1
	if change != nil {
		change(&c)
	}
	out := filepath.Join(t.TempDir(), "out")
	tree := params.FromMap(map[string]any{Section: map[string]any{"dataset": dataset}})
	return out, Run(c, Paths{Raw: dir, Out: out, Metrics: filepath.Join(out, "process.json")}, tree)
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		dataset, dir          string
		ratings, users, tags  int
		demographics, occupNo int
		firstRating           float32
	}{
		{"ml-1m", "ml-1m", 6, 3, 0, 3, 21, 5},
		{"ml-10m", "ml-10m", 4, 2, 3, 0, 0, 5},
		{"ml-25m", "ml-25m", 9, 3, 4, 0, 0, 4},
		{"csv", "csv", 4, 3, 0, 1, 1, 1},
	} {
		t.Run(tc.dataset, func(t *testing.T) {
			out, err := runFixture(t, tc.dataset, filepath.Join("..", "movielens", "testdata", tc.dir), nil)
			if err != nil {
				t.Fatal(err)
			}
			ratings, err := tables.Read[tables.Rating](filepath.Join(out, RatingsFile))
			if err != nil {
				t.Fatal(err)
			}
			users, _ := tables.Read[tables.User](filepath.Join(out, UsersFile))
			tags, _ := tables.ReadMaybeEmpty[tables.Tag](filepath.Join(out, TagsFile))
			occ, _ := tables.ReadMaybeEmpty[tables.Occupation](filepath.Join(out, OccupationsFile))
			demo := 0
			for _, u := range users {
				if u.HasDemographics() {
					demo++
				}
			}
			if len(ratings) != tc.ratings || len(users) != tc.users || len(tags) != tc.tags || demo != tc.demographics || len(occ) != tc.occupNo {
				t.Errorf("got %d ratings, %d users (%d with demographics), %d tags, %d occupations; want %d, %d (%d), %d, %d",
					len(ratings), len(users), demo, len(tags), len(occ), tc.ratings, tc.users, tc.demographics, tc.tags, tc.occupNo)
			}
			for _, name := range OutputFiles {
				if _, err := os.Stat(filepath.Join(out, name)); err != nil {
					t.Errorf("no %s: %v", name, err)
				}
			}
		})
	}
}

// TestHalfStarsKept: ML-25M's half stars reach ratings and sequences as
// they are.
func TestHalfStarsKept(t *testing.T) {
	out, err := runFixture(t, "ml-25m", "../movielens/testdata/ml-25m", nil)
	if err != nil {
		t.Fatal(err)
	}
	seqs, err := tables.Read[tables.Sequence](filepath.Join(out, SequencesFile))
	if err != nil {
		t.Fatal(err)
	}
	// User 1 rated 11 (3.5), 58 (0.5), 79132 (5.0), 1 (4.0) in time order.
	if got, want := seqs[0].Ratings, []float32{3.5, 0.5, 5, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("got user 1 ratings %v, want %v", got, want)
	}
}

func TestExtraRatings(t *testing.T) {
	dir := t.TempDir()
	extra := filepath.Join(dir, "app.csv")
	os.WriteFile(extra, []byte("user_id,movie_id,rating,timestamp\n900001,1,4.5,1600000000\n900001,11,2,1600000100\n"), 0o644)
	out, err := runFixture(t, "ml-25m", "../movielens/testdata/ml-25m", func(c *Config) { c.ExtraRatings = extra })
	if err != nil {
		t.Fatal(err)
	}
	users, _ := tables.Read[tables.User](filepath.Join(out, UsersFile))
	if u := users[len(users)-1]; u.UserID != 900001 || u.HasDemographics() {
		t.Errorf("got last user %+v, want 900001 without demographics", u)
	}

	// Errors name the extra file and line.
	for _, tc := range []struct{ body, want string }{
		{"user_id,movie_id,rating,timestamp\n1,999999,4,1600000000\n", "app.csv:2: movie 999999: not in movies.csv"},
		{"user_id,movie_id,rating,timestamp\n1,1,4,1600000000\n", "app.csv:2: duplicate rating of movie 1 by user 1 (first at ../movielens/testdata/ml-25m/ratings.csv:2)"},
		{"userId,movieId,rating,timestamp\n", `app.csv:1: header`},
	} {
		os.WriteFile(extra, []byte(tc.body), 0o644)
		out, err := runFixture(t, "ml-25m", "../movielens/testdata/ml-25m", func(c *Config) { c.ExtraRatings = extra })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error containing %q", err, tc.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("output directory created after a bad line")
		}
	}
}

func TestCSVPaths(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"movies.csv", "ratings.csv"} {
		data, _ := os.ReadFile(filepath.Join("../movielens/testdata/csv", n))
		os.WriteFile(filepath.Join(dir, "my-"+n), data, 0o644)
	}
	abs, _ := filepath.Abs(filepath.Join(dir, "my-movies.csv"))
	out, err := runFixture(t, "csv", dir, func(c *Config) { c.RatingsFile, c.MoviesFile = "my-ratings.csv", abs })
	if err != nil {
		t.Fatal(err)
	}
	users, _ := tables.Read[tables.User](filepath.Join(out, UsersFile))
	if len(users) != 3 || users[0].HasDemographics() {
		t.Errorf("got users %+v, want 3 without demographics (no users file)", users)
	}
	if _, err := Decode(params.FromMap(map[string]any{Section: map[string]any{"ratings_file": "x.csv"}})); err == nil || !strings.Contains(err.Error(), "empty unless dataset is csv") {
		t.Errorf("got %v, want ratings_file refused for ml-100k", err)
	}
}
