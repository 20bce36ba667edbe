// Package realdata gives tests the real MovieLens 100K data, and the
// pipeline's first stages run on it, wherever `go test` runs.
//
// The raw folder comes from the environment variable ML100K_DIR (the
// Makefile's test target and .ci/run set it), else ../shared/data/ml-100k
// relative to the module root. When ML100K_DIR is set, a missing or
// incomplete folder fails the test: `make test` given the data must run
// every real-data test, never skip one. Only a plain `go test` without the
// variable and without the default folder skips, and says what to set.
package realdata

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/moviegenie/pipeline/pkg/testbin"
)

// EnvVar is the environment variable naming the raw MovieLens 100K folder.
const EnvVar = "ML100K_DIR"

// DefaultDir is where the data is looked for when EnvVar is unset,
// relative to the module root.
const DefaultDir = "../shared/data/ml-100k"

// Files are the raw files a complete copy has.
var Files = []string{"u.data", "u.item", "u.user", "u.genre", "u.occupation"}

// Root returns the module root: the nearest directory above the working
// directory (go test's: the package's) that holds go.mod.
func Root(t testing.TB) string {
	t.Helper()
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
	}
}

// Dir returns the raw MovieLens 100K folder as an absolute path. It fails
// the test when ML100K_DIR is set but the folder lacks a file, and skips it
// (saying so) when the variable is unset and the default folder is absent.
func Dir(t testing.TB) string {
	t.Helper()
	dir, given := os.Getenv(EnvVar), true
	if dir == "" {
		dir, given = DefaultDir, false
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(Root(t), dir)
	}
	if err := complete(dir); err != nil {
		if given {
			t.Fatalf("%s=%s: %v", EnvVar, os.Getenv(EnvVar), err)
		}
		t.Skipf("real data not found (%v): set %s to a MovieLens 100K folder (make test does, and fails without it)", err, EnvVar)
	}
	return dir
}

func complete(dir string) error {
	for _, f := range Files {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return fmt.Errorf("not a complete MovieLens 100K folder: %w", err)
		}
	}
	return nil
}

// The stage commands Processed and Features run.
const (
	processCmd  = "github.com/moviegenie/pipeline/cmd/process"
	featuresCmd = "github.com/moviegenie/pipeline/cmd/features"
)

// Processed runs the process stage (the real binary, the repository's
// params.yaml) on the real data and returns the directory of its tables,
// dir/processed. It takes about a second plus a build of the binary
// (cached by the go command). dir is usually t.TempDir(); a package whose
// tests share the outputs passes a directory its TestMain removes.
func Processed(t testing.TB, dir string) string {
	t.Helper()
	raw := Dir(t)
	out := filepath.Join(dir, "processed")
	stage(t, processCmd, "--params", filepath.Join(Root(t), "params.yaml"),
		"--raw", raw, "--out", out, "--metrics", filepath.Join(dir, "process.json"))
	return out
}

// Features runs the process and features stages on the real data and
// returns dir/processed and dir/features.
func Features(t testing.TB, dir string) (processed, features string) {
	t.Helper()
	processed = Processed(t, dir)
	features = filepath.Join(dir, "features")
	stage(t, featuresCmd, "--params", filepath.Join(Root(t), "params.yaml"),
		"--processed", processed, "--out", features, "--metrics", filepath.Join(dir, "features.json"))
	return processed, features
}

func stage(t testing.TB, pkg string, args ...string) {
	t.Helper()
	r := testbin.Exec(t, testbin.Build(t, pkg), Root(t), nil, args...)
	if r.Code != 0 {
		t.Fatalf("%s %q: exit %d\n%s", filepath.Base(pkg), args, r.Code, r.Stderr)
	}
}
