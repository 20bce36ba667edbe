package modelfile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
)

// Magic opens every model file.
const Magic = "MGMODEL\x00"

// FormatVersion is the version of the file layout this package writes and
// reads. Bump it when the layout (not a model's content) changes.
const FormatVersion uint32 = 1

// Sentinel errors; Read's errors wrap exactly one of them.
var (
	ErrBadMagic      = errors.New("not a Movie Genie model file (bad magic)")
	ErrTruncated     = errors.New("truncated")
	ErrChecksum      = errors.New("checksum mismatch: file altered or corrupt")
	ErrFormatVersion = errors.New("unsupported model file format version")
	ErrWrongKind     = errors.New("wrong model kind")
	ErrKindVersion   = errors.New("unsupported model version")
	ErrMalformed     = errors.New("malformed model file")
)

// fileError is a Read failure: "path: msg", wrapping one sentinel.
type fileError struct {
	path, msg string
	kind      error
}

func (e *fileError) Error() string { return e.path + ": " + e.msg }
func (e *fileError) Unwrap() error { return e.kind }

func failf(path string, kind error, format string, args ...any) error {
	return &fileError{path: path, msg: fmt.Sprintf(format, args...), kind: kind}
}

// Tensor is one named array of float32 values, row-major.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

const (
	prefixLen  = 8 + 4 + 8 // magic, format version, file length
	trailerLen = sha256.Size
	maxRank    = 16
)

// Write stores a model file at path: the kind and its version, header
// encoded as JSON, and the tensors. The file appears atomically. It returns
// an error if a tensor's data does not match its shape, names repeat, or the
// header cannot be encoded.
func Write(path, kind string, kindVersion uint32, header any, tensors []Tensor) error {
	hdr, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("write model %s: encode header: %w", path, err)
	}
	size := uint64(prefixLen) + 4 + uint64(len(kind)) + 4 + 4 + uint64(len(hdr)) + 4
	names := make(map[string]bool, len(tensors))
	for _, t := range tensors {
		if t.Name == "" {
			return fmt.Errorf("write model %s: tensor with empty name", path)
		}
		if names[t.Name] {
			return fmt.Errorf("write model %s: tensor %q appears twice", path, t.Name)
		}
		names[t.Name] = true
		if len(t.Shape) > maxRank {
			return fmt.Errorf("write model %s: tensor %q has rank %d, at most %d supported", path, t.Name, len(t.Shape), maxRank)
		}
		n := 1
		for _, d := range t.Shape {
			if d < 0 {
				return fmt.Errorf("write model %s: tensor %q has negative dimension in shape %v", path, t.Name, t.Shape)
			}
			n *= d
		}
		if n != len(t.Data) {
			return fmt.Errorf("write model %s: tensor %q has %d values, shape %v needs %d", path, t.Name, len(t.Data), t.Shape, n)
		}
		size += 4 + uint64(len(t.Name)) + 4 + 8*uint64(len(t.Shape)) + 4*uint64(len(t.Data))
	}
	size += trailerLen

	return atomicfile.Write(path, func(w io.Writer) error {
		h := sha256.New()
		bw := bufio.NewWriterSize(io.MultiWriter(w, h), 1<<20)
		e := encoder{w: bw}
		e.bytes([]byte(Magic))
		e.u32(FormatVersion)
		e.u64(size)
		e.str(kind)
		e.u32(kindVersion)
		e.str(string(hdr))
		e.u32(uint32(len(tensors)))
		for _, t := range tensors {
			e.str(t.Name)
			e.u32(uint32(len(t.Shape)))
			for _, d := range t.Shape {
				e.u64(uint64(d))
			}
			e.floats(t.Data)
		}
		if e.err != nil {
			return e.err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		_, err := w.Write(h.Sum(nil))
		return err
	})
}

type encoder struct {
	w   *bufio.Writer
	buf [8]byte
	err error
}

func (e *encoder) bytes(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}
func (e *encoder) u32(v uint32) {
	binary.LittleEndian.PutUint32(e.buf[:4], v)
	e.bytes(e.buf[:4])
}
func (e *encoder) u64(v uint64) {
	binary.LittleEndian.PutUint64(e.buf[:8], v)
	e.bytes(e.buf[:8])
}
func (e *encoder) str(s string) {
	e.u32(uint32(len(s)))
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}
func (e *encoder) floats(x []float32) {
	var chunk [4096]byte
	for len(x) > 0 && e.err == nil {
		n := min(len(x), len(chunk)/4)
		for i, v := range x[:n] {
			binary.LittleEndian.PutUint32(chunk[4*i:], math.Float32bits(v))
		}
		e.bytes(chunk[:4*n])
		x = x[n:]
	}
}

// Read loads the model file at path, which must be of the given kind and
// kind version. The JSON header is decoded into header unless header is nil.
// The errors say what is wrong with the file and wrap the package's sentinel
// errors.
func Read(path, kind string, kindVersion uint32, header any) ([]Tensor, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return decode(path, data, kind, kindVersion, header)
}

