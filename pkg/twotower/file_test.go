package twotower

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/moviegenie/pipeline/pkg/modelfile/modelfiletest"
)

// trainedTiny trains a tiny model on w for a few epochs.
func trainedTiny(t testing.TB, w *world, epochs int) *Model {
	t.Helper()
	cfg := tinyConfig()
	cfg.Epochs = epochs
	m := newTiny(t, cfg, w)
	if _, err := Train(m, w.pairs, Options{}); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestModelFileRoundTrip(t *testing.T) {
	w := newWorld(9, 14, 2)
	m := trainedTiny(t, w, 3)
	path := filepath.Join(t.TempDir(), "tt.bin")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.P.Data, m.P.Data) || !slices.Equal(got.Emb.Data, m.Emb.Data) {
		t.Fatal("parameters differ after a round trip")
	}
	if !slices.Equal(got.Users.Affinity, m.Users.Affinity) || !slices.Equal(got.Users.Occupation, m.Users.Occupation) ||
		!slices.Equal(got.Movies.Text, m.Movies.Text) || !slices.Equal(got.Movies.MovieIDs, m.Movies.MovieIDs) ||
		!slices.Equal(got.Occupations, m.Occupations) || got.Sizes != m.Sizes {
		t.Fatal("users, movies, vocabularies or sizes differ after a round trip")
	}
	// Same scores for every known and cold-start user.
	for _, cold := range []bool{false, true} {
		a, b := scoresOf(m, cold), scoresOf(got, cold)
		if !slices.Equal(a, b) {
			t.Fatalf("cold=%v: scores differ after a round trip", cold)
		}
	}
	// Saving again gives the same bytes.
	path2 := filepath.Join(t.TempDir(), "tt2.bin")
	if err := got.Save(path2); err != nil {
		t.Fatal(err)
	}
	b1, _ := os.ReadFile(path)
	b2, _ := os.ReadFile(path2)
	if !bytes.Equal(b1, b2) {
		t.Fatal("a loaded model saves to different bytes")
	}
}

// scoresOf returns every known user's scores of every movie.
func scoresOf(m *Model, cold bool) []float32 {
	D, U, N := m.Cfg.D(), m.Sizes.Users, m.Sizes.Movies
	u, v, out := make([]float32, U*D), make([]float32, N*D), make([]float32, U*N)
	m.UserVectors(m.KnownUserRows(cold), u)
	m.MovieVectors(v)
	m.Score(out, u, U, v)
	return out
}

func TestModelFileCorruption(t *testing.T) {
	w := newWorld(6, 12, 3)
	m := trainedTiny(t, w, 1)
	path := filepath.Join(t.TempDir(), "tt.bin")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	modelfiletest.CheckCorruption(t, path, func(p string) error { _, err := Load(p); return err })
}
