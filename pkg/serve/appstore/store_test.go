package appstore

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStoreDurableAndExport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app", "app.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Unix(1700000000, 0)
	s.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	u, err := s.CreateUser(User{Age: 30, Gender: "F"}, 944)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != 944 {
		t.Errorf("got user id %d, want 944", u.ID)
	}
	u2, _ := s.CreateUser(User{}, 944)
	if u2.ID != 945 {
		t.Errorf("got second user id %d, want 945", u2.ID)
	}
	for _, r := range []struct {
		user, movie int32
		rating      float64
	}{{42, 50, 4}, {944, 1, 3}, {42, 50, 5}, {42, 7, 2.5}} {
		if _, err := s.AddRating(r.user, r.movie, r.rating); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []float64{6, 0, 0.25, 4.75, -1} {
		if _, err := s.AddRating(42, 8, bad); err == nil {
			t.Errorf("got no error for rating %v", bad)
		}
	}
	s.Close()

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rs := s.Ratings(42); len(rs) != 2 || rs[0].MovieID != 50 || rs[0].Rating != 5 || rs[1].MovieID != 7 {
		t.Errorf("got user 42's ratings %+v, want movie 50 rated 5 (re-rated: the latest counts, at its time) then 7", rs)
	}
	if got, ok := s.User(944); !ok || got.Age != 30 || got.Gender != "F" {
		t.Errorf("got user 944 = %+v, %v after reopening", got, ok)
	}
	out := filepath.Join(t.TempDir(), "raw", "app_ratings.csv")
	n, skipped, err := s.Export(out, func(u, m int32) bool { return u == 42 && m == 99 })
	if err != nil {
		t.Fatal(err)
	}
	if skipped != 0 {
		t.Errorf("got %d ratings left out, want 0", skipped)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := "user_id,movie_id,rating,timestamp\n42,50,5,1700000005\n42,7,2.5,1700000006\n944,1,3,1700000004\n"
	if string(data) != want || n != 3 {
		t.Errorf("got %d ratings:\n%s\nwant 3:\n%s", n, data, want)
	}
	if es, _ := os.ReadDir(filepath.Dir(out)); len(es) != 1 || strings.Contains(es[0].Name(), "tmp") {
		t.Errorf("got %v in the export directory, want only the CSV", es)
	}
	// A movie the user rated in the data is left out (process refuses a
	// pair twice).
	var b strings.Builder
	n, skipped, err = s.WriteCSV(&b, func(u, m int32) bool { return u == 42 && m == 50 })
	if err != nil || n != 2 || skipped != 1 || strings.Contains(b.String(), "42,50,") {
		t.Errorf("got %d written, %d left out (%v):\n%s\nwant 2 and 1, without 42,50", n, skipped, err, b.String())
	}
}

// TestUpgradeWholeStarStore opens a store of the first schema (ratings an
// INTEGER column, whole stars): its ratings are kept, with their order,
// and half stars are accepted from then on.
func TestUpgradeWholeStarStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.db")
	d, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Exec(`CREATE TABLE ratings (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id   INTEGER NOT NULL CHECK (user_id > 0),
	movie_id  INTEGER NOT NULL CHECK (movie_id > 0),
	rating    INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
	timestamp INTEGER NOT NULL CHECK (timestamp >= 0)
) STRICT;
CREATE INDEX ratings_by_user ON ratings (user_id, movie_id, seq);
INSERT INTO ratings (user_id, movie_id, rating, timestamp) VALUES (42, 50, 4, 100), (42, 7, 1, 101);`)
	d.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.AddRating(42, 8, 0.5); err != nil {
		t.Fatalf("half star after the upgrade: %v", err)
	}
	rs := s.Ratings(42)
	if len(rs) != 3 || rs[0].MovieID != 50 || rs[0].Rating != 4 || rs[1].MovieID != 7 || rs[2].Rating != 0.5 || rs[2].Seq != 3 {
		t.Errorf("got %+v, want movies 50 (4), 7 (1), 8 (0.5) in that order", rs)
	}
}
