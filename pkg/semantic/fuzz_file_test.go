package semantic

import (
	"path/filepath"
	"testing"

	"github.com/moviegenie/pipeline/pkg/modelfile/modelfiletest"
)

// goodFile saves the fixture's index and returns its path.
func goodFile(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "semantic.bin")
	if err := fixtureIndex(t).Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func loadErr(path string) error { _, err := Load(path); return err }

// TestLoadCrafted: index files with a valid checksum whose shapes or
// header lie are refused without a panic or a huge allocation.
func TestLoadCrafted(t *testing.T) { modelfiletest.CheckCrafted(t, goodFile(t), loadErr) }

// FuzzLoad: no index file, checksum and length made valid, crashes Load.
func FuzzLoad(f *testing.F) { modelfiletest.Fuzz(f, goodFile(f), loadErr) }
