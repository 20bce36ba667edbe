package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/bert4rec"
	"github.com/moviegenie/pipeline/pkg/recommend"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/semantic/semantictest"
	"github.com/moviegenie/pipeline/pkg/testbin"
)

// The end-to-end tests build the real binary and run it in a temporary
// directory on the semantictest fixture: build the index, then search it.

// bin is cmd/semantic, built once per test run.
var bin testbin.Binary

func TestMain(m *testing.M) { os.Exit(bin.Run(m)) }

// workdir is a temporary repository-like directory: data/processed and
// data/features from the fixture, a params.yaml, and models/semantic.bin
// built by the binary itself.
type workdir struct {
	t   *testing.T
	dir string
}

func newWorkdir(t *testing.T) *workdir {
	t.Helper()
	dir := t.TempDir()
	if _, _, err := semantictest.Write(filepath.Join(dir, "data")); err != nil {
		t.Fatal(err)
	}
	params := "semantic_search:\n  semantic_weight: 0.6\n  personal_weight: 0.4\n  neighbours: 20\n"
	if err := os.WriteFile(filepath.Join(dir, "params.yaml"), []byte(params), 0o644); err != nil {
		t.Fatal(err)
	}
	w := &workdir{t: t, dir: dir}
	code, _, stderr := w.run("", "build", "--processed", "data/processed", "--features", "data/features")
	if code != 0 {
		t.Fatalf("semantic build: exit %d\n%s", code, stderr)
	}
	return w
}

// run runs the binary in the workdir with stdin and returns the exit code,
// stdout and stderr.
func (w *workdir) run(stdin string, args ...string) (int, string, string) {
	w.t.Helper()
	r := bin.Exec(w.t, w.dir, strings.NewReader(stdin), args...)
	return r.Code, r.Stdout, r.Stderr
}

type jsonResult struct {
	Query   string   `json:"query"`
	Mode    string   `json:"mode"`
	Rank    int      `json:"rank"`
	MovieID int32    `json:"movie_id"`
	Title   string   `json:"title"`
	Year    *int     `json:"year"`
	Genres  []string `json:"genres"`
	Score   float64  `json:"score"`
}

func parseJSONLines(t *testing.T, out string) []jsonResult {
	t.Helper()
	var rs []jsonResult
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var r jsonResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		rs = append(rs, r)
	}
	return rs
}

