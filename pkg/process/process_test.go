package process

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/process/processtest"
	"github.com/moviegenie/pipeline/pkg/realdata"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/tables"
)

const coldTitle = "Á köldum klaka (Cold Fever) (1994)"

var tinyParams = func() Config {
	c := Defaults()
	c.MinRatingsPerUser, c.MinRatingsPerMovie = 3, 2
	return c
}()

// writeRaw writes the tiny raw directory, with some files replaced.
func writeRaw(t *testing.T, override map[string]string) string {
	return processtest.WriteRaw(t, override)
}

// newConfig is a run of the stage with params p, given as a full
// data_processing Section.
func newConfig(raw, out, metrics string, p Config) config {
	tree := params.FromMap(map[string]any{Section: map[string]any{
		"min_ratings_per_user":  p.MinRatingsPerUser,
		"min_ratings_per_movie": p.MinRatingsPerMovie,
		"test_split_ratio":      p.TestSplitRatio,
		"split":                 p.Split,
	}})
	return config{Paths{Raw: raw, Out: out, Metrics: metrics}, p, tree}
}

// config is one run of the stage in a test.
type config struct {
	paths Paths
	cfg   Config
	tree  *params.Params
}

func run(c config) error { return Run(c.cfg, c.paths, c.tree) }

func i32(v int32) *int32   { return &v }
func str(s string) *string { return &s }

func TestRunTiny(t *testing.T) {
	raw := writeRaw(t, nil)
	out := filepath.Join(t.TempDir(), "processed")
	metrics := filepath.Join(t.TempDir(), "metrics", "process.json")
	if err := run(newConfig(raw, out, metrics, tinyParams)); err != nil {
		t.Fatal(err)
	}

	movies, err := tables.Read[tables.Movie](filepath.Join(out, MoviesFile))
	if err != nil {
		t.Fatal(err)
	}
	wantMovies := []tables.Movie{
		{MovieID: 1, Title: "Toy Story (1995)", Year: i32(1995), ReleaseDate: i32(9131), IMDbURL: str("http://x/toy"), Genres: []string{"Comedy"}},
		{MovieID: 2, Title: "GoldenEye (1995)", Year: i32(1995), ReleaseDate: i32(9131), IMDbURL: str("http://x/ge"), Genres: []string{"Action"}},
		{MovieID: 267, Title: "unknown", Genres: []string{"unknown"}},
		{MovieID: 1633, Title: coldTitle, Year: i32(1994), ReleaseDate: i32(9563), IMDbURL: str("http://x/cold"), Genres: []string{"Comedy"}},
	}
	if !reflect.DeepEqual(movies, wantMovies) {
		t.Errorf("got movies %+v\nwant %+v", movies, wantMovies)
	}

	users, err := tables.Read[tables.User](filepath.Join(out, UsersFile))
	if err != nil {
		t.Fatal(err)
	}
	wantUsers := []tables.User{
		tables.NewUser(1, 24, "M", "artist", "85711"),
		tables.NewUser(2, 53, "F", "none", "94043"),
		tables.NewUser(3, 23, "M", "writer", "32067"),
	}
	if !reflect.DeepEqual(users, wantUsers) {
		t.Errorf("got users %+v, want %+v", users, wantUsers)
	}

	ratings, got := readRatings(t, out)
	// n = 4 per user: n_test = max(1, floor(0.8 + 0.5)) = 1, then 3 remain:
	// the last is validation, two are train.
	want := []string{
		"1:1#0:train", "1:2#1:train", "1:267#2:validation", "1:1633#3:test", // tie on time: by movie id
		"2:1#0:train", "2:2#1:train", "2:267#2:validation", "2:1633#3:test",
		"3:267#0:train", "3:1#1:train", "3:2#2:validation", "3:1633#3:test",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got ratings %v\nwant %v", got, want)
	}
	if r := ratings[0]; r.Rating != 2 || r.Timestamp != 881250949000 {
		t.Errorf("got first rating %+v, want rating 2 at 881250949000 ms", r)
	}

	seqs, err := tables.Read[tables.Sequence](filepath.Join(out, SequencesFile))
	if err != nil {
		t.Fatal(err)
	}
	wantSeq := tables.Sequence{UserID: 3, MovieIDs: []int32{267, 1, 2, 1633}, Timestamps: []int64{881250500000, 881250600000, 881250700000, 881250800000},
		Ratings: []float32{4, 4, 4, 4}, NTrain: 2, NVal: 1, NTest: 1}
	if len(seqs) != 3 || !reflect.DeepEqual(seqs[2], wantSeq) {
		t.Errorf("got sequences %+v, want 3 with the last %+v", seqs, wantSeq)
	}

	genres, err := tables.Read[tables.Genre](filepath.Join(out, GenresFile))
	if err != nil {
		t.Fatal(err)
	}
	if want := []tables.Genre{{GenreID: 0, Name: "unknown"}, {GenreID: 1, Name: "Action"}, {GenreID: 2, Name: "Comedy"}}; !reflect.DeepEqual(genres, want) {
		t.Errorf("got genres %+v, want %+v", genres, want)
	}
	occ, err := tables.Read[tables.Occupation](filepath.Join(out, OccupationsFile))
	if err != nil {
		t.Fatal(err)
	}
	if want := []tables.Occupation{{OccupationID: 0, Name: "artist"}, {OccupationID: 1, Name: "none"}, {OccupationID: 2, Name: "writer"}}; !reflect.DeepEqual(occ, want) {
		t.Errorf("got occupations %+v, want %+v", occ, want)
	}

	m, err := runmetrics.Read(metrics)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int64{"raw_ratings": 14, "raw_users": 4, "raw_movies": 5, "movies": 4, "users": 3, "ratings": 12, "sequences": 3, "genres": 3, "occupations": 3, "train": 6, "validation": 3, "test": 3} {
		if m.Rows[name] != want {
			t.Errorf("got rows[%s] = %d, want %d", name, m.Rows[name], want)
		}
	}
	if len(m.Inputs) != 5 || len(m.Outputs) != len(OutputFiles) {
		t.Errorf("got %d inputs and %d outputs, want 5 and %d", len(m.Inputs), len(m.Outputs), len(OutputFiles))
	}
	kcore := m.Figures["kcore"].(map[string]any)
	iters := kcore["iterations"].([]any)
	first := iters[0].(map[string]any)
	if len(iters) != 2 || first["movies_dropped"] != 1.0 || first["users_dropped"] != 1.0 {
		t.Errorf("got k-core iterations %v, want 2, the first dropping 1 movie and 1 user", iters)
	}
	split := m.Figures["split"].(map[string]any)
	if split["train"] != 6.0 || split["validation"] != 3.0 || split["test"] != 3.0 {
		t.Errorf("got split summary %v, want train 6, validation 3, test 3", split)
	}
	if m.Params["split"] != "temporal" || m.Params["min_ratings_per_user"] != 3.0 || m.ParamsHash == "" {
		t.Errorf("got params %v hash %s", m.Params, m.ParamsHash)
	}
	if len(m.Checks) < 15 {
		t.Errorf("got %d checks, want every validation check recorded", len(m.Checks))
	}
	for _, c := range m.Checks {
		if !c.Passed {
			t.Errorf("check %q failed in a successful run", c.Name)
		}
	}
}

