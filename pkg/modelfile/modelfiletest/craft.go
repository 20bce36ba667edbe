package modelfiletest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"

	"github.com/moviegenie/pipeline/pkg/modelfile"
)

// File is the layout of a model file (see pkg/modelfile), decoded without
// any check, so that tests can craft files a writer never makes: shapes
// that overflow, headers that disagree with the tensors. Bytes seals the
// result with a correct length and checksum, as an attacker would.
type File struct {
	FormatVersion uint32
	Kind          string
	KindVersion   uint32
	Header        []byte // JSON
	Tensors       []RawTensor
}

// RawTensor is a tensor as stored: any shape, any number of data bytes.
type RawTensor struct {
	Name  string
	Shape []uint64
	Data  []byte
}

// Parse splits an intact model file into its parts.
func Parse(data []byte) (*File, error) {
	const prefix = 8 + 4 + 8
	if len(data) < prefix+sha256.Size || string(data[:8]) != modelfile.Magic {
		return nil, fmt.Errorf("not a model file")
	}
	body := data[:len(data)-sha256.Size]
	off := prefix
	fail := false
	take := func(n uint64) []byte {
		if fail || n > uint64(len(body)-off) {
			fail = true
			return nil
		}
		s := body[off : off+int(n)]
		off += int(n)
		return s
	}
	u32 := func() uint32 {
		if s := take(4); s != nil {
			return binary.LittleEndian.Uint32(s)
		}
		return 0
	}
	u64 := func() uint64 {
		if s := take(8); s != nil {
			return binary.LittleEndian.Uint64(s)
		}
		return 0
	}
	f := &File{FormatVersion: binary.LittleEndian.Uint32(data[8:12])}
	f.Kind = string(take(uint64(u32())))
	f.KindVersion = u32()
	f.Header = take(uint64(u32()))
	count := u32()
	for range count {
		var t RawTensor
		t.Name = string(take(uint64(u32())))
		n := uint64(4)
		for range u32() {
			d := u64()
			t.Shape = append(t.Shape, d)
			n *= d
		}
		t.Data = take(n)
		if fail {
			break
		}
		f.Tensors = append(f.Tensors, t)
	}
	if fail || off != len(body) {
		return nil, fmt.Errorf("malformed model file")
	}
	return f, nil
}

// Body is the file without its length field's meaning and its checksum:
// the part a fuzz target varies (Seal completes it).
func (f *File) Body() []byte {
	var b []byte
	u32 := func(v uint32) { b = binary.LittleEndian.AppendUint32(b, v) }
	str := func(s []byte) { u32(uint32(len(s))); b = append(b, s...) }
	b = append(b, modelfile.Magic...)
	u32(f.FormatVersion)
	b = binary.LittleEndian.AppendUint64(b, 0) // set by Seal
	str([]byte(f.Kind))
	u32(f.KindVersion)
	str(f.Header)
	u32(uint32(len(f.Tensors)))
	for _, t := range f.Tensors {
		str([]byte(t.Name))
		u32(uint32(len(t.Shape)))
		for _, d := range t.Shape {
			b = binary.LittleEndian.AppendUint64(b, d)
		}
		b = append(b, t.Data...)
	}
	return b
}

// Bytes is the sealed file.
func (f *File) Bytes() []byte { return Seal(f.Body()) }

// Seal returns body with its file-length field (bytes 12..19) set and a
// correct SHA-256 trailer appended, so that a reader goes past both checks.
func Seal(body []byte) []byte {
	out := append([]byte(nil), body...)
	if len(out) >= 20 {
		binary.LittleEndian.PutUint64(out[12:20], uint64(len(out)+sha256.Size))
	}
	sum := sha256.Sum256(out)
	return append(out, sum[:]...)
}

