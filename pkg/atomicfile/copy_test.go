package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCopy(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "sub", "dst")
	if err := os.WriteFile(src, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Copy(src, dst); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dst); string(got) != "new" {
		t.Errorf("got %q, want %q", got, "new")
	}
	if err := Copy(filepath.Join(dir, "missing"), dst); err == nil {
		t.Error("got no error for a missing source")
	}
	if got, _ := os.ReadFile(dst); string(got) != "new" {
		t.Errorf("after a failed copy got %q, want the old %q", got, "new")
	}
	if ents, _ := os.ReadDir(filepath.Dir(dst)); len(ents) != 1 {
		t.Errorf("got %d files beside dst, want only dst (no temp file left)", len(ents))
	}
}
