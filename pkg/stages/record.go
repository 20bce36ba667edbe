package stages

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
)

// Record is the content of build/stages/<name>.json: what a stage's last
// successful run produced and with which params.
type Record struct {
	Stage   string `json:"stage"`
	Section string `json:"section,omitempty"`
	// Params is the canonical JSON of the params section the run used
	// (null when the stage has none).
	Params     json.RawMessage `json:"params"`
	Outputs    []Output        `json:"outputs"`
	RecordedAt string          `json:"recorded_at"`
}

// Output identifies one output file by content; the size and mtime let a
// check skip hashing a file that was not touched since.
type Output struct {
	Path    string `json:"path"`
	Bytes   int64  `json:"bytes"`
	MtimeNS int64  `json:"mtime_ns"`
	SHA256  string `json:"sha256"`
}

// RecordPath and StampPath are where a stage's record and stamp live.
func RecordPath(dir, stage string) string { return filepath.Join(dir, stage+".json") }

// StampPath is the stage's stamp: new when the stage must rerun.
func StampPath(dir, stage string) string { return filepath.Join(dir, stage+".stamp") }

// Describe returns an output's size, mtime and checksum. A missing file,
// or anything but a regular file, is an error naming the path.
func Describe(path string) (Output, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Output{}, err
	}
	if !fi.Mode().IsRegular() {
		return Output{}, fmt.Errorf("%s: not a regular file", path)
	}
	sum, err := hashFile(path)
	if err != nil {
		return Output{}, err
	}
	return Output{Path: path, Bytes: fi.Size(), MtimeNS: fi.ModTime().UnixNano(), SHA256: sum}, nil
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Write records a finished run of sp: every declared output must exist.
// The record is written atomically, so a kill leaves the previous record
// (which then no longer matches the outputs) or the new one.
func Write(dir string, sp Spec, params json.RawMessage, now time.Time) error {
	rec := Record{Stage: sp.Name, Section: sp.Section, Params: params, RecordedAt: now.UTC().Format(time.RFC3339)}
	if rec.Params == nil {
		rec.Params = json.RawMessage("null")
	}
	for _, o := range sp.Outputs {
		out, err := Describe(o)
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("stage %s: its command succeeded but did not write the declared output %s (fix the command or the stage's declaration in the Makefile)", sp.Name, o)
		}
		if err != nil {
			return fmt.Errorf("stage %s: %w", sp.Name, err)
		}
		rec.Outputs = append(rec.Outputs, out)
	}
	return writeRecord(RecordPath(dir, sp.Name), rec)
}

func writeRecord(path string, rec Record) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}

// ReadRecord loads a stage's record; ok is false when there is none.
func ReadRecord(path string) (rec Record, ok bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, err
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		// A damaged record is as good as none: the stage reruns.
		return Record{}, false, nil
	}
	return rec, true, nil
}

// SameJSON compares two canonical JSON values, ignoring layout.
func SameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	ca, _ := json.Marshal(x)
	cb, _ := json.Marshal(y)
	return bytes.Equal(ca, cb)
}
