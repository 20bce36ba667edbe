// Package testbin builds, for tests only, a command of this module so
// that end-to-end tests run the real binary: flags, exit codes and output
// as a user meets them. Every cmd test builds its binary here, and tests
// of other packages use it to run a stage on real data.
package testbin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Binary is a command built on first use, once per test process, because
// a build takes longer than most of the tests that run it. It is the
// command in the test's package directory (go test's working directory).
type Binary struct {
	once sync.Once
	path string
	err  error
}

// Path builds the binary on its first call and returns its path. A build
// failure fails the test: it is never a reason to skip.
func (b *Binary) Path(t testing.TB) string {
	t.Helper()
	b.once.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			b.err = err
			return
		}
		name := filepath.Base(wd)
		dir, err := os.MkdirTemp("", name+"-bin-")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, name)
		b.err = build(b.path, ".")
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// Build builds the command of import path pkg into the test's temporary
// directory (removed with the test) and returns its path; for tests that
// run another package's command once.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), filepath.Base(pkg))
	if err := build(path, pkg); err != nil {
		t.Fatal(err)
	}
	return path
}

func build(path, pkg string) error {
	if out, err := exec.Command("go", "build", "-o", path, pkg).CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
	}
	return nil
}

// Run runs the tests and then removes the binary; TestMain calls it as
// os.Exit(bin.Run(m)). The binary lives outside any test's temporary
// directory, as it outlives each test.
func (b *Binary) Run(m *testing.M) int {
	code := m.Run()
	b.Remove()
	return code
}

// Remove deletes the built binary, if any.
func (b *Binary) Remove() {
	if b.path != "" {
		os.RemoveAll(filepath.Dir(b.path))
	}
}

// Result is what one run of the binary gave.
type Result struct {
	Code           int // exit code
	Stdout, Stderr string
}

// Exec runs the binary with args in dir, with stdin as its standard input
// (nil: none), and returns its exit code and output. A binary that cannot
// be started fails the test; so does a Go panic or runtime fatal error in
// its standard error, which no input may cause.
func (b *Binary) Exec(t testing.TB, dir string, stdin io.Reader, args ...string) Result {
	t.Helper()
	return Exec(t, b.Path(t), dir, stdin, args...)
}

// Exec runs the binary at path as Binary.Exec does.
func Exec(t testing.TB, path, dir string, stdin io.Reader, args ...string) Result {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	r := Result{Stdout: out.String(), Stderr: errb.String()}
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.Code = ee.ExitCode()
	default:
		t.Fatalf("run %s: %v", filepath.Base(path), err)
	}
	if strings.Contains(r.Stderr, "panic: ") || strings.Contains(r.Stderr, "fatal error: ") {
		t.Errorf("%s %q crashed:\n%s", filepath.Base(path), args, r.Stderr)
	}
	return r
}