// Crafted returns files made from the intact model file good that pass the
// length and checksum checks but lie: each tensor's shape made huge
// (2^30 × 2^30 × 4, whose byte count overflows 64 bits, and a plain 2^40),
// and each number of the header (outside lists) set to 16384, 2^40, 0 and
// -1. Each maps a description to the file's bytes.
func Crafted(t testing.TB, good []byte) map[string][]byte {
	t.Helper()
	f, err := Parse(good)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for i, ts := range f.Tensors {
		for _, shape := range [][]uint64{{1 << 30, 1 << 30, 4}, {1 << 40}} {
			g := *f
			g.Tensors = append([]RawTensor(nil), f.Tensors...)
			g.Tensors[i] = RawTensor{Name: ts.Name, Shape: shape, Data: ts.Data}
			out[fmt.Sprintf("tensor %s shape %v", ts.Name, shape)] = g.Bytes()
		}
	}
	var h any
	if err := json.Unmarshal(f.Header, &h); err != nil {
		t.Fatalf("header: %v", err)
	}
	for _, path := range numberPaths(h, nil) {
		for _, v := range []float64{16384, 1 << 40, 0, -1} {
			var c any
			_ = json.Unmarshal(f.Header, &c)
			setPath(c, path, v)
			g := *f
			if g.Header, err = json.Marshal(c); err != nil {
				t.Fatal(err)
			}
			out[fmt.Sprintf("header %v = %v", path, v)] = g.Bytes()
		}
	}
	return out
}

// numberPaths lists the object keys leading to every number not inside a
// list, in a fixed order.
func numberPaths(v any, prefix []string) [][]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out [][]string
	for _, k := range keys {
		p := append(append([]string(nil), prefix...), k)
		switch x := m[k].(type) {
		case float64:
			out = append(out, p)
		case map[string]any:
			out = append(out, numberPaths(x, p)...)
		}
	}
	return out
}

func setPath(v any, path []string, x float64) {
	m := v.(map[string]any)
	for _, k := range path[:len(path)-1] {
		m = m[k].(map[string]any)
	}
	m[path[len(path)-1]] = x
}

// MaxAlloc is what loading one crafted file may allocate beyond a small
// multiple of its size: a reader that trusts a size before checking it
// against the file asks for gigabytes.
const MaxAlloc = 256 << 20

// CheckCrafted loads every Crafted file of good and fails the test if
// load panics or allocates more than MaxAlloc plus 8 times the file's
// size. An error is the expected outcome; a crafted file that happens to
// be consistent may also load.
func CheckCrafted(t *testing.T, good string, load func(path string) error) {
	t.Helper()
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	crafted := Crafted(t, data)
	names := make([]string, 0, len(crafted))
	for name := range crafted {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		b := crafted[name]
		p := filepath.Join(dir, fmt.Sprintf("crafted%d.bin", i))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if msg := loadChecked(p, len(b), load); msg != "" {
			t.Errorf("%s: %s", name, msg)
		}
	}
}

// loadChecked runs load on the file at path (size bytes) and says what
// went wrong: a panic, or more allocation than MaxAlloc + 8×size. An error
// from load is fine.
func loadChecked(path string, size int, load func(string) error) (msg string) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprintf("load panicked: %v", r)
		}
	}()
	err := load(path)
	runtime.ReadMemStats(&after)
	if alloc, limit := after.TotalAlloc-before.TotalAlloc, uint64(MaxAlloc+8*size); alloc > limit {
		return fmt.Sprintf("loading allocated %d MiB, limit %d MiB (error %v)", alloc>>20, limit>>20, err)
	}
	return ""
}

// Fuzz runs load on files whose body comes from the fuzzer, sealed with a
// correct length and checksum (the crafted files a checksum cannot stop),
// seeded with the intact file good and its Crafted variants. No input may
// panic or allocate beyond the CheckCrafted limit.
func Fuzz(f *testing.F, good string, load func(path string) error) {
	data, err := os.ReadFile(good)
	if err != nil {
		f.Fatal(err)
	}
	body := func(b []byte) []byte { return b[:len(b)-sha256.Size] }
	f.Add(body(data))
	crafted := Crafted(f, data)
	names := make([]string, 0, len(crafted))
	for name := range crafted {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f.Add(body(crafted[name]))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, fmt.Sprintf("fuzz-%d.bin", os.Getpid()))
		sealed := Seal(b)
		if err := os.WriteFile(p, sealed, 0o644); err != nil {
			t.Fatal(err)
		}
		if msg := loadChecked(p, len(sealed), load); msg != "" {
			t.Error(msg)
		}
	})
}
