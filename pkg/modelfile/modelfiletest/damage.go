// Package modelfiletest checks, for tests only, that a model's Load refuses
// damaged model files with errors that say what is wrong.
//
// Every model kind stores its model with pkg/modelfile, so the same damage
// (a truncated or altered file, a foreign file, a model of another kind or
// version, no file at all) must be refused the same way by each kind's
// Load; the tests of each kind add the damage only their Load can see.
package modelfiletest

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/modelfile"
)

// Case is a bad model file and what loading it must report.
type Case struct {
	Name string
	Path string
	// Sentinel, unless nil, is an error the load error must wrap.
	Sentinel error
	// Msg is text the error message must contain.
	Msg string
}

// CheckCorruption writes damaged copies of the intact model file good and
// checks that load refuses each of them, and each of extra, with an error
// that names the file, wraps the case's sentinel and contains its message.
func CheckCorruption(t testing.TB, good string, load func(path string) error, extra ...Case) {
	t.Helper()
	kind, err := modelfile.Kind(good)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) <= 100 {
		t.Fatalf("%s: %d bytes, too small to damage", good, len(data))
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flipped := slices.Clone(data)
	flipped[len(flipped)/2] ^= 0x40
	// A model of a real other kind: the likeliest mix-up.
	other := "twotower"
	if kind == other {
		other = "bert4rec"
	}
	otherKind := filepath.Join(dir, "other.bin")
	if err := modelfile.Write(otherKind, other, 1, map[string]int{"x": 1}, nil); err != nil {
		t.Fatal(err)
	}
	// No reader will support this version of its kind.
	future := filepath.Join(dir, "future.bin")
	if err := modelfile.Write(future, kind, math.MaxUint32, map[string]int{"x": 1}, nil); err != nil {
		t.Fatal(err)
	}
	cases := []Case{
		{"truncated by 100 bytes", write("trunc100.bin", data[:len(data)-100]), modelfile.ErrTruncated, "truncated"},
		{"truncated to a third", write("trunc3.bin", data[:len(data)/3]), modelfile.ErrTruncated, "truncated"},
		{"truncated to 4 bytes", write("trunc4.bin", data[:4]), modelfile.ErrTruncated, "truncated"},
		{"empty", write("empty.bin", nil), modelfile.ErrTruncated, "truncated"},
		{"flipped byte", write("flip.bin", flipped), modelfile.ErrChecksum, "checksum mismatch"},
		{"foreign csv", write("csv.bin", []byte("user_id,movie_id\n1,50\n")), modelfile.ErrBadMagic, "not a Movie Genie model file"},
		{"foreign parquet", write("parquet.bin", []byte("PAR1 this is not a model at all, just some bytes")), modelfile.ErrBadMagic, "not a Movie Genie model file"},
		{"foreign text", write("text.bin", []byte("hello, this is not a model file at all")), modelfile.ErrBadMagic, "not a Movie Genie model file"},
		{"other kind", otherKind, modelfile.ErrWrongKind, "is a " + other + " model, want " + kind},
		{"newer version", future, modelfile.ErrKindVersion, "retrain"},
		{"absent", filepath.Join(dir, "nothing.bin"), os.ErrNotExist, "no such file"},
	}
	for _, c := range append(cases, extra...) {
		err := load(c.Path)
		if err == nil {
			t.Errorf("%s: got nil error", c.Name)
			continue
		}
		if c.Sentinel != nil && !errors.Is(err, c.Sentinel) {
			t.Errorf("%s: got %v, want it to wrap %v", c.Name, err, c.Sentinel)
		}
		if !strings.Contains(err.Error(), c.Msg) || !strings.Contains(err.Error(), c.Path) {
			t.Errorf("%s: got %q, want it to name %s and say %q", c.Name, err, c.Path, c.Msg)
		}
	}
}
