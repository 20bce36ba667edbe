package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/bert4rec"
	"github.com/moviegenie/pipeline/pkg/bert4rec/fixture"
	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/modelfile"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/recommend"
	"github.com/moviegenie/pipeline/pkg/tables"
	"github.com/moviegenie/pipeline/pkg/testbin"
)

// trainedFixture writes the fixture into a temporary directory and trains
// a model on it with the stage (2 epochs); it returns the directory.
func trainedFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := fixture.Write(dir); err != nil {
		t.Fatal(err)
	}
	p, err := params.Load([]string{filepath.Join(dir, "params.yaml")}, []string{"model_training.bert4rec.epochs=2"})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := bert4rec.DecodeConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	st := &bert4rec.Stage{
		Processed: filepath.Join(dir, "processed"), Features: filepath.Join(dir, "features"),
		Model: filepath.Join(dir, "models", "bert4rec.bin"), Recs: filepath.Join(dir, "recs.parquet"),
		Metrics: filepath.Join(dir, "metrics.json"), Params: p, Cfg: cfg, Stderr: &bytes.Buffer{},
	}
	if err := st.Run(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runApp runs the command in-process with the fixture's paths and returns
// the exit code, stdout and stderr.
func runApp(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	app := newApp()
	var stdout, stderr bytes.Buffer
	app.Writer = &stdout
	full := append([]string{"recommend", "--model", filepath.Join(dir, "models", "bert4rec.bin"),
		"--processed", filepath.Join(dir, "processed"), "--features", filepath.Join(dir, "features")}, args...)
	code := cliapp.Run(app, full, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestRecommend(t *testing.T) {
	dir := trainedFixture(t)
	s, err := eval.LoadSplit(filepath.Join(dir, "processed", "sequences.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := eval.ReadRecs(filepath.Join(dir, "recs.parquet"))
	if err != nil {
		t.Fatal(err)
	}

	// A user's table: header and 10 rows, titles, the recs file's order.
	code, out, stderr := runApp(t, dir, "--user", "3")
	if code != 0 {
		t.Fatalf("--user 3: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 11 || !strings.HasPrefix(lines[0], "RANK") || !strings.Contains(lines[0], "TITLE") {
		t.Fatalf("--user 3: got\n%s\nwant a header and 10 rows", out)
	}
	var want []int32
	for _, r := range recs {
		if r.UserID == 3 && r.Rank <= 10 {
			want = append(want, r.MovieID)
		}
	}
	for i, l := range lines[1:] {
		f := strings.Fields(l)
		if f[0] != itoa(i+1) || f[1] != itoa(int(want[i])) || f[2] != "Movie" {
			t.Errorf("row %d: got %q, want rank %d movie %d (recs file) and its title", i+1, l, i+1, want[i])
		}
	}

	// JSON lines, -k, a history: no seen movie comes back.
	hist := []int32{fixture.MovieID(10), fixture.MovieID(11), fixture.MovieID(12)}
	code, out, stderr = runApp(t, dir, "--history", "121, 123,125", "-k", "4", "--json")
	if code != 0 {
		t.Fatalf("--history: exit %d: %s", code, stderr)
	}
	var got []line
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var x line
		if err := json.Unmarshal([]byte(l), &x); err != nil {
			t.Fatalf("not JSON: %q: %v", l, err)
		}
		got = append(got, x)
	}
	if len(got) != 4 || got[0].Rank != 1 || got[3].Rank != 4 || got[0].Year == nil || len(got[0].Genres) != 1 {
		t.Errorf("--json -k 4: got %+v", got)
	}
	for _, x := range got {
		for _, h := range hist {
			if x.MovieID == h {
				t.Errorf("history movie %d recommended", h)
			}
		}
	}
	// A user's seen movies are excluded.
	code, out, _ = runApp(t, dir, "--user", "5", "-k", "30", "--json")
	u := &s.Users[4]
	if code != 0 || strings.Count(out, "\n") != fixture.Movies-len(u.History(eval.Test)) {
		t.Errorf("--user 5 -k 30: exit %d, %d lines, want %d (all unseen)", code, strings.Count(out, "\n"), fixture.Movies-len(u.History(eval.Test)))
	}
	for _, id := range u.History(eval.Test) {
		if strings.Contains(out, `"movie_id":`+itoa(int(id))+",") {
			t.Errorf("--user 5: seen movie %d recommended", id)
		}
	}

	// Errors: usage (2) or data (1), one line naming the problem, no panic.
	bad := filepath.Join(dir, "bad.bin")
	data, _ := os.ReadFile(filepath.Join(dir, "models", "bert4rec.bin"))
	os.WriteFile(bad, data[:len(data)/2], 0o644)
	mystery := filepath.Join(dir, "mystery.bin")
	if err := modelfile.Write(mystery, "mystery", 1, nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--user", "999"}, 2, "unknown user 999"},
		{[]string{"--history", "121,122"}, 2, "unknown movie 122"},
		{[]string{"--history", "121,,123"}, 2, "empty movie id"},
		{[]string{"--history", "abc"}, 2, "not a movie id"},
		{[]string{"--user", "3", "-k", "0"}, 2, "-k 0"},
		{[]string{"--user", "3", "-k", "-2"}, 2, "-k -2"},
		{[]string{"--user", "3", "--history", "121"}, 2, "not both"},
		{[]string{}, 2, "give --user ID or --history IDS"},
		{[]string{"--user", "3", "--model", bad}, 1, "truncated"},
		{[]string{"--user", "3", "--model", mystery}, 1, `mystery.bin is a "mystery" file, not a model that recommends (kinds: bert4rec, twotower)`},
		{[]string{"--user", "3", "--model", filepath.Join(dir, "none.bin")}, 1, "no such file"},
		{[]string{"--user", "3", "--processed", filepath.Join(dir, "none")}, 1, "movies.parquet"},
	} {
		code, out, stderr := runApp(t, dir, c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) || out != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want exit %d and %q", c.args, code, stderr, out, c.code, c.msg)
		}
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// bin is this command, built once for all tests.
var bin testbin.Binary

func TestMain(m *testing.M) { os.Exit(bin.Run(m)) }

// TestBinary builds the command and runs it on the trained fixture.
func TestBinary(t *testing.T) {
	dir := trainedFixture(t)
	r := bin.Exec(t, dir, nil, "--model", "models/bert4rec.bin", "--processed", "processed", "--user", "1", "-k", "3")
	if r.Code != 0 {
		t.Fatalf("recommend --user 1: exit %d\n%s", r.Code, r.Stderr)
	}
	if n := strings.Count(r.Stdout, "\n"); n != 4 {
		t.Errorf("got %d lines, want a header and 3 rows:\n%s", n, r.Stdout)
	}
	r = bin.Exec(t, dir, nil, "--model", "models/bert4rec.bin", "--processed", "processed", "--user", "4242")
	if r.Code != 2 || !strings.HasPrefix(r.Stderr, "recommend: unknown user 4242") {
		t.Errorf("unknown user: got exit %d, stderr %q; want exit 2 and a message", r.Code, r.Stderr)
	}
}

// TestTitleForm: recommend writes titles as semantic search does ("The
// Godfather", the year in its own field), with the same table columns.
func TestTitleForm(t *testing.T) {
	movies := map[int32]tables.Movie{127: {MovieID: 127, Title: "Godfather, The (1972)", Year: ptr(int32(1972)), Genres: []string{"Crime"}}}
	items := []recommend.Item{{MovieID: 127, Score: 1.5}}
	var b strings.Builder
	if err := writeJSON(&b, items, movies); err != nil {
		t.Fatal(err)
	}
	if want := `{"rank":1,"movie_id":127,"title":"The Godfather","year":1972,"genres":["Crime"],"score":1.5}` + "\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	if err := writeTable(&b, items, movies); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "RANK  MOVIE_ID  TITLE          YEAR  GENRES  SCORE\n1     127       The Godfather  1972") {
		t.Errorf("got table %q", b.String())
	}
}

func ptr[T any](v T) *T { return &v }
