package modelfile

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

type testHeader struct {
	Dim   int      `json:"dim"`
	Items []string `json:"items"`
}

func sampleTensors() []Tensor {
	return []Tensor{
		{Name: "emb", Shape: []int{3, 2}, Data: []float32{1, -2, 0.5, float32(math.Copysign(0, -1)), float32(math.Inf(1)), 3e-40}},
		{Name: "scalar", Shape: []int{}, Data: []float32{7}},
		{Name: "empty", Shape: []int{0, 4}, Data: []float32{}},
		{Name: "bias", Shape: []int{2}, Data: []float32{float32(math.NaN()), -1}},
	}
}

// writeSample writes a small model file and returns its path and bytes.
func writeSample(t *testing.T) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.bin")
	if err := Write(path, "bert4rec", 2, testHeader{Dim: 2, Items: []string{"a", "b"}}, sampleTensors()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, data
}

func TestRoundTrip(t *testing.T) {
	path, _ := writeSample(t)
	var h testHeader
	got, err := Read(path, "bert4rec", 2, &h)
	if err != nil {
		t.Fatal(err)
	}
	if want := (testHeader{Dim: 2, Items: []string{"a", "b"}}); !reflect.DeepEqual(h, want) {
		t.Errorf("header: got %+v, want %+v", h, want)
	}
	want := sampleTensors()
	if len(got) != len(want) {
		t.Fatalf("got %d tensors, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name || !reflect.DeepEqual(append([]int{}, g.Shape...), append([]int{}, w.Shape...)) || len(g.Data) != len(w.Data) {
			t.Fatalf("tensor %d: got %s %v (%d values), want %s %v (%d values)", i, g.Name, g.Shape, len(g.Data), w.Name, w.Shape, len(w.Data))
		}
		for j := range w.Data {
			if math.Float32bits(g.Data[j]) != math.Float32bits(w.Data[j]) {
				t.Errorf("tensor %s[%d]: got bits %#x, want %#x", w.Name, j, math.Float32bits(g.Data[j]), math.Float32bits(w.Data[j]))
			}
		}
	}
	// Nil header is allowed on both sides.
	if _, err := Read(path, "bert4rec", 2, nil); err != nil {
		t.Errorf("Read with nil header: %v", err)
	}
	// No temporary files left behind.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after Write, want 1", len(entries))
	}
}

func TestTruncated(t *testing.T) {
	_, data := writeSample(t)
	for n := 0; n < len(data); n++ {
		_, err := decode("m.bin", data[:n], "bert4rec", 2, nil)
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("file cut to %d of %d bytes: got error %v, want truncated", n, len(data), err)
		}
		if n >= prefixLen {
			want := "m.bin: truncated (need " + strconv.Itoa(len(data)) + " bytes, have " + strconv.Itoa(n) + ")"
			if err.Error() != want {
				t.Fatalf("file cut to %d bytes: got %q, want %q", n, err, want)
			}
		}
	}
}

func TestFlippedByte(t *testing.T) {
	_, data := writeSample(t)
	for i := range data {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			bad := append([]byte(nil), data...)
			bad[i] ^= mask
			_, err := decode("m.bin", bad, "bert4rec", 2, nil)
			want := ErrChecksum
			if i < len(Magic) {
				want = ErrBadMagic
			}
			if !errors.Is(err, want) {
				t.Fatalf("byte %d of %d xor %#x: got error %v, want %v", i, len(data), mask, err, want)
			}
		}
	}
	bad := append([]byte(nil), data...)
	bad[len(bad)/2] ^= 1
	_, err := decode("m.bin", bad, "bert4rec", 2, nil)
	if want := "m.bin: checksum mismatch: file altered or corrupt"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestWrongMagic(t *testing.T) {
	for _, content := range []string{"PAR1 this is parquet, not a model", "MGMODEL", "x"} {
		path := filepath.Join(t.TempDir(), "x.bin")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(path, "bert4rec", 2, nil)
		wantIs, want := ErrBadMagic, path+": not a Movie Genie model file (bad magic)"
		if content == "MGMODEL" {
			wantIs, want = ErrTruncated, path+": truncated (need at least 52 bytes, have 7)"
		}
		if !errors.Is(err, wantIs) || err.Error() != want {
			t.Errorf("content %q: got %v, want %q", content, err, want)
		}
	}
}

func TestWrongKindAndVersion(t *testing.T) {
	path, data := writeSample(t)
	tests := []struct {
		kind    string
		version uint32
		is      error
		msg     string
	}{
		{"twotower", 2, ErrWrongKind, path + ": is a bert4rec model, want twotower"},
		{"bert4rec", 3, ErrKindVersion, path + ": bert4rec format version 2, this binary reads 3: retrain with make " + path},
		{"bert4rec", 1, ErrKindVersion, path + ": bert4rec format version 2, this binary reads 1: retrain with make " + path},
	}
	for _, tc := range tests {
		_, err := Read(path, tc.kind, tc.version, nil)
		if !errors.Is(err, tc.is) || err.Error() != tc.msg {
			t.Errorf("Read(%s, %d): got %v, want %q", tc.kind, tc.version, err, tc.msg)
		}
	}

	// A file written by a future layout (format version 2) with a valid checksum.
	future := append([]byte(nil), data...)
	binary.LittleEndian.PutUint32(future[8:12], FormatVersion+1)
	resum(future)
	_, err := decode("m.bin", future, "bert4rec", 2, nil)
	if want := "m.bin: model file format version 2, this binary reads 1: rebuild the binary or retrain the model"; !errors.Is(err, ErrFormatVersion) || err.Error() != want {
		t.Errorf("future format: got %v, want %q", err, want)
	}
}

// resum recomputes the SHA-256 trailer of a file held in memory.
func resum(b []byte) {
	sum := sha256.Sum256(b[:len(b)-sha256.Size])
	copy(b[len(b)-sha256.Size:], sum[:])
}

func TestMalformedWithValidChecksum(t *testing.T) {
	_, data := writeSample(t)
	// Claim one more tensor than the file holds, keeping length and checksum valid.
	bad := append([]byte(nil), data...)
	d := decoder{b: bad, off: prefixLen}
	d.str()
	d.u32()
	d.str()
	count := binary.LittleEndian.Uint32(bad[d.off:])
	binary.LittleEndian.PutUint32(bad[d.off:], count+1)
	resum(bad)
	if _, err := decode("m.bin", bad, "bert4rec", 2, nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("extra tensor count: got %v, want malformed", err)
	}
}

func TestWriteRejectsBadTensorsAndKeepsOldFile(t *testing.T) {
	path, data := writeSample(t)
	bad := [][]Tensor{
		{{Name: "w", Shape: []int{2, 2}, Data: make([]float32, 3)}},
		{{Name: "w", Shape: []int{1}, Data: []float32{1}}, {Name: "w", Shape: []int{1}, Data: []float32{1}}},
		{{Name: "", Shape: []int{1}, Data: []float32{1}}},
	}
	for i, ts := range bad {
		if err := Write(path, "bert4rec", 2, nil, ts); err == nil {
			t.Errorf("case %d: Write succeeded, want error", i)
		}
	}
	if err := Write(path, "bert4rec", 2, func() {}, nil); err == nil {
		t.Errorf("unencodable header: Write succeeded, want error")
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(data) {
		t.Errorf("failed Write changed the existing file")
	}
}
