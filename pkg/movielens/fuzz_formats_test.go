package movielens

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Fuzz targets for the readers of the releases after ML-100K and of the
// csv format (fuzz_test.go has ML-100K's): no input may panic, and a
// rejected input must come with a *LineError. `make test` runs the seed corpus (the
// fixtures); `go test -fuzz FuzzX ./pkg/movielens` runs one for longer.

func seed(f *testing.F, files ...string) {
	for _, p := range files {
		data, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte{})
	f.Add([]byte("\n\n"))
}

func FuzzScanRatings(f *testing.F) {
	seed(f, "ml-1m/ratings.dat", "ml-10m/ratings.dat", "ml-25m/ratings.csv", "csv/ratings.csv")
	f.Add([]byte("196\t242\t3\t881250949\n"))
	names := []string{ML100K, ML1M, ML10M, ML25M, CSV}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, n := range names {
			fm, _ := Lookup(n)
			err := ScanRatings("r", bytes.NewReader(data), fm, func(_ int, r RatingRow) error {
				if r.User <= 0 || r.Movie <= 0 || r.Time < MinTimestamp {
					t.Fatalf("%s: accepted %+v", n, r)
				}
				return nil
			})
			mustLineError(t, err)
		}
	})
}

func FuzzMoviesCSV(f *testing.F) {
	seed(f, "ml-25m/movies.csv", "csv/movies.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ReadMoviesCSV("movies.csv", data, false)
		mustLineError(t, err)
		_, err = ReadMoviesCSV("movies.csv", data, true)
		mustLineError(t, err)
	})
}

func FuzzMoviesDat(f *testing.F) {
	seed(f, "ml-1m/movies.dat", "ml-10m/movies.dat")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := ReadMoviesDat("movies.dat", data)
		mustLineError(t, err)
	})
}

func FuzzUsers(f *testing.F) {
	seed(f, "ml-1m/users.dat", "csv/users.csv")
	f.Add([]byte("1|24|M|artist|85711\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ReadUsersDat("users.dat", data)
		mustLineError(t, err)
		_, err = ReadUsersCSV("users.csv", data)
		mustLineError(t, err)
		_, err = ReadUsers("u.user", data, []string{"artist"})
		mustLineError(t, err)
	})
}

func FuzzTagsLinks(f *testing.F) {
	seed(f, "ml-10m/tags.dat", "ml-25m/tags.csv", "ml-25m/links.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		known := func(int32) bool { return true }
		mustLineError(t, ReadTags("tags.dat", data, SyntaxDat, known, &TagCounter{}))
		mustLineError(t, ReadTags("tags.csv", data, SyntaxCSV, known, &TagCounter{}))
		_, err := ReadLinks("links.csv", data)
		mustLineError(t, err)
	})
}

func FuzzTitleYear(f *testing.F) {
	for _, s := range []string{"Toy Story (1995)", "(1995–", "Cosmos (1980-)", "((((", "(1999–2000)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if y, ok := TitleYear(s); ok && (y < 1800 || y > 2100) {
			t.Fatalf("TitleYear(%q) = %d", s, y)
		}
	})
}

func mustLineError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if _, ok := err.(*LineError); !ok {
		t.Fatalf("got %T %v, want a *LineError", err, err)
	}
}
