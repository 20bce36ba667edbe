// Package testbin builds, for tests only, the command whose tests are
// running, so that end-to-end tests run the real binary: flags, exit codes
// and output as a user meets them.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Binary is the command in the test's package directory (go test's working
// directory). It is built on first use, once per test process, because a
// build takes longer than most of the tests that run it.
type Binary struct {
	once sync.Once
	path string
	err  error
}

// Path builds the binary on its first call and returns its path.
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
		if out, err := exec.Command("go", "build", "-o", b.path, ".").CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// Run runs the tests and then removes the binary; TestMain calls it as
// os.Exit(bin.Run(m)). The binary lives outside any test's temporary
// directory, as it outlives each test.
func (b *Binary) Run(m *testing.M) int {
	code := m.Run()
	if b.path != "" {
		os.RemoveAll(filepath.Dir(b.path))
	}
	return code
}