func TestEndToEndBuild(t *testing.T) {
	w := newWorkdir(t)
	for _, p := range []string{"models/semantic.bin", "metrics/semantic.json"} {
		if _, err := os.Stat(filepath.Join(w.dir, p)); err != nil {
			t.Errorf("build did not write %s: %v", p, err)
		}
	}
	m, err := runmetrics.Read(filepath.Join(w.dir, "metrics/semantic.json"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Stage != "semantic" || m.Params["neighbours"] != float64(20) || len(m.Params) != 3 {
		t.Errorf("metrics: stage %q params %v, want the raw params.yaml section", m.Stage, m.Params)
	}
	// --set after the command name works like before it.
	code, _, stderr := w.run("", "build", "--processed", "data/processed", "--features", "data/features", "--index", "other.bin", "--metrics", "other.json", "--set", "semantic_search.neighbours=3")
	if code != 0 {
		t.Fatalf("build with --set: exit %d\n%s", code, stderr)
	}
	m, err = runmetrics.Read(filepath.Join(w.dir, "other.json"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Params["neighbours"] != float64(3) {
		t.Errorf("params after --set: %v, want neighbours 3", m.Params)
	}
}

func TestEndToEndSearch(t *testing.T) {
	w := newWorkdir(t)

	// A title with a typo, flags after the query, no quotes.
	code, out, stderr := w.run("", "search", "godfater", "-k", "3")
	if code != 0 {
		t.Fatalf("search: exit %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[1], "RANK  MOVIE_ID  TITLE") || !strings.Contains(lines[2], "The Godfather ") {
		t.Errorf("table:\n%s", out)
	}

	// JSON, words joined into one query.
	code, out, _ = w.run("", "search", "--json", "movies", "like", "star", "wars")
	if code != 0 {
		t.Fatalf("search --json: exit %d", code)
	}
	rs := parseJSONLines(t, out)
	if len(rs) == 0 || rs[0].MovieID != semantictest.Empire || rs[0].Mode != "like" || rs[0].Query != "movies like star wars" {
		t.Errorf("movies like star wars: %+v", rs)
	}
	for _, r := range rs {
		if r.MovieID == semantictest.StarWars {
			t.Errorf("movies like star wars returned Star Wars")
		}
	}

	// Batch: one query per stdin line, blank lines skipped.
	code, out, stderr = w.run("godfather\n\nscary movie\nqwxzv\n", "search", "--json", "-k", "2")
	if code != 0 {
		t.Fatalf("batch: exit %d\n%s", code, stderr)
	}
	rs = parseJSONLines(t, out)
	var queries []string
	for _, r := range rs {
		if len(queries) == 0 || queries[len(queries)-1] != r.Query {
			queries = append(queries, r.Query)
		}
	}
	if !slices.Equal(queries, []string{"godfather", "scary movie"}) || len(rs) != 4 {
		t.Errorf("batch answered %v in %d lines, want godfather and scary movie in 4", queries, len(rs))
	}
	if !strings.Contains(stderr, `no movie matches "qwxzv"`) {
		t.Errorf("batch stderr %q, want a note about qwxzv", stderr)
	}
	code, out, _ = w.run("godfather\nscary movie\n", "search")
	if code != 0 || strings.Count(out, "RANK") != 2 || !strings.Contains(out, "\n\n\"scary movie\": genres Horror") {
		t.Errorf("batch table: exit %d\n%s", code, out)
	}

	// Weights come from params.yaml, overridable with --set.
	code, out, _ = w.run("", "search", "comedy", "--json", "-k", "1", "--set", "semantic_search.genre_weight=0")
	if code != 0 || len(parseJSONLines(t, out)) != 1 {
		t.Errorf("--set after the query: exit %d\n%s", code, out)
	}
}

func TestEndToEndErrors(t *testing.T) {
	w := newWorkdir(t)
	if err := os.WriteFile(filepath.Join(w.dir, "truncated.bin"), []byte("MGMODEL\x00\x01\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("godfather ", 1024) // 10 kB
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		msg   string
	}{
		{"empty query", "", []string{"search", ""}, 2, "empty query"},
		{"blank query", "", []string{"search", "   "}, 2, "empty query"},
		{"punctuation", "", []string{"search", "?!"}, 2, "no letters or digits"},
		{"10 kB query", "", []string{"search", long}, 2, "query too long: 10240 bytes, at most 1000"},
		{"not UTF-8", "", []string{"search", "god\xfffather"}, 2, "not valid UTF-8"},
		{"k 0", "", []string{"search", "godfather", "-k", "0"}, 2, "-k 0: want at least 1"},
		{"k negative", "", []string{"search", "-k", "-5", "godfather"}, 2, "-k -5: want at least 1"},
		{"k not a number", "", []string{"search", "godfather", "-k", "ten"}, 2, "invalid value"},
		{"unknown flag", "", []string{"search", "godfather", "--jsn"}, 2, "unknown flag --jsn"},
		{"empty stdin", "", []string{"search"}, 2, "no query"},
		{"blank stdin", "\n \n", []string{"search"}, 2, "no query"},
		{"bad stdin line", "godfather\n\xff\xfe\n", []string{"search"}, 2, "stdin line 2: query is not valid UTF-8"},
		{"long stdin line", long + "\n", []string{"search", "--json"}, 2, "stdin line 1: query too long"},
		{"missing index", "", []string{"search", "godfather", "--index", "nope.bin"}, 1, "build it with `make models/semantic.bin`"},
		{"truncated index", "", []string{"search", "godfather", "--index", "truncated.bin"}, 1, "truncated"},
		{"foreign index", "", []string{"search", "godfather", "--index", "params.yaml"}, 1, "not a Movie Genie model file"},
		{"user without model", "", []string{"search", "godfather", "--user", "1"}, 1, "make models/bert4rec.bin"},
		{"user zero", "", []string{"search", "godfather", "--user", "0"}, 2, "unknown user 0"},
		{"bad param", "", []string{"search", "godfather", "--set", "semantic_search.genre_weight=-1"}, 2, "semantic_search.genre_weight"},
		{"unknown param", "", []string{"search", "godfather", "--set", "semantic_search.bogus=1"}, 2, "semantic_search.bogus"},
		{"build with an argument", "", []string{"build", "extra"}, 2, "unexpected argument"},
		{"build without inputs", "", []string{"build", "--processed", "nowhere"}, 1, "nowhere/genres.parquet"},
		{"unknown command", "", []string{"serach", "godfather"}, 2, `unknown command "serach"; commands: build, search`},
		{"no command", "", nil, 2, "no command given; commands: build, search"},
	}
	for _, tt := range tests {
		code, out, stderr := w.run(tt.stdin, tt.args...)
		if tt.name == "bad stdin line" && !strings.Contains(out, "The Godfather") {
			t.Errorf("%s: stdout %q, want line 1 answered", tt.name, out)
		}
		if code != tt.code {
			t.Errorf("%s: exit %d, want %d\nstderr: %s", tt.name, code, tt.code, stderr)
		}
		if !strings.Contains(stderr, tt.msg) {
			t.Errorf("%s: stderr %q, want it to say %q", tt.name, stderr, tt.msg)
		}
		if tt.code == 2 && tt.stdin == "" && out != "" {
			t.Errorf("%s: usage error printed results: %q", tt.name, out)
		}
	}
}

// TestEndToEndUser blends a (tiny, untrained) BERT4Rec model: the user's
// rated movies, in every split, never come back; an unknown user is a
// usage error.
func TestEndToEndUser(t *testing.T) {
	w := newWorkdir(t)
	cfg := bert4rec.DefaultConfig()
	cfg.HiddenSize, cfg.NumLayers, cfg.NumHeads, cfg.MaxLen = 8, 1, 2, 8
	var movieIDs []int32
	for _, m := range semantictest.Movies {
		movieIDs = append(movieIDs, m.ID)
	}
	model := bert4rec.NewModel(cfg, len(movieIDs))
	model.MovieIDs = movieIDs
	if err := os.MkdirAll(filepath.Join(w.dir, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := model.Save(filepath.Join(w.dir, "models", "bert4rec.bin")); err != nil {
		t.Fatal(err)
	}
	// User 1 (a crime fan) rated The Godfather, Part II, The Maltese Falcon,
	// Twelve Monkeys, and Scream in the test split.
	rated := []int32{semantictest.Godfather, semantictest.GodfatherII, semantictest.MalteseFalcn, semantictest.Monkeys, semantictest.Scream}
	for _, q := range []string{"godfather", "scary movie", "sci-fi", "movies like star wars"} {
		code, out, stderr := w.run("", "search", q, "--user", "1", "--json", "-k", "13")
		if code != 0 {
			t.Fatalf("%q --user 1: exit %d\n%s", q, code, stderr)
		}
		rs := parseJSONLines(t, out)
		if len(rs) == 0 {
			t.Errorf("%q --user 1: no results", q)
		}
		for _, r := range rs {
			if slices.Contains(rated, r.MovieID) {
				t.Errorf("%q --user 1: returned %s, which user 1 rated", q, r.Title)
			}
		}
	}
	code, _, stderr := w.run("", "search", "godfather", "--user", "999")
	if code != 2 || !strings.Contains(stderr, "unknown user 999") {
		t.Errorf("unknown user: exit %d, stderr %q; want 2 and a message", code, stderr)
	}
	code, _, stderr = w.run("", "search", "godfather", "--user", "1", "--model", "models/none.bin")
	if code != 1 || !strings.Contains(stderr, "models/none.bin does not exist") || !strings.Contains(stderr, "make models/bert4rec.bin") {
		t.Errorf("missing model: exit %d, stderr %q", code, stderr)
	}
}

// TestBadLineMidBatch: a bad line is reported with its number and the
// lines after it are still answered; the exit status says one failed.
func TestBadLineMidBatch(t *testing.T) {
	w := newWorkdir(t)
	code, out, stderr := w.run("?!\ngodfather\n", "search", "--json")
	if code != 2 || !strings.Contains(stderr, "stdin line 1: ") || !strings.Contains(stderr, "1 of 2 stdin queries") || !strings.Contains(out, `"title":"The Godfather"`) {
		t.Errorf("got exit %d, stdout %q, stderr %q; want exit 2, line 1 reported and line 2 answered", code, out, stderr)
	}
}

// TestModelKinds: --user serves every model kind recommend serves.
func TestModelKinds(t *testing.T) {
	for _, k := range []string{"bert4rec", "twotower"} {
		if !slices.Contains(recommend.Kinds(), k) {
			t.Errorf("model kind %s is not linked in (kinds: %v)", k, recommend.Kinds())
		}
	}
}
