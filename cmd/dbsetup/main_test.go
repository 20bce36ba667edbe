package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/tables"
	"github.com/moviegenie/pipeline/pkg/testbin"
)

// bin is this command, built once for all tests.
var bin testbin.Binary

func TestMain(m *testing.M) { os.Exit(bin.Run(m)) }

// runBinary runs the binary in dir and returns its exit code and output.
func runBinary(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	r := bin.Exec(t, dir, nil, args...)
	return r.Code, r.Stdout + r.Stderr
}

// writeInputs writes a pipeline tree under root (params.yaml,
// data/processed, data/recs/demo.parquet) with nUsers users who each rated
// every one of nMovies movies, and returns the number of ratings.
func writeInputs(t *testing.T, root string, nUsers, nMovies int) int {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(root, "params.yaml"), []byte("database:\n  favourite_genres: 2\n  liked_rating: 4\n"), 0o644))
	p := func(parts ...string) string { return filepath.Join(append([]string{root, "data"}, parts...)...) }
	must(tables.Write(p("processed", "genres.parquet"), []tables.Genre{{GenreID: 0, Name: "Comedy"}, {GenreID: 1, Name: "Drama"}}))
	must(tables.Write(p("processed", "occupations.parquet"), []tables.Occupation{{OccupationID: 0, Name: "writer"}}))
	var movies []tables.Movie
	for m := 1; m <= nMovies; m++ {
		movies = append(movies, tables.Movie{MovieID: int32(m), Title: fmt.Sprintf("Movie %d", m), Genres: []string{[]string{"Comedy", "Drama"}[m%2]}})
	}
	must(tables.Write(p("processed", "movies.parquet"), movies))
	var users []tables.User
	var ratings []tables.Rating
	var recs []eval.Rec
	for u := 1; u <= nUsers; u++ {
		users = append(users, tables.NewUser(int32(u), 30, "F", "writer", "12345"))
		for m := 1; m <= nMovies; m++ {
			split := tables.SplitTrain
			if m == nMovies {
				split = tables.SplitTest
			}
			ratings = append(ratings, tables.Rating{UserID: int32(u), MovieID: int32(m), Rating: float32(1 + (u+m)%5),
				Timestamp: int64(880000000+u*1000+m) * 1000, Position: int32(m - 1), Split: split})
		}
		recs = append(recs, eval.Rec{UserID: int32(u), Rank: 1, MovieID: int32(nMovies), Score: 1})
	}
	must(tables.Write(p("processed", "users.parquet"), users))
	must(tables.Write(p("processed", "ratings.parquet"), ratings))
	must(tables.Write(p("recs", "demo.parquet"), recs))
	return len(ratings)
}

// counts opens a database and returns its seed-query counts.
func counts(t *testing.T, path string) [3]int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var c [3]int
	err = db.QueryRow(`SELECT (SELECT COUNT(*) FROM movies), (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM ratings)`).Scan(&c[0], &c[1], &c[2])
	if err != nil {
		t.Fatalf("query %s: %v", path, err)
	}
	return c
}

