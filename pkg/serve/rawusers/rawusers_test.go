package rawusers

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/moviegenie/pipeline/pkg/realdata"
)

// TestMaxIDML100K reads the real ML-100K: users 1..943.
func TestMaxIDML100K(t *testing.T) {
	got, err := MaxID(realdata.Dir(t), "ml-100k")
	if err != nil || got != 943 {
		t.Errorf("got %d (%v), want 943", got, err)
	}
}

// TestMaxIDCSV checks that a user only in the ratings, or only in the
// users file, counts, and that a bad folder is an error naming it.
func TestMaxIDCSV(t *testing.T) {
	cases := []struct {
		name, ratings, users string
		want                 int32
	}{
		{"ratings only", "user_id,movie_id,rating,timestamp\n7,1,4,900000000\n1200,1,3,900000001\n", "", 1200},
		{"users file larger", "user_id,movie_id,rating,timestamp\n7,1,4,900000000\n", "user_id,age,gender,occupation,zip_code\n7,25,M,other,12345\n5000,30,F,other,12345\n", 5000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "ratings.csv", c.ratings)
			write(t, dir, "movies.csv", "movie_id,title,genres\n1,Toy Story (1995),Animation|Children's|Comedy\n")
			if c.users != "" {
				write(t, dir, "users.csv", c.users)
			}
			got, err := MaxID(dir, "csv")
			if err != nil || got != c.want {
				t.Errorf("got %d (%v), want %d", got, err, c.want)
			}
		})
	}
	if _, err := MaxID(filepath.Join(t.TempDir(), "none"), "ml-100k"); err == nil {
		t.Error("got no error for a missing folder")
	}
	if _, err := MaxID(t.TempDir(), "ml-7"); err == nil {
		t.Error("got no error for an unknown dataset")
	}
}

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
