package catalog

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/moviegenie/pipeline/pkg/db"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// TestLoadHalfStarsNoDemographics loads a database of a dataset like
// ML-25M's: half-star ratings and users without demographics (NULL in the
// database).
func TestLoadHalfStarsNoDemographics(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
	}
	p := func(name string) string { return filepath.Join(dir, name+".parquet") }
	write("genres", tables.Write(p("genres"), []tables.Genre{{GenreID: 0, Name: "Comedy"}, {GenreID: 1, Name: "Drama"}}))
	write("occupations", tables.Write(p("occupations"), []tables.Occupation{}))
	write("movies", tables.Write(p("movies"), []tables.Movie{
		{MovieID: 1, Title: "A (1995)", Genres: []string{"Comedy"}},
		{MovieID: 2, Title: "B (1996)", Genres: []string{"Drama"}},
	}))
	write("users", tables.Write(p("users"), []tables.User{{UserID: 7}}))
	write("ratings", tables.Write(p("ratings"), []tables.Rating{
		{UserID: 7, MovieID: 1, Rating: 3.5, Timestamp: 1000, Position: 0, Split: "train"},
		{UserID: 7, MovieID: 2, Rating: 4.5, Timestamp: 2000, Position: 1, Split: "test"},
	}))
	path := filepath.Join(t.TempDir(), "m.db")
	if _, err := db.Build(context.Background(), path, db.Inputs{Processed: dir}, db.DefaultOptions(), nil); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	u, ok := c.User(7)
	if !ok {
		t.Fatal("user 7: got none")
	}
	if u.Age != 0 || u.Gender != "" || u.Occupation != "" || u.ZipCode != "" {
		t.Errorf("user 7 demographics: got %d %q %q %q, want none", u.Age, u.Gender, u.Occupation, u.ZipCode)
	}
	var got []float64
	for _, r := range c.Ratings(7) {
		got = append(got, r.Rating)
	}
	if want := []float64{3.5, 4.5}; !reflect.DeepEqual(got, want) {
		t.Errorf("ratings: got %v, want %v", got, want)
	}
	if got, want := c.FavouriteGenres(c.Ratings(7)), []string{"Drama"}; !reflect.DeepEqual(got, want) {
		t.Errorf("favourite genres (liked from 4): got %v, want %v", got, want)
	}
}
