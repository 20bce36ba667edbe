package modelfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestKind(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.bin")
	if err := Write(path, "bert4rec", 3, map[string]int{"x": 1}, []Tensor{{Name: "w", Shape: []int{2}, Data: []float32{1, 2}}}); err != nil {
		t.Fatal(err)
	}
	got, err := Kind(path)
	if err != nil || got != "bert4rec" {
		t.Fatalf("Kind = %q, %v; want bert4rec, nil", got, err)
	}

	data, _ := os.ReadFile(path)
	altered := append([]byte(nil), data...)
	altered[len(altered)/2] ^= 1
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"truncated", data[:len(data)-5], ErrTruncated},
		{"altered", altered, ErrChecksum},
		{"foreign", []byte("PK\x03\x04 a zip file, not a model"), ErrBadMagic},
	} {
		p := filepath.Join(dir, c.name)
		os.WriteFile(p, c.data, 0o644)
		if _, err := Kind(p); !errors.Is(err, c.want) {
			t.Errorf("%s: got error %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := Kind(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v, want a not-exist error", err)
	}
}