func TestEndToEnd(t *testing.T) {
	work := t.TempDir()
	n := writeInputs(t, work, 5, 4)
	code, stderr := runBinary(t, work) // every flag at its default, as the Makefile calls it
	if code != 0 {
		t.Fatalf("got exit %d, want 0; stderr:\n%s", code, stderr)
	}
	dbPath := filepath.Join(work, "data", "moviegenie.db")
	if got, want := counts(t, dbPath), [3]int{4, 5, n}; got != want {
		t.Errorf("movies, users, ratings: got %v, want %v", got, want)
	}
	m, err := runmetrics.Read(filepath.Join(work, "metrics", "dbsetup.json"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Stage != "dbsetup" || m.Rows["ratings"] != int64(n) || m.Rows["recommendations"] != 5 || m.Rows["models"] != 1 {
		t.Errorf("metrics: got stage %q rows %v", m.Stage, m.Rows)
	}
	if len(m.Inputs) != 6 || len(m.Outputs) != 1 || !strings.HasSuffix(m.Outputs[0].Path, "moviegenie.db") {
		t.Errorf("metrics: got inputs %v outputs %v, want 6 inputs and the database", m.Inputs, m.Outputs)
	}
	for _, in := range m.Inputs {
		if len(in.SHA256) != 64 {
			t.Errorf("input %s: checksum %q", in.Path, in.SHA256)
		}
	}
	if m.Params["favourite_genres"] != 2.0 || m.ParamsHash == "" || m.PeakRSSBytes <= 0 || len(m.Checks) != 3 {
		t.Errorf("metrics: got params %v hash %q rss %d checks %v", m.Params, m.ParamsHash, m.PeakRSSBytes, m.Checks)
	}

	// A second run finds metrics/dbsetup.json but skips it (it describes
	// the previous build), so pipeline_runs stays empty.
	if code, stderr := runBinary(t, work); code != 0 {
		t.Fatalf("second run: got exit %d; stderr:\n%s", code, stderr)
	}
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var runs int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pipeline_runs`).Scan(&runs); err != nil || runs != 0 {
		t.Errorf("pipeline_runs: got %d rows (%v), want 0 (dbsetup's own metrics are not loaded)", runs, err)
	}
}

// TestBadInputExitsOne checks the exit code and message of bad data, and
// that the old database and metrics survive.
func TestBadInputExitsOne(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, work string)
		want  []string
	}{
		{"missing ratings", func(t *testing.T, work string) {
			os.Remove(filepath.Join(work, "data", "processed", "ratings.parquet"))
		}, []string{"dbsetup: ", "ratings.parquet", "no such file"}},
		{"recommendation of unknown movie", func(t *testing.T, work string) {
			recs := []eval.Rec{{UserID: 1, Rank: 1, MovieID: 2}, {UserID: 1, Rank: 2, MovieID: 99}}
			if err := tables.Write(filepath.Join(work, "data", "recs", "demo.parquet"), recs); err != nil {
				t.Fatal(err)
			}
		}, []string{"dbsetup: ", "demo.parquet row 1", "movie_id 99 is not in the catalogue"}},
		{"rating of unknown movie", func(t *testing.T, work string) {
			path := filepath.Join(work, "data", "processed", "ratings.parquet")
			ratings, err := tables.Read[tables.Rating](path)
			if err != nil {
				t.Fatal(err)
			}
			ratings[3].MovieID = 1000
			if err := tables.Write(path, ratings); err != nil {
				t.Fatal(err)
			}
		}, []string{"dbsetup: ", "ratings.parquet row 3", "movie_id 1000 is not in", "movies.parquet"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			work := t.TempDir()
			writeInputs(t, work, 3, 3)
			if code, stderr := runBinary(t, work); code != 0 {
				t.Fatalf("first run: got exit %d; stderr:\n%s", code, stderr)
			}
			dbPath := filepath.Join(work, "data", "moviegenie.db")
			metricsPath := filepath.Join(work, "metrics", "dbsetup.json")
			oldDB, _ := os.ReadFile(dbPath)
			oldMetrics, _ := os.ReadFile(metricsPath)
			tc.spoil(t, work)
			code, stderr := runBinary(t, work)
			if code != 1 {
				t.Errorf("got exit %d, want 1; stderr:\n%s", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not contain %q", stderr, w)
				}
			}
			if now, _ := os.ReadFile(dbPath); !bytes.Equal(now, oldDB) {
				t.Error("the old database was changed")
			}
			if now, _ := os.ReadFile(metricsPath); !bytes.Equal(now, oldMetrics) {
				t.Error("the old metrics file was changed")
			}
			if tmp, _ := filepath.Glob(filepath.Join(work, "data", ".moviegenie.db.tmp-*")); len(tmp) != 0 {
				t.Errorf("temporary files left behind: %v", tmp)
			}
		})
	}
}

func TestUsageExitsTwo(t *testing.T) {
	work := t.TempDir()
	writeInputs(t, work, 2, 2)
	for _, args := range [][]string{
		{"--no-such-flag"},
		{"--set", "database.liked_rating=9"},
		{"--set", "database.favourit_genres=2"},
	} {
		if code, stderr := runBinary(t, work, args...); code != 2 {
			t.Errorf("%v: got exit %d, want 2; stderr:\n%s", args, code, stderr)
		}
	}
}

// TestKilledRunLeavesOldDatabase kills the binary while it is writing its
// temporary database and checks that the old database is intact. The run is
// held mid-build by a named pipe posing as a recommendations file: opening
// it blocks until a writer comes, which never happens.
func TestKilledRunLeavesOldDatabase(t *testing.T) {
	work := t.TempDir()
	writeInputs(t, work, 3, 3)
	if code, stderr := runBinary(t, work); code != 0 {
		t.Fatalf("first run: got exit %d; stderr:\n%s", code, stderr)
	}
	dbPath := filepath.Join(work, "data", "moviegenie.db")
	metricsPath := filepath.Join(work, "metrics", "dbsetup.json")
	oldMetrics, _ := os.ReadFile(metricsPath)

	// Bigger inputs for the killed run, so that "old counts" mean something.
	writeInputs(t, work, 30, 40)
	fifo := filepath.Join(work, "data", "recs", "zzz.parquet")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	cmd := exec.Command(bin.Path(t))
	cmd.Dir = work
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// Wait until the processed tables are in the temporary database.
	deadline := time.After(20 * time.Second)
	var tmp []string
	for loaded := false; !loaded || len(tmp) == 0; {
		select {
		case l, ok := <-lines:
			if !ok {
				cmd.Wait()
				t.Fatal("dbsetup exited before it was killed")
			}
			loaded = loaded || strings.Contains(l, "ratings from")
		case <-deadline:
			cmd.Process.Kill()
			t.Fatal("dbsetup did not start writing within 20s")
		case <-time.After(10 * time.Millisecond):
		}
		tmp, _ = filepath.Glob(filepath.Join(work, "data", ".moviegenie.db.tmp-*"))
	}
	if st, err := os.Stat(tmp[0]); err == nil {
		t.Logf("killing dbsetup while it writes %s (%d bytes on disk so far)", tmp[0], st.Size())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	if got, want := counts(t, dbPath), [3]int{3, 3, 9}; got != want {
		t.Errorf("after the kill: got movies, users, ratings %v, want the old %v", got, want)
	}
	if now, _ := os.ReadFile(metricsPath); !bytes.Equal(now, oldMetrics) {
		t.Error("the killed run changed the metrics file")
	}

	// The next run cleans up and replaces the database.
	os.Remove(fifo)
	code, out := runBinary(t, work)
	if code != 0 {
		t.Fatalf("run after the kill: got exit %d; stderr:\n%s", code, out)
	}
	if !strings.Contains(out, "left by an interrupted build") {
		t.Errorf("stderr %q does not report removing the stale temporary file", out)
	}
	if left, _ := filepath.Glob(filepath.Join(work, "data", ".moviegenie.db.tmp-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if got, want := counts(t, dbPath), [3]int{40, 30, 1200}; got != want {
		t.Errorf("after the rerun: got %v, want %v", got, want)
	}
}
