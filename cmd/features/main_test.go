package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/tables"
)

const testParams = `feature_engineering:
  embedding_dim: 8
  max_sequence_length: 3
  seed: 42
  svd_oversampling: 4
  svd_power_iterations: 2
  title_weight: 1.0
`

// tiny writes a small processed dataset into dir; spoil may change it.
func tiny(t *testing.T, dir string, spoil func(*features.Inputs)) {
	t.Helper()
	in := &features.Inputs{
		Genres:      []tables.Genre{{GenreID: 0, Name: "unknown"}, {GenreID: 1, Name: "Comedy"}, {GenreID: 2, Name: "Horror"}},
		Occupations: []tables.Occupation{{OccupationID: 0, Name: "artist"}, {OccupationID: 1, Name: "writer"}},
		Users: []tables.User{
			tables.NewUser(1, 20, "M", "artist", "55105"),
			tables.NewUser(2, 60, "F", "writer", "L9G2B"),
		},
	}
	for i, title := range []string{"Scream (1996)", "Clueless (1995)", "Shining, The (1980)", "Big (1988)", "Heat (1995)"} {
		in.Movies = append(in.Movies, tables.Movie{MovieID: int32(i + 1), Title: title, Genres: []string{[]string{"Horror", "Comedy"}[i%2]}})
	}
	for _, u := range []int32{1, 2} {
		for p := int32(0); p < 5; p++ {
			split := tables.SplitTrain
			if p == 3 {
				split = tables.SplitValidation
			} else if p == 4 {
				split = tables.SplitTest
			}
			in.Ratings = append(in.Ratings, tables.Rating{UserID: u, MovieID: (p+u)%5 + 1, Rating: float32(1 + p), Timestamp: int64(p) * 1000, Position: p, Split: split})
		}
	}
	if spoil != nil {
		spoil(in)
	}
	for _, err := range []error{
		tables.Write(filepath.Join(dir, features.GenresFile), in.Genres),
		tables.Write(filepath.Join(dir, features.OccupationsFile), in.Occupations),
		tables.Write(filepath.Join(dir, features.MoviesFile), in.Movies),
		tables.Write(filepath.Join(dir, features.UsersFile), in.Users),
		tables.Write(filepath.Join(dir, features.RatingsFile), in.Ratings),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

type env struct{ processed, out, metrics, params string }

func newEnv(t *testing.T) env {
	root := t.TempDir()
	e := env{filepath.Join(root, "processed"), filepath.Join(root, "features"), filepath.Join(root, "metrics", "features.json"), filepath.Join(root, "params.yaml")}
	if err := os.WriteFile(e.params, []byte(testParams), 0o644); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e env) run(extra ...string) (int, string) {
	args := append([]string{"features", "--processed", e.processed, "--out", e.out, "--metrics", e.metrics, "--params", e.params}, extra...)
	var stderr bytes.Buffer
	code := cliapp.Run(newApp(), args, &stderr)
	return code, stderr.String()
}

func TestRunWritesOutputsThenMetrics(t *testing.T) {
	e := newEnv(t)
	tiny(t, e.processed, nil)
	if code, stderr := e.run(); code != cliapp.ExitOK {
		t.Fatalf("got exit %d (%s), want 0", code, stderr)
	}
	m, err := runmetrics.Read(e.metrics)
	if err != nil {
		t.Fatal(err)
	}
	mInfo, _ := os.Stat(e.metrics)
	for _, p := range features.Paths(e.out) {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatalf("output missing: %v", err)
		}
		if info.ModTime().After(mInfo.ModTime()) {
			t.Errorf("%s is newer than the metrics file, want metrics written last", p)
		}
	}
	if m.Stage != "features" || len(m.Inputs) != 5 || len(m.Outputs) != 7 || m.ParamsHash == "" {
		t.Errorf("got stage %q, %d inputs, %d outputs, params hash %q; want features, 5, 7, a hash", m.Stage, len(m.Inputs), len(m.Outputs), m.ParamsHash)
	}
	if m.Params["embedding_dim"] != float64(8) || m.Rows["twotower_pairs"] != 6 || m.Rows["train_sequences"] != 2 {
		t.Errorf("got params %v rows %v, want embedding_dim 8, 6 pairs, 2 sequences", m.Params, m.Rows)
	}
	for _, k := range []string{"effective_embedding_dim", "svd_explained_variance", "vocabulary_size", "shapes", "seconds"} {
		if _, ok := m.Figures[k]; !ok {
			t.Errorf("metrics figures lack %q", k)
		}
	}
	if d, ok := m.Figures["effective_embedding_dim"].(float64); !ok || d < 1 || d > 5 {
		t.Errorf("got effective dim %v, want 1..5 for 5 documents", m.Figures["effective_embedding_dim"])
	}
}

// outputsBefore fills the output directory and metrics file with
// recognisable old content.
func outputsBefore(t *testing.T, e env) map[string]string {
	t.Helper()
	old := map[string]string{}
	for _, p := range append(features.Paths(e.out), e.metrics) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		old[p] = "old " + filepath.Base(p)
		if err := os.WriteFile(p, []byte(old[p]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return old
}

func checkUntouched(t *testing.T, e env, old map[string]string) {
	t.Helper()
	for p, want := range old {
		got, err := os.ReadFile(p)
		if err != nil || string(got) != want {
			t.Errorf("%s changed (err %v)", p, err)
		}
	}
	entries, _ := os.ReadDir(e.out)
	if len(entries) != len(features.Paths(e.out)) {
		t.Errorf("got %d files in the output directory, want the %d old ones only", len(entries), len(features.Paths(e.out)))
	}
}

type ratingsNoSplit struct {
	UserID    int32   `parquet:"name=user_id, type=INT32"`
	MovieID   int32   `parquet:"name=movie_id, type=INT32"`
	Rating    float32 `parquet:"name=rating, type=FLOAT"`
	Timestamp int64   `parquet:"name=timestamp, type=INT64, convertedtype=TIMESTAMP_MILLIS"`
	Position  int32   `parquet:"name=position, type=INT32"`
}

func TestBadInputExits1AndLeavesOutputs(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(t *testing.T, e env)
		want  []string
	}{
		{"missing column", func(t *testing.T, e env) {
			tiny(t, e.processed, nil)
			if err := tables.Write(filepath.Join(e.processed, features.RatingsFile), []ratingsNoSplit{{1, 1, 5, 0, 0}}); err != nil {
				t.Fatal(err)
			}
		}, []string{"ratings.parquet", `"split"`}},
		{"empty table", func(t *testing.T, e env) {
			tiny(t, e.processed, func(in *features.Inputs) { in.Movies = nil })
		}, []string{"movies.parquet", "empty"}},
		{"missing file", func(t *testing.T, e env) {
			tiny(t, e.processed, nil)
			os.Remove(filepath.Join(e.processed, features.UsersFile))
		}, []string{"users.parquet"}},
		{"unknown movie", func(t *testing.T, e env) {
			tiny(t, e.processed, func(in *features.Inputs) { in.Ratings[2].MovieID = 77 })
		}, []string{"ratings.parquet", "movie_id", "77"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			c.setup(t, e)
			old := outputsBefore(t, e)
			code, stderr := e.run()
			if code != cliapp.ExitError {
				t.Errorf("got exit %d, want 1", code)
			}
			for _, w := range append(c.want, "features: ") {
				if !strings.Contains(stderr, w) {
					t.Errorf("got stderr %q, want it to contain %q", stderr, w)
				}
			}
			checkUntouched(t, e, old)
		})
	}
}

func TestBadParamsExit2(t *testing.T) {
	for _, c := range []struct {
		set  string
		want string
	}{
		{"feature_engineering.embedding_dim=0", "feature_engineering.embedding_dim"},
		{"feature_engineering.max_sequence_length=one", "feature_engineering.max_sequence_length"},
		{"feature_engineering.title_weigth=2", "feature_engineering.title_weigth"},
	} {
		e := newEnv(t)
		tiny(t, e.processed, nil)
		old := outputsBefore(t, e)
		code, stderr := e.run("--set", c.set)
		if code != cliapp.ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("--set %s: got exit %d, stderr %q; want 2 and a message naming %s", c.set, code, stderr, c.want)
		}
		checkUntouched(t, e, old)
	}
	e := newEnv(t)
	if code, _ := e.run("stray-argument"); code != cliapp.ExitUsage {
		t.Errorf("stray argument: got exit %d, want 2", code)
	}
}