func TestRunLeaveOneOut(t *testing.T) {
	raw := writeRaw(t, nil)
	out := t.TempDir()
	p := tinyParams
	p.Split = "leave_one_out"
	if err := run(newConfig(raw, out, filepath.Join(out, "m.json"), p)); err != nil {
		t.Fatal(err)
	}
	seqs, err := tables.Read[tables.Sequence](filepath.Join(out, SequencesFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range seqs {
		if s.NTrain != 2 || s.NVal != 1 || s.NTest != 1 {
			t.Errorf("user %d: got %d/%d/%d, want 2/1/1", s.UserID, s.NTrain, s.NVal, s.NTest)
		}
	}
}

// readRatings reads the ratings table under out, and each row as
// "user:movie#position:split".
func readRatings(t *testing.T, out string) ([]tables.Rating, []string) {
	t.Helper()
	ratings, err := tables.Read[tables.Rating](filepath.Join(out, RatingsFile))
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, r := range ratings {
		rows = append(rows, fmt.Sprintf("%d:%d#%d:%s", r.UserID, r.MovieID, r.Position, r.Split))
	}
	return ratings, rows
}

// TestRunHeldOutValidation: each user's test part (the last of 4) goes,
// and the 3 left split again: 1 train, 1 validation, 1 "test" (the
// validation fold). Movie 1633, rated only in test parts, leaves the
// catalogue.
func TestRunHeldOutValidation(t *testing.T) {
	raw := writeRaw(t, nil)
	out := t.TempDir()
	metrics := filepath.Join(out, "m.json")
	p := tinyParams
	p.HeldOut = HeldOutValidation
	if err := run(newConfig(raw, out, metrics, p)); err != nil {
		t.Fatal(err)
	}
	_, got := readRatings(t, out)
	want := []string{
		"1:1#0:train", "1:2#1:validation", "1:267#2:test",
		"2:1#0:train", "2:2#1:validation", "2:267#2:test",
		"3:267#0:train", "3:1#1:validation", "3:2#2:test",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got ratings %v\nwant %v", got, want)
	}
	movies, err := tables.Read[tables.Movie](filepath.Join(out, MoviesFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range movies {
		if m.MovieID == 1633 {
			t.Errorf("movie 1633, rated only in test parts, is still in the catalogue")
		}
	}
	m, err := runmetrics.Read(metrics)
	if err != nil {
		t.Fatal(err)
	}
	removed, _ := m.Figures["held_out_removed"].(map[string]any)
	if m.Figures["held_out"] != "validation" || removed["interactions"] != 3.0 || removed["users"] != 0.0 {
		t.Errorf("got held_out %v, removed %v; want validation, 3 interactions, 0 users", m.Figures["held_out"], removed)
	}
}

// snapshot reads every file of dir.
func TestRunFailureWritesNothing(t *testing.T) {
	for _, tc := range []struct {
		name, file, body, want string
	}{
		{"bad rating", "u.data", strings.Replace(processtest.TinyRaw["u.data"], "3\t2\t4\t", "3\t2\t9\t", 1), `u.data:10: rating "9": want a whole number 1..5`},
		{"k-core empties everything", "u.data", "4\t5\t4\t881250500\n", "k-core left no interactions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			metrics := filepath.Join(out, "m.json")
			err := run(newConfig(writeRaw(t, map[string]string{tc.file: tc.body}), out, metrics, tinyParams))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("got %v for the output directory, want it never created", err)
			}
		})
	}
}

// TestRealDeterministic runs the stage twice on ML-100K: the tables must be
// byte-identical.
func TestRealDeterministic(t *testing.T) {
	raw, p := realdata.Dir(t), Defaults()
	var outs []map[string][]byte
	for i := range 2 {
		out := filepath.Join(t.TempDir(), fmt.Sprint("out", i))
		if err := run(newConfig(raw, out, filepath.Join(t.TempDir(), "m.json"), p)); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, processtest.Snapshot(t, out))
	}
	if len(outs[0]) != len(OutputFiles) {
		t.Fatalf("got %d output files, want %d", len(outs[0]), len(OutputFiles))
	}
	for name, b := range outs[0] {
		if !bytes.Equal(b, outs[1][name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

// BenchmarkRunML100K times the whole stage on ML-100K (read, validate,
// k-core, order, split, write six tables and the metrics).
func BenchmarkRunML100K(b *testing.B) {
	out := b.TempDir()
	cfg := newConfig(realdata.Dir(b), out, filepath.Join(out, "m.json"), Defaults())
	for b.Loop() {
		if err := run(cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMain keeps the stage's progress lines out of the test output unless
// -v is given.
func TestMain(m *testing.M) {
	flag.Parse()
	if !testing.Verbose() {
		log.SetOutput(io.Discard)
	}
	os.Exit(m.Run())
}

// TestMetricsRecordTheSectionAsGiven: the Makefile compares the params in
// the metrics with params.yaml, so a partial Section must be recorded as
// given, without the defaults filled in.
func TestMetricsRecordTheSectionAsGiven(t *testing.T) {
	tree := params.FromMap(map[string]any{
		Section: map[string]any{"min_ratings_per_user": 3, "min_ratings_per_movie": 2},
		"other": map[string]any{"epochs": 3},
	})
	p, err := Decode(tree)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	metrics := filepath.Join(out, "m.json")
	if err := run(config{Paths{Raw: writeRaw(t, nil), Out: out, Metrics: metrics}, p, tree}); err != nil {
		t.Fatal(err)
	}
	m, err := runmetrics.Read(metrics)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"min_ratings_per_user": 3.0, "min_ratings_per_movie": 2.0}
	if !reflect.DeepEqual(m.Params, want) || m.ParamsHash != tree.Hash(Section) {
		t.Errorf("got params %v hash %s, want %v hash %s", m.Params, m.ParamsHash, want, tree.Hash(Section))
	}
	if m.Figures["split"].(map[string]any)["method"] != "temporal" {
		t.Errorf("got split %v, want the default temporal", m.Figures["split"])
	}
}