// decode is Read on bytes already in memory; path only labels errors.
func decode(path string, data []byte, kind string, kindVersion uint32, header any) ([]Tensor, error) {
	have := uint64(len(data))
	// Magic: a file shorter than the magic that matches as far as it goes is
	// a truncated model file; anything else is not a model file.
	if have < uint64(len(Magic)) {
		if bytes.HasPrefix([]byte(Magic), data) {
			return nil, failf(path, ErrTruncated, "truncated (need at least %d bytes, have %d)", prefixLen+trailerLen, have)
		}
		return nil, failf(path, ErrBadMagic, "%v", ErrBadMagic)
	}
	if string(data[:len(Magic)]) != Magic {
		return nil, failf(path, ErrBadMagic, "%v", ErrBadMagic)
	}
	if have < prefixLen {
		return nil, failf(path, ErrTruncated, "truncated (need at least %d bytes, have %d)", prefixLen+trailerLen, have)
	}
	stated := binary.LittleEndian.Uint64(data[12:20])
	// A file shorter than it says is truncated, unless its own structure
	// ends exactly at its real end, which means the length field itself was
	// altered (then the checksum below reports it).
	if stated > have {
		if end, ok := scan(data); !ok || end != have {
			return nil, failf(path, ErrTruncated, "truncated (need %d bytes, have %d)", stated, have)
		}
	}
	if have < prefixLen+trailerLen {
		return nil, failf(path, ErrChecksum, "%v", ErrChecksum)
	}
	body := data[:have-trailerLen]
	sum := sha256.Sum256(body)
	if !bytes.Equal(sum[:], data[have-trailerLen:]) || stated != have {
		return nil, failf(path, ErrChecksum, "%v", ErrChecksum)
	}
	// From here on the file is exactly what a writer produced.
	if v := binary.LittleEndian.Uint32(data[8:12]); v != FormatVersion {
		return nil, failf(path, ErrFormatVersion, "model file format version %d, this binary reads %d: rebuild the binary or retrain the model", v, FormatVersion)
	}
	d := decoder{b: body, off: prefixLen}
	gotKind := d.str()
	gotKindVersion := d.u32()
	hdr := d.bytes(uint64(d.u32()))
	if d.err != nil {
		return nil, failf(path, ErrMalformed, "malformed model file: %v", d.err)
	}
	if gotKind != kind {
		return nil, failf(path, ErrWrongKind, "is a %s model, want %s", gotKind, kind)
	}
	if gotKindVersion != kindVersion {
		return nil, failf(path, ErrKindVersion, "%s format version %d, this binary reads %d: retrain with make %s", kind, gotKindVersion, kindVersion, path)
	}
	if header != nil {
		if err := json.Unmarshal(hdr, header); err != nil {
			return nil, fmt.Errorf("%s: decode %s header: %w", path, kind, err)
		}
	}
	count := d.u32()
	var ts []Tensor
	for i := uint32(0); i < count && d.err == nil; i++ {
		var t Tensor
		t.Name = d.str()
		rank := d.u32()
		if rank > maxRank {
			d.err = fmt.Errorf("tensor %q has rank %d", t.Name, rank)
			break
		}
		// Every size is checked against the bytes left before anything is
		// allocated: a crafted shape (2^30 × 2^30 × 4) must not wrap 4·n
		// around to a small number.
		n, left := uint64(1), (uint64(len(body))-d.off)/4
		for range rank {
			dim := d.u64()
			if dim > math.MaxInt32 {
				d.err = fmt.Errorf("tensor %q has dimension %d", t.Name, dim)
				break
			}
			t.Shape = append(t.Shape, int(dim))
			if dim != 0 && n > left/dim {
				d.err = fmt.Errorf("tensor %q of shape %v needs more than the %d bytes left in the file", t.Name, t.Shape, 4*left)
				break
			}
			n *= dim
		}
		if d.err != nil {
			break
		}
		raw := d.bytes(4 * n)
		if d.err != nil {
			break
		}
		t.Data = make([]float32, n)
		for j := range t.Data {
			t.Data[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
		}
		ts = append(ts, t)
	}
	if d.err == nil && d.off != uint64(len(body)) {
		d.err = fmt.Errorf("%d unexpected bytes after the last tensor", uint64(len(body))-d.off)
	}
	if d.err != nil {
		return nil, failf(path, ErrMalformed, "malformed model file: %v", d.err)
	}
	return ts, nil
}

// scan walks the structure of a (possibly damaged) file without allocating
// and returns where the file would end, trailer included. ok is false if the
// structure runs past the data or is implausible.
func scan(data []byte) (end uint64, ok bool) {
	d := decoder{b: data, off: prefixLen}
	d.bytes(uint64(d.u32())) // kind
	d.u32()                  // kind version
	d.bytes(uint64(d.u32())) // header
	count := d.u32()
	for i := uint32(0); i < count && d.err == nil; i++ {
		d.bytes(uint64(d.u32())) // name
		rank := d.u32()
		if rank > maxRank {
			return 0, false
		}
		n := uint64(4)
		for range rank {
			dim := d.u64()
			if dim > math.MaxInt32 || (dim != 0 && n > math.MaxUint64/dim) {
				return 0, false
			}
			n *= dim
		}
		d.bytes(n)
	}
	if d.err != nil {
		return 0, false
	}
	return d.off + trailerLen, true
}

// decoder reads little-endian fields from b, recording the first overrun.
type decoder struct {
	b   []byte
	off uint64
	err error
}

func (d *decoder) bytes(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b))-d.off {
		d.err = fmt.Errorf("field at offset %d needs %d bytes, only %d left", d.off, n, uint64(len(d.b))-d.off)
		return nil
	}
	s := d.b[d.off : d.off+n]
	d.off += n
	return s
}
func (d *decoder) u32() uint32 {
	if s := d.bytes(4); s != nil {
		return binary.LittleEndian.Uint32(s)
	}
	return 0
}
func (d *decoder) u64() uint64 {
	if s := d.bytes(8); s != nil {
		return binary.LittleEndian.Uint64(s)
	}
	return 0
}
func (d *decoder) str() string { return string(d.bytes(uint64(d.u32()))) }
