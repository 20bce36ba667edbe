package db

import (
	"testing"

	"github.com/moviegenie/pipeline/pkg/realdata"
)

// TestRealDataSeedQuery builds the database from the real processed tables
// (the process stage run on ML-100K with the committed params.yaml) and checks the application's
// seed query against the counts of ML-100K after the 20/5 k-core filter.
func TestRealDataSeedQuery(t *testing.T) {
	in, err := FindInputs(realdata.Processed(t, t.TempDir()), "", "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	path, res := build(t, in)
	db := openDB(t, path)
	if got, want := seedCounts(t, db), [3]int64{1349, 941, 99249}; got != want {
		t.Errorf("seed query: got movies, users, ratings %v, want %v", got, want)
	}
	// The ML-100K genre list has 19 entries and the occupations 21; the
	// k-core keeps users with 20+ ratings and movies with 5+; one
	// validation rating per user (temporal split).
	for _, tc := range []struct {
		query string
		want  string
	}{
		{`SELECT COUNT(*) FROM genres`, "19"},
		{`SELECT COUNT(*) FROM occupations`, "21"},
		{`SELECT COUNT(*) FROM user_stats`, "941"},
		{`SELECT MIN(n_ratings) >= 20 FROM user_stats`, "1"},
		{`SELECT MIN(n_ratings) >= 5 FROM movie_stats`, "1"},
		{`SELECT SUM(n_ratings) FROM movie_stats`, "99249"},
		{`SELECT COUNT(*) FROM ratings WHERE split = 'validation'`, "941"},
	} {
		if got := queryStrings(t, db, tc.query); len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s: got %v, want %s", tc.query, got, tc.want)
		}
	}
	t.Logf("built in %.3fs: %v", res.Timings["total"], res.Timings)
}
