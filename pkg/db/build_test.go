package db

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// seedQuery is the application's smoke test of a database.
const seedQuery = `SELECT 'Movies:', COUNT(*) FROM movies UNION ALL SELECT 'Users:', COUNT(*) FROM users UNION ALL SELECT 'Ratings:', COUNT(*) FROM ratings;`

func build(t *testing.T, in Inputs) (string, *Result) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out", "moviegenie.db")
	res, err := Build(context.Background(), path, in, DefaultOptions(), t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	return path, res
}

func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// seedCounts runs seedQuery and returns its three counts.
func seedCounts(t *testing.T, db *sql.DB) [3]int64 {
	t.Helper()
	rows, err := db.Query(seedQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got [3]int64
	labels := []string{"Movies:", "Users:", "Ratings:"}
	i := 0
	for rows.Next() {
		var label string
		if err := rows.Scan(&label, &got[i]); err != nil {
			t.Fatal(err)
		}
		if label != labels[i] {
			t.Fatalf("seed query row %d: got label %q, want %q", i, label, labels[i])
		}
		i++
	}
	if i != 3 {
		t.Fatalf("seed query: got %d rows, want 3", i)
	}
	return got
}

func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, v := range vals {
			if v.Valid {
				parts = append(parts, v.String)
			} else {
				parts = append(parts, "NULL")
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBuildSmall(t *testing.T) {
	f := smallFixture()
	in := f.write(t, t.TempDir())
	path, res := build(t, in)
	db := openDB(t, path)

	if got, want := seedCounts(t, db), [3]int64{4, 3, 8}; got != want {
		t.Errorf("seed query: got %v, want %v", got, want)
	}
	tablesGot := queryStrings(t, db, `SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
	tablesWant := append([]string(nil), Tables...)
	sort.Strings(tablesWant)
	if !reflect.DeepEqual(tablesGot, tablesWant) {
		t.Errorf("tables: got %q, want %q", tablesGot, tablesWant)
	}
	indexesGot := queryStrings(t, db, `SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name`)
	if want := []string{"movie_genres_by_genre", "ratings_by_movie", "users_by_occupation"}; !reflect.DeepEqual(indexesGot, want) {
		t.Errorf("indexes: got %q, want %q", indexesGot, want)
	}
	wantRows := map[string]int64{
		"meta": 9, "genres": 4, "occupations": 2, "movies": 4, "movie_genres": 5, "users": 3, "ratings": 8,
		"movie_stats": 4, "user_stats": 3, "models": 3, "recommendations": 4, "movie_embeddings": 5, "pipeline_runs": 2,
	}
	if !reflect.DeepEqual(res.Rows, wantRows) {
		t.Errorf("rows: got %v, want %v", res.Rows, wantRows)
	}
	if want := []string{"bert4rec", "twotower", "text"}; !reflect.DeepEqual(res.Models, want) {
		t.Errorf("models: got %v, want %v", res.Models, want)
	}
	// 5 processed tables, 2 recs, 1 vectors, text embeddings, 2 metrics (not dbsetup's own).
	if len(res.Inputs) != 11 {
		t.Errorf("got %d inputs, want 11: %v", len(res.Inputs), res.Inputs)
	}
	if len(res.Checks) != 3 {
		t.Errorf("got checks %v, want integrity, foreign keys, row counts", res.Checks)
	}

	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"movies", `SELECT movie_id, title, year, release_date, imdb_url FROM movies ORDER BY movie_id`, []string{
			"1|Toy Story (1995)|1995|1995-01-01|http://imdb/1", "2|GoldenEye (1995)|1995|1995-01-01|NULL",
			"3|Four Rooms (1995)|NULL|NULL|NULL", "4|Unrated (1996)|1996|NULL|NULL"}},
		{"movie_genres", `SELECT movie_id, name FROM movie_genres JOIN genres USING (genre_id) ORDER BY movie_id, genre_id`, []string{
			"1|Comedy", "2|Action", "3|Comedy", "3|Drama", "4|Drama"}},
		{"users", `SELECT user_id, age, gender, o.name, zip_code FROM users JOIN occupations o USING (occupation_id) ORDER BY user_id`, []string{
			"1|24|M|engineer|85711", "2|53|F|artist|T8H1N", "3|30|F|artist|02139"}},
		{"ratings in seconds", `SELECT user_id, movie_id, rating, timestamp, position, split FROM ratings WHERE user_id = 1 ORDER BY timestamp`, []string{
			"1|1|5|874965758|0|train", "1|3|4|874965759|1|validation", "1|2|2|874965760|2|test"}},
		{"movie_stats", `SELECT movie_id, n_ratings, round(mean_rating, 4) FROM movie_stats ORDER BY movie_id`, []string{
			"1|3|3.3333", "2|2|3", "3|3|2.6667", "4|0|NULL"}},
		// user 1 liked movies 1 (Comedy) and 3 (Comedy, Drama): Comedy 2, Drama 1.
		// user 2 liked movie 2 (Action). user 3 liked nothing (3 and 2).
		{"user_stats", `SELECT user_id, n_ratings, printf('%.4f', mean_rating), first_rated_at, last_rated_at, favourite_genres FROM user_stats ORDER BY user_id`, []string{
			`1|3|3.6667|874965758|874965760|["Comedy","Drama"]`, `2|3|2.6667|875000000|875000002|["Action"]`,
			`3|2|2.5000|880000000|880000000|[]`}},
		{"recommendations", `SELECT model, user_id, rank, movie_id, printf('%.2f', score) FROM recommendations ORDER BY model, user_id, rank`, []string{
			"bert4rec|1|1|4|0.90", "bert4rec|1|2|2|0.50", "bert4rec|2|1|3|0.70", "twotower|3|1|4|1.50"}},
		{"models", `SELECT model, n_users, n_recommendations, dim, n_vectors, run_stage, recs_file IS NOT NULL, vectors_file IS NOT NULL FROM models ORDER BY model`, []string{
			"bert4rec|2|3|NULL|0|NULL|1|0", "text|0|0|3|2|NULL|0|1", "twotower|1|1|2|3|train-twotower|1|1"}},
		// Every run is marked with the dataset process read.
		{"pipeline_runs", `SELECT stage, params_hash, json_extract(metrics, '$.rows.ratings'), json_extract(params, '$.split'), dataset FROM pipeline_runs ORDER BY stage`, []string{
			"process|abc|8|temporal|ml-25m", "train-twotower|def|NULL|NULL|ml-25m"}},
		{"meta", `SELECT value FROM meta WHERE key IN ('schema_version', 'favourite_genres', 'liked_rating', 'timestamp_unit') ORDER BY key`, []string{
			"3", "4", "3", "unix seconds (UTC)"}},
	} {
		if got := queryStrings(t, db, tc.query); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}

	// Vectors come back bit for bit.
	for _, tc := range []struct {
		model string
		movie int32
		want  []float32
	}{
		{"twotower", 4, []float32{-0.5, 0.25}},
		{"text", 2, []float32{0.4, 0.5, 0.6}},
	} {
		var blob []byte
		var dim int
		if err := db.QueryRow(`SELECT dim, vector FROM movie_embeddings WHERE model = ? AND movie_id = ?`, tc.model, tc.movie).Scan(&dim, &blob); err != nil {
			t.Fatal(err)
		}
		got, err := DecodeVector(nil, blob)
		if err != nil {
			t.Fatal(err)
		}
		if dim != len(tc.want) || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s movie %d: got dim %d %v, want %v", tc.model, tc.movie, dim, got, tc.want)
		}
	}

	// No temporary file is left next to the database.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("got %d files next to the database, want 1", len(entries))
	}
}

func TestQueriesUseIndexes(t *testing.T) {
	path, _ := build(t, smallFixture().write(t, t.TempDir()))
	db := openDB(t, path)
	for _, tc := range []struct{ query, index string }{
		{`SELECT * FROM ratings WHERE user_id = 1 ORDER BY position DESC`, "sqlite_autoindex_ratings_2 (user_id=?)"},
		{`SELECT * FROM ratings WHERE movie_id = 1`, "ratings_by_movie"},
		{`SELECT movie_id FROM movie_genres WHERE genre_id = 2`, "movie_genres_by_genre"},
		{`SELECT movie_id, score FROM recommendations WHERE model = 'bert4rec' AND user_id = 1 ORDER BY rank`, "PRIMARY KEY"},
	} {
		plan := strings.Join(queryStrings(t, db, "EXPLAIN QUERY PLAN "+tc.query), "\n")
		if !strings.Contains(plan, tc.index) || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s: got plan %q, want it to use %s without sorting", tc.query, plan, tc.index)
		}
	}
}

// TestConstraintsRejectBadRows inserts one bad row at a time into a built
// database and expects SQLite to refuse each.
func TestConstraintsRejectBadRows(t *testing.T) {
	path, _ := build(t, smallFixture().write(t, t.TempDir()))
	db, err := sql.Open("sqlite3", path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		name, stmt string
		want       string // part of SQLite's message
	}{
		{"rating 6", `INSERT INTO ratings VALUES (3, 4, 6, 0, 5, 'train')`, "CHECK"},
		{"rating 0", `INSERT INTO ratings VALUES (3, 4, 0, 0, 5, 'train')`, "CHECK"},
		{"rating 0.25", `INSERT INTO ratings VALUES (3, 4, 0.25, 0, 5, 'train')`, "CHECK"},
		{"rating 5.5", `INSERT INTO ratings VALUES (3, 4, 5.5, 0, 5, 'train')`, "CHECK"},
		{"rating not a number", `INSERT INTO ratings VALUES (3, 4, 'five', 0, 5, 'train')`, "cannot store TEXT"},
		{"age 0", `INSERT INTO users VALUES (9, 0, NULL, NULL, NULL)`, "CHECK"},
		{"unknown split", `INSERT INTO ratings VALUES (3, 4, 3, 0, 5, 'dev')`, "CHECK"},
		{"rating of unknown movie", `INSERT INTO ratings VALUES (3, 999, 3, 0, 5, 'train')`, "FOREIGN KEY"},
		{"rating of unknown user", `INSERT INTO ratings VALUES (999, 4, 3, 0, 0, 'train')`, "FOREIGN KEY"},
		{"rating twice", `INSERT INTO ratings VALUES (1, 1, 3, 0, 9, 'train')`, "UNIQUE"},
		{"gender X", `INSERT INTO users VALUES (9, 30, 'X', 0, '1')`, "CHECK"},
		{"unknown occupation", `INSERT INTO users VALUES (9, 30, 'F', 99, '1')`, "FOREIGN KEY"},
		{"genre name twice", `INSERT INTO genres VALUES (9, 'Drama')`, "UNIQUE"},
		{"movie_genres unknown genre", `INSERT INTO movie_genres VALUES (4, 99)`, "FOREIGN KEY"},
		{"movie id 0", `INSERT INTO movies (movie_id, title) VALUES (0, 'x')`, "CHECK"},
		{"release date not ISO", `INSERT INTO movies (movie_id, title, release_date) VALUES (99, 'x', '01-Jan-1995')`, "CHECK"},
		{"rank 0", `INSERT INTO recommendations VALUES ('bert4rec', 3, 0, 1, 0.5)`, "CHECK"},
		{"recommendation of unknown movie", `INSERT INTO recommendations VALUES ('bert4rec', 3, 1, 999, 0.5)`, "FOREIGN KEY"},
		{"recommendation of unknown model", `INSERT INTO recommendations VALUES ('nope', 3, 1, 1, 0.5)`, "FOREIGN KEY"},
		{"vector of wrong length", `INSERT INTO movie_embeddings VALUES ('text', 3, 3, x'0000803f')`, "CHECK"},
		{"favourite genres not JSON", `UPDATE user_stats SET favourite_genres = 'Drama' WHERE user_id = 1`, "CHECK"},
	} {
		_, err := db.Exec(tc.stmt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one mentioning %s", tc.name, err, tc.want)
		}
	}
	// And a good row goes in, so the rejections above are not for some
	// other reason.
	for _, stmt := range []string{
		`INSERT INTO ratings VALUES (3, 4, 0.5, 880000001, 2, 'test')`,
		`INSERT INTO users VALUES (9, NULL, NULL, NULL, NULL)`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Errorf("%s: got %v, want it accepted", stmt, err)
		}
	}
}

// TestBadInputLeavesOldDatabase builds a good database, then tries to
// rebuild it from spoiled inputs: each attempt must fail with a message
// naming the file and the fault, leave the old database byte for byte, and
// leave no temporary file.
func TestBadInputLeavesOldDatabase(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(f *fixture)  // spoils a value before the inputs are written
		after func(root string) // spoils a file after they are written
		want  []string
	}{
		{"missing movies file", nil, func(root string) {
			os.Remove(filepath.Join(root, "processed", "movies.parquet"))
		}, []string{"movies.parquet", "no such file"}},
		{"rating of unknown movie", func(f *fixture) {
			f.ratings[4].MovieID = 999
		}, nil, []string{"ratings.parquet row 4", "movie_id 999 is not in", "movies.parquet"}},
		{"rating of unknown user", func(f *fixture) {
			f.ratings[0].UserID = 77
		}, nil, []string{"ratings.parquet row 0", "user_id 77 is not in", "users.parquet"}},
		{"rating 6", func(f *fixture) {
			f.ratings[2].Rating = 6
		}, nil, []string{"ratings.parquet row 2 (user_id 1, movie_id 2)", "rating 6 is outside 0.5..5"}},
		{"rating 0.25", func(f *fixture) {
			f.ratings[3].Rating = 0.25
		}, nil, []string{"ratings.parquet row 3 (user_id 2, movie_id 2)", "rating 0.25 is outside 0.5..5"}},
		{"duplicate rating", func(f *fixture) {
			f.ratings[1].MovieID = 1
		}, nil, []string{"ratings.parquet row 1", "UNIQUE constraint failed"}},
		{"unknown genre", func(f *fixture) {
			f.movies[2].Genres = []string{"Comedy", "Western"}
		}, nil, []string{"movies.parquet row 2 (movie_id 3)", `genre "Western" is not in`, "genres.parquet"}},
		{"unknown occupation", func(f *fixture) {
			f.users[1].Occupation = tables.Ptr("pirate")
		}, nil, []string{"users.parquet row 1 (user_id 2)", `occupation "pirate" is not in`}},
		{"gender X", func(f *fixture) {
			f.users[1].Gender = tables.Ptr("X")
		}, nil, []string{"users.parquet row 1 (user_id 2)", "CHECK constraint failed"}},
		{"recommendation of unknown movie", func(f *fixture) {
			f.recs["bert4rec"][1].MovieID = 5000
		}, nil, []string{"bert4rec.parquet row 1", "movie_id 5000 is not in the catalogue", "movies.parquet"}},
		{"recommendation for unknown user", func(f *fixture) {
			f.recs["twotower"][0].UserID = 50
		}, nil, []string{"twotower.parquet row 0", "user_id 50 is not in"}},
		{"rank 0", func(f *fixture) {
			f.recs["bert4rec"][2].Rank = 0
		}, nil, []string{"bert4rec.parquet row 2", "rank 0", "CHECK constraint failed"}},
		{"rank twice", func(f *fixture) {
			f.recs["bert4rec"][1].Rank = 1
		}, nil, []string{"bert4rec.parquet row 1", "UNIQUE constraint failed"}},
		{"vector of unknown movie", func(f *fixture) {
			f.vectors["twotower"][2].MovieID = 404
		}, nil, []string{"twotower_movies.parquet row 2", "movie_id 404 is not in the catalogue"}},
		{"vectors of two sizes", func(f *fixture) {
			f.vectors["twotower"][1].Vector = []float32{1, 2, 3}
		}, nil, []string{"twotower_movies.parquet row 1 (movie_id 2)", "vector has 3 values, want 2"}},
		{"malformed metrics file", nil, func(root string) {
			os.WriteFile(filepath.Join(root, "metrics", "process.json"), []byte("{"), 0o644)
		}, []string{"process.json", "malformed metrics file"}},
		{"metrics file with a stage of the wrong type", nil, func(root string) {
			os.WriteFile(filepath.Join(root, "metrics", "process.json"), []byte(`{"stage": "process", "rows": "many"}`), 0o644)
		}, []string{"process.json", "malformed metrics file"}},
		{"wrong table in place of ratings", nil, func(root string) {
			data, _ := os.ReadFile(filepath.Join(root, "processed", "users.parquet"))
			os.WriteFile(filepath.Join(root, "processed", "ratings.parquet"), data, 0o644)
		}, []string{"ratings.parquet", "column", "missing"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, _ := build(t, smallFixture().write(t, t.TempDir()))
			old, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f := smallFixture()
			if tc.spoil != nil {
				tc.spoil(f)
			}
			root := t.TempDir()
			in := f.write(t, root)
			if tc.after != nil {
				tc.after(root)
			}
			_, err = Build(context.Background(), path, in, DefaultOptions(), nil)
			if err == nil {
				t.Fatal("got nil error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got error %q, want it to contain %q", err, w)
				}
			}
			now, _ := os.ReadFile(path)
			if !bytes.Equal(now, old) {
				t.Error("the old database was changed")
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			if len(entries) != 1 {
				t.Errorf("got %d files next to the database, want 1 (temporary file left behind)", len(entries))
			}
			seedCounts(t, openDB(t, path))
		})
	}
}

func TestCancelledBuildLeavesNothing(t *testing.T) {
	in := smallFixture().write(t, t.TempDir())
	path := filepath.Join(t.TempDir(), "moviegenie.db")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Build(ctx, path, in, DefaultOptions(), nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 0 {
		t.Errorf("got %d files, want none", len(entries))
	}
}

func TestStaleTemporaryFilesRemoved(t *testing.T) {
	in := smallFixture().write(t, t.TempDir())
	dir := t.TempDir()
	path := filepath.Join(dir, "moviegenie.db")
	stale := filepath.Join(dir, ".moviegenie.db.tmp-12345")
	other := filepath.Join(dir, ".other.db.tmp-1")
	os.WriteFile(stale, []byte("half a database"), 0o644)
	os.WriteFile(other, []byte("not ours"), 0o644)
	if _, err := Build(context.Background(), path, in, DefaultOptions(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file: got stat error %v, want it removed", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another file's temporary: got %v, want it kept", err)
	}
}

func TestOptions(t *testing.T) {
	in := smallFixture().write(t, t.TempDir())
	path := filepath.Join(t.TempDir(), "moviegenie.db")
	if _, err := Build(context.Background(), path, in, Options{FavouriteGenres: 1, LikedRating: 1}, nil); err != nil {
		t.Fatal(err)
	}
	// With every rating counted, each user's most frequent genre is
	// Comedy (2 movies each; Action and Drama 1 or 0).
	got := queryStrings(t, openDB(t, path), `SELECT favourite_genres FROM user_stats ORDER BY user_id`)
	if want := []string{`["Comedy"]`, `["Comedy"]`, `["Comedy"]`}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, bad := range []Options{{FavouriteGenres: 0, LikedRating: 4}, {FavouriteGenres: 3, LikedRating: 6}} {
		if _, err := Build(context.Background(), path, in, bad, nil); err == nil {
			t.Errorf("options %+v: got nil error", bad)
		}
	}
}

func TestOpenRefusesOtherSchemaVersion(t *testing.T) {
	path, _ := build(t, smallFixture().write(t, t.TempDir()))
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE meta SET value = '999' WHERE key = 'schema_version'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "schema version 999") {
		t.Fatalf("got %v, want a schema version error", err)
	}
}

func TestVectorRoundTrip(t *testing.T) {
	v := []float32{0, -1.5, 3.25e-7, 1e30}
	blob := EncodeVector(nil, v)
	if want := []byte{0, 0, 0, 0, 0, 0, 0xc0, 0xbf}; !bytes.Equal(blob[:8], want) {
		t.Errorf("got bytes % x, want little-endian % x", blob[:8], want)
	}
	got, err := DecodeVector(nil, blob)
	if err != nil || !reflect.DeepEqual(got, v) {
		t.Errorf("got %v, %v, want %v", got, err, v)
	}
	if _, err := DecodeVector(nil, []byte{1, 2, 3}); err == nil {
		t.Error("3-byte blob: got nil error")
	}
}

// TestBadRowInBatchNamed spoils rows that go in with multi-row statements:
// the error must still name the row.
func TestBadRowInBatchNamed(t *testing.T) {
	// sameUser is the first row at or after i in the same user as the row
	// before it.
	sameUser := func(userOf func(int) int32, i int) int {
		for userOf(i) != userOf(i-1) {
			i++
		}
		return i
	}
	for _, tc := range []struct {
		name  string
		spoil func(f *fixture) (file string, row int)
		want  string
		at    string // where the error says the row is, if not "<file>.parquet row <row> "
	}{
		{"negative timestamp", func(f *fixture) (string, int) { f.ratings[150].Timestamp = -5000; return "ratings", 150 },
			"CHECK constraint failed", ""},
		// The ratings reader refuses it before SQLite sees it.
		{"split dev", func(f *fixture) (string, int) { f.ratings[64].Split = "dev"; return "ratings", 64 },
			`unknown split "dev"`, "ratings.parquet: column split: row 64:"},
		{"same position twice", func(f *fixture) (string, int) {
			i := sameUser(func(i int) int32 { return f.ratings[i].UserID }, 70)
			f.ratings[i].Position = f.ratings[i-1].Position
			return "ratings", i
		}, "UNIQUE constraint failed: ratings.user_id, ratings.position", ""},
		{"same movie twice in a list", func(f *fixture) (string, int) {
			recs := f.recs["model0"]
			i := sameUser(func(i int) int32 { return recs[i].UserID }, 99)
			recs[i].MovieID = recs[i-1].MovieID
			return "model0", i
		}, "is already in this user's list", ""},
		{"a user's list in two runs", func(f *fixture) (string, int) {
			recs := f.recs["model0"]
			i := sameUser(func(i int) int32 { return recs[i].UserID }, 99)
			for recs[i].UserID == recs[i-1].UserID {
				i++
			}
			// The first row of the next user's list goes back to the
			// user before: a run of that user's rows after another's.
			prev := recs[i-1].UserID
			j := i
			for recs[j].UserID != prev {
				j--
			}
			for j > 0 && recs[j-1].UserID == prev {
				j--
			}
			first := j
			for recs[i].UserID == recs[i+1].UserID {
				i++
			}
			// Move user prev's first row to just after the next user's run.
			row := recs[first]
			copy(recs[first:i], recs[first+1:i+1])
			recs[i] = row
			return "model0", i
		}, "a user's rows must be consecutive", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := syntheticFixture(2, 20, 60, 10, 1, 10, 4)
			if len(f.ratings) < 160 || len(f.recs["model0"]) < 120 {
				t.Fatalf("fixture too small: %d ratings", len(f.ratings))
			}
			file, row := tc.spoil(f)
			in := f.write(t, t.TempDir())
			_, err := Build(context.Background(), filepath.Join(t.TempDir(), "m.db"), in, DefaultOptions(), nil)
			if err == nil {
				t.Fatal("got nil error")
			}
			at := tc.at
			if at == "" {
				at = fmt.Sprintf("%s.parquet row %d ", file, row)
			}
			for _, w := range []string{at, tc.want} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got error %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestOddPath(t *testing.T) {
	in := smallFixture().write(t, t.TempDir())
	path := filepath.Join(t.TempDir(), "a dir #1", "movie?genie%20.db")
	if _, err := Build(context.Background(), path, in, DefaultOptions(), nil); err != nil {
		t.Fatal(err)
	}
	if got, want := seedCounts(t, openDB(t, path)), [3]int64{4, 3, 8}; got != want {
		t.Errorf("got %v, want %v", got, want)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 || entries[0].Name() != "movie?genie%20.db" {
		t.Errorf("got %v, want only movie?genie%%20.db", entries)
	}
}

// A custom stage's metrics file of its own shape is left out of
// pipeline_runs instead of failing the build, and so is a damaged metrics
// file of dbsetup itself (the output this build replaces).
func TestBuildForeignMetrics(t *testing.T) {
	root := t.TempDir()
	in := smallFixture().write(t, root)
	// dbsetup's own file from the last build is never read, damaged or not.
	for name, content := range map[string]string{"top.json": `{"rows": 12, "note": "a custom stage"}`, "list.json": `[1, 2]`, "dbsetup.json": `{"stage": "dbsetup"}x`} {
		p := filepath.Join(root, "metrics", name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		in.Metrics = append(in.Metrics, p)
	}
	_, res := build(t, in)
	if got, want := res.Rows["pipeline_runs"], int64(2); got != want {
		t.Errorf("pipeline_runs rows: got %d, want %d (custom files skipped)", got, want)
	}
}

// TestBuildHalfStarsNoDemographics loads what the later releases give:
// half-star ratings, kept exactly, and users without demographics, whose
// columns are NULL.
func TestBuildHalfStarsNoDemographics(t *testing.T) {
	f := smallFixture()
	f.occupations = nil
	for i := range f.users {
		f.users[i] = tables.User{UserID: f.users[i].UserID}
	}
	halves := []float32{0.5, 4.5, 5, 3.5, 1, 2.5, 3, 1.5}
	for i := range f.ratings {
		f.ratings[i].Rating = halves[i]
	}
	path, res := build(t, f.write(t, t.TempDir()))
	if res.Rows["users"] != 3 || res.Rows["occupations"] != 0 || res.Rows["ratings"] != 8 {
		t.Errorf("rows: got %v, want 3 users, 0 occupations, 8 ratings", res.Rows)
	}
	db := openDB(t, path)
	if got, want := queryStrings(t, db, `SELECT printf('%.2f', rating) FROM ratings ORDER BY user_id, position`),
		[]string{"0.50", "4.50", "5.00", "3.50", "1.00", "2.50", "3.00", "1.50"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ratings: got %v, want %v", got, want)
	}
	if got, want := queryStrings(t, db, `SELECT typeof(rating) FROM ratings GROUP BY 1`), []string{"real"}; !reflect.DeepEqual(got, want) {
		t.Errorf("rating types: got %v, want %v", got, want)
	}
	if got, want := queryStrings(t, db, `SELECT COUNT(*) FROM users WHERE age IS NULL AND gender IS NULL AND occupation_id IS NULL AND zip_code IS NULL`),
		[]string{"3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("users without demographics: got %v, want %v", got, want)
	}
	// User 2 rated 3.5, 1 and 2.5: mean 7/3; user 1 rated 0.5, 4.5, 5.
	if got, want := queryStrings(t, db, `SELECT user_id || ':' || round(mean_rating, 4) FROM user_stats ORDER BY user_id`),
		[]string{"1:3.3333", "2:2.3333", "3:2.25"}; !reflect.DeepEqual(got, want) {
		t.Errorf("user mean ratings: got %v, want %v", got, want)
	}
}
