// Package servetest gives the application's tests the pipeline's real
// outputs: the database and the three models that `make all` builds in
// the repository (on MovieLens 100K). The tests need real data (a search
// for "pulp fictoin", user 42); building it takes minutes, so they use
// the repository's outputs and skip, saying why, when those are absent —
// unless MOVIEGENIE_SERVE_TESTS=require (CI sets it after make all), when
// their absence fails the test.
package servetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
)

// Paths are the pipeline outputs the application loads (the fields of
// Files, to which it converts).
type Paths struct {
	DB       string
	BERT4Rec string
	TwoTower string
	Semantic string
}

// Root returns the repository root (the directory holding go.mod).
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Files returns the repository's pipeline outputs, skipping (or failing,
// see the package comment) when one is missing.
func Files(t testing.TB) Paths {
	t.Helper()
	root := Root(t)
	f := Paths{
		DB:       filepath.Join(root, "data", "moviegenie.db"),
		BERT4Rec: filepath.Join(root, "models", "bert4rec.bin"),
		TwoTower: filepath.Join(root, "models", "twotower.bin"),
		Semantic: filepath.Join(root, "models", "semantic.bin"),
	}
	for _, p := range []string{f.DB, f.BERT4Rec, f.TwoTower, f.Semantic} {
		if _, err := os.Stat(p); err != nil {
			msg := "the app's tests need the pipeline's outputs: run make all ML100K_DIR=... first (" + err.Error() + ")"
			if os.Getenv("MOVIEGENIE_SERVE_TESTS") == "require" {
				t.Fatal(msg)
			}
			t.Skip("SKIPPED: " + msg)
		}
	}
	return f
}

// Copy copies the files into dir (so a test can replace them) and
// returns the copies.
func Copy(t testing.TB, f Paths, dir string) Paths {
	t.Helper()
	out := Paths{
		DB:       filepath.Join(dir, "moviegenie.db"),
		BERT4Rec: filepath.Join(dir, "bert4rec.bin"),
		TwoTower: filepath.Join(dir, "twotower.bin"),
		Semantic: filepath.Join(dir, "semantic.bin"),
	}
	for _, p := range [][2]string{{f.DB, out.DB}, {f.BERT4Rec, out.BERT4Rec}, {f.TwoTower, out.TwoTower}, {f.Semantic, out.Semantic}} {
		if err := atomicfile.Copy(p[0], p[1]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
