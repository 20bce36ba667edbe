package db

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// The SQL that computed movie_stats and user_stats from the loaded tables
// before they were accumulated while the ratings stream in: the reference
// the one-pass figures must equal exactly.
const refMovieStats = `
SELECT m.movie_id, COALESCE(a.n, 0), a.mean
FROM movies m
LEFT JOIN (SELECT movie_id, COUNT(*) AS n, AVG(rating) AS mean FROM ratings GROUP BY movie_id) a
	ON a.movie_id = m.movie_id`

const refUserStats = `
WITH liked AS (
	SELECT r.user_id, mg.genre_id, COUNT(*) AS n
	FROM ratings r JOIN movie_genres mg ON mg.movie_id = r.movie_id
	WHERE r.rating >= ?1
	GROUP BY r.user_id, mg.genre_id
), ranked AS (
	SELECT user_id, genre_id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY n DESC, genre_id) AS k
	FROM liked
), fav AS (
	SELECT r.user_id, json_group_array(g.name ORDER BY r.k) AS names
	FROM ranked r JOIN genres g ON g.genre_id = r.genre_id
	WHERE r.k <= ?2
	GROUP BY r.user_id
)
SELECT u.user_id, COALESCE(a.n, 0), a.mean, a.first, a.last, COALESCE(f.names, '[]')
FROM users u
LEFT JOIN (SELECT user_id, COUNT(*) AS n, AVG(rating) AS mean, MIN(timestamp) AS first, MAX(timestamp) AS last
           FROM ratings GROUP BY user_id) a ON a.user_id = u.user_id
LEFT JOIN fav f ON f.user_id = u.user_id`

// TestStatsMatchSQL builds a random catalogue with half stars, movies
// nobody rated and several chunks of ratings, and compares movie_stats and
// user_stats with what SQL computes from the loaded ratings.
func TestStatsMatchSQL(t *testing.T) {
	f := syntheticFixture(5, 300, 400, 300, 0, 0, 0)
	kept := f.ratings[:0]
	for i, r := range f.ratings {
		if r.MovieID == 7 || r.MovieID == 8 {
			continue // movies nobody rated
		}
		if i%3 == 0 {
			r.Rating -= 0.5
		}
		kept = append(kept, r)
	}
	f.ratings = kept
	if len(f.ratings) <= chunkRows {
		t.Fatalf("%d ratings: want more than one chunk (%d)", len(f.ratings), chunkRows)
	}
	in := f.write(t, t.TempDir())
	for _, opt := range []Options{DefaultOptions(), {FavouriteGenres: 1, LikedRating: 1}, {FavouriteGenres: 100, LikedRating: 5}} {
		path := filepath.Join(t.TempDir(), "m.db")
		if _, err := Build(context.Background(), path, in, opt, nil); err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("sqlite3", path)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			table, ref string
			args       []any
		}{
			{"movie_stats", refMovieStats, nil},
			{"user_stats", refUserStats, []any{opt.LikedRating, opt.FavouriteGenres}},
		} {
			var rows, diff int
			if err := db.QueryRow("SELECT COUNT(*) FROM " + tc.table).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			q := "SELECT COUNT(*) FROM (SELECT * FROM " + tc.table + " EXCEPT SELECT * FROM (" + tc.ref + "))"
			if err := db.QueryRow(q, tc.args...).Scan(&diff); err != nil {
				t.Fatal(err)
			}
			if diff != 0 || rows == 0 {
				t.Errorf("%+v: %s: %d of %d rows differ from the SQL reference", opt, tc.table, diff, rows)
			}
		}
		var unrated, halves int
		db.QueryRow("SELECT COUNT(*) FROM movie_stats WHERE n_ratings = 0 AND mean_rating IS NULL").Scan(&unrated)
		db.QueryRow("SELECT COUNT(*) FROM user_stats WHERE mean_rating * 2 <> CAST(mean_rating * 2 AS INTEGER)").Scan(&halves)
		if unrated == 0 || halves == 0 {
			t.Errorf("fixture too tame: %d unrated movies, %d users with a non-half-star mean", unrated, halves)
		}
		db.Close()
	}
}

// TestQuickCheckAboveFullCheckRows builds with a threshold the fixture's
// big tables exceed: they are verified by quick_check and index entry
// counts (every index of a table, its primary key's included), the others
// as before, and the metrics' checks say which.
func TestQuickCheckAboveFullCheckRows(t *testing.T) {
	f := syntheticFixture(3, 50, 80, 20, 1, 10, 4)
	in := f.write(t, t.TempDir())
	opt := DefaultOptions()
	opt.FullCheckRows = 300
	res, err := Build(context.Background(), filepath.Join(t.TempDir(), "m.db"), in, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows["ratings"] <= 300 || res.Rows["recommendations"] <= 300 || res.Rows["movies"] > 300 {
		t.Fatalf("fixture sizes: %v", res.Rows)
	}
	var detail string
	for _, c := range res.Checks {
		if c.Name == "integrity_check" {
			detail = c.Detail
		}
	}
	if want := "ratings, recommendations: quick_check"; !strings.Contains(detail, want) {
		t.Errorf("integrity_check detail %q, want it to contain %q", detail, want)
	}
	if res.Timings["quick_check"] <= 0 || res.Timings["index_counts"] <= 0 || res.Timings["integrity_check"] <= 0 {
		t.Errorf("timings %v: want quick_check, index_counts and integrity_check", res.Timings)
	}
}
