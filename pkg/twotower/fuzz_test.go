package twotower

import (
	"path/filepath"
	"testing"

	"github.com/moviegenie/pipeline/pkg/modelfile/modelfiletest"
)

// goodFile saves a tiny trained model and returns its path.
func goodFile(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "twotower.bin")
	if err := trainedTiny(t, newWorld(6, 12, 3), 1).Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func loadErr(path string) error { _, err := Load(path); return err }

// TestLoadCrafted: files with a valid checksum whose shapes or header
// sizes lie are refused without a panic and without allocating for the
// sizes they claim.
func TestLoadCrafted(t *testing.T) { modelfiletest.CheckCrafted(t, goodFile(t), loadErr) }

// FuzzLoad: no model file, checksum and length made valid, crashes Load.
func FuzzLoad(f *testing.F) { modelfiletest.Fuzz(f, goodFile(f), loadErr) }
