package modelfile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/modelfile"
	"github.com/moviegenie/pipeline/pkg/modelfile/modelfiletest"
)

// goodFile writes a small model file of kind "probe" and returns its path.
func goodFile(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "probe.bin")
	ts := []modelfile.Tensor{
		{Name: "w", Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6}},
		{Name: "b", Shape: []int{3}, Data: []float32{7, 8, 9}},
	}
	if err := modelfile.Write(path, "probe", 1, map[string]any{"size": 3}, ts); err != nil {
		t.Fatal(err)
	}
	return path
}

func readErr(path string) error {
	_, err := modelfile.Read(path, "probe", 1, &map[string]any{})
	return err
}

// TestReadOverflowingShape: a tensor of shape [2^30, 2^30, 4] in a file
// with a valid checksum (4·n wraps to 0 in 64 bits) is malformed, named,
// and never allocated.
func TestReadOverflowingShape(t *testing.T) {
	data, err := os.ReadFile(goodFile(t))
	if err != nil {
		t.Fatal(err)
	}
	f, err := modelfiletest.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	f.Tensors[0].Shape = []uint64{1 << 30, 1 << 30, 4}
	path := filepath.Join(t.TempDir(), "crafted.bin")
	if err := os.WriteFile(path, f.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	err = readErr(path)
	if !errors.Is(err, modelfile.ErrMalformed) || !strings.Contains(err.Error(), `tensor "w"`) || !strings.Contains(err.Error(), path) {
		t.Errorf("got %v, want a malformed-file error naming %s and tensor \"w\"", err, path)
	}
}

// TestReadCrafted: every crafted variant is refused or read without a
// panic or an allocation the file's size does not justify.
func TestReadCrafted(t *testing.T) { modelfiletest.CheckCrafted(t, goodFile(t), readErr) }

// FuzzRead: no file, checksum and length made valid, crashes Read.
func FuzzRead(f *testing.F) { modelfiletest.Fuzz(f, goodFile(f), readErr) }
