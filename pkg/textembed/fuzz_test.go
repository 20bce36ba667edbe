package textembed

import (
	"path/filepath"
	"testing"

	"github.com/moviegenie/pipeline/pkg/modelfile/modelfiletest"
)

// goodFile saves an encoder fitted on the test corpus and returns its path.
func goodFile(t testing.TB) string {
	t.Helper()
	enc, _, err := Fit(corpus, Options{Dim: 4, Seed: 42, Oversampling: 4, PowerIterations: 2})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "text_encoder.bin")
	if err := enc.Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func loadErr(path string) error { _, err := Load(path); return err }

// TestLoadCrafted: encoder files with a valid checksum whose shapes or
// header lie are refused without a panic or a huge allocation.
func TestLoadCrafted(t *testing.T) { modelfiletest.CheckCrafted(t, goodFile(t), loadErr) }

// FuzzLoad: no encoder file, checksum and length made valid, crashes Load.
func FuzzLoad(f *testing.F) { modelfiletest.Fuzz(f, goodFile(f), loadErr) }
