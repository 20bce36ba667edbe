package params

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLayeringAndOverride(t *testing.T) {
	base := writeFile(t, "base.yaml", "a:\n  x: 1\n  y: 2\nm:\n  b:\n    epochs: 50\n")
	over := writeFile(t, "over.yaml", "m:\n  b:\n    epochs: 2\n")
	p, err := Load([]string{base, over}, []string{"a.y=7"})
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		X int `yaml:"x"`
		Y int `yaml:"y"`
	}
	if err := p.Decode("a", &a); err != nil {
		t.Fatal(err)
	}
	if a.X != 1 || a.Y != 7 {
		t.Fatalf("got %+v, want x=1 y=7", a)
	}
	var b struct {
		Epochs int `yaml:"epochs"`
	}
	if err := p.Decode("m.b", &b); err != nil {
		t.Fatal(err)
	}
	if b.Epochs != 2 {
		t.Fatalf("got epochs %d, want 2", b.Epochs)
	}
}

func TestUnknownKeyIsAnError(t *testing.T) {
	p := FromMap(map[string]any{"s": map[string]any{"epochz": 3}})
	var s struct {
		Epochs int `yaml:"epochs"`
	}
	err := p.Decode("s", &s)
	if err == nil || !strings.Contains(err.Error(), "epochz") {
		t.Fatalf("got %v, want an error naming epochz", err)
	}
}

func TestHashIgnoresLayoutButNotValues(t *testing.T) {
	a := FromMap(map[string]any{"s": map[string]any{"x": 1, "y": 2}})
	b := FromMap(map[string]any{"s": map[string]any{"y": 2, "x": 1}})
	c := FromMap(map[string]any{"s": map[string]any{"y": 2, "x": 3}})
	if a.Hash("s") != b.Hash("s") {
		t.Fatal("same values, different hashes")
	}
	if a.Hash("s") == c.Hash("s") {
		t.Fatal("different values, same hash")
	}
}

func TestBadOverride(t *testing.T) {
	if _, err := Load(nil, []string{"novalue"}); err == nil {
		t.Fatal("got nil error for override without '='")
	}
}
