package stages

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"time"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
)

// Stamp is the content of build/stages/<name>.stamp. Make reads only its
// mtime; the content says why, for `make why`.
type Stamp struct {
	Stage   string          `json:"stage"`
	Section string          `json:"section,omitempty"`
	Params  json.RawMessage `json:"params"`
	// Reasons is empty when the stage's record matches its outputs and
	// the current params.
	Reasons []string `json:"reasons,omitempty"`
}

// OldTime is the mtime of a stamp that must not make its stage rerun.
var OldTime = time.Unix(0, 0)

// Check compares a stage's record with its declared outputs and the
// current params section (cur, canonical JSON; nil when the stage has no
// section) and returns why the stage must rerun (nothing when it need
// not). A touched but unchanged output is not a reason: its new mtime is
// written back into the record (keeping the record's own mtime), so it is
// hashed only once.
func Check(dir string, sp Spec, cur json.RawMessage) ([]string, error) {
	recPath := RecordPath(dir, sp.Name)
	rec, ok, err := ReadRecord(recPath)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		cur = json.RawMessage("null")
	}
	if !ok {
		adopted, err := adopt(dir, sp, cur)
		if err != nil || !adopted {
			return []string{"it has not run yet (or its last run did not finish)"}, err
		}
		return nil, nil
	}
	var reasons []string
	if !SameJSON(rec.Params, cur) {
		reasons = append(reasons, "params changed: "+joinChanges(ParamChanges(rec.Params, cur)))
	}
	recorded := map[string]int{}
	for i, o := range rec.Outputs {
		recorded[o.Path] = i
	}
	refreshed := false
	for _, path := range sp.Outputs {
		i, ok := recorded[path]
		if !ok {
			reasons = append(reasons, fmt.Sprintf("%s is a new output of the stage", path))
			continue
		}
		want := rec.Outputs[i]
		fi, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			reasons = append(reasons, fmt.Sprintf("%s was deleted", path))
			continue
		case err != nil:
			return nil, err
		case !fi.Mode().IsRegular():
			reasons = append(reasons, fmt.Sprintf("%s is no longer a regular file", path))
			continue
		case fi.Size() != want.Bytes:
			reasons = append(reasons, fmt.Sprintf("%s changed since the stage wrote it (%d bytes, recorded %d)", path, fi.Size(), want.Bytes))
			continue
		case fi.ModTime().UnixNano() == want.MtimeNS:
			continue
		}
		sum, err := hashFile(path)
		if err != nil {
			return nil, err
		}
		if sum != want.SHA256 {
			reasons = append(reasons, fmt.Sprintf("%s changed since the stage wrote it (checksum differs)", path))
			continue
		}
		rec.Outputs[i].MtimeNS = fi.ModTime().UnixNano()
		refreshed = true
	}
	if refreshed && len(reasons) == 0 {
		if err := rewriteKeepingMtime(recPath, rec); err != nil {
			return nil, err
		}
	}
	return reasons, nil
}

func rewriteKeepingMtime(path string, rec Record) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if err := writeRecord(path, rec); err != nil {
		return err
	}
	return os.Chtimes(path, fi.ModTime(), fi.ModTime())
}

// WriteStamp writes the stage's stamp: with no reasons its mtime is
// OldTime, so Make does not rerun the stage for it; with reasons it is
// now, newer than the record, so Make reruns the stage and what follows.
func WriteStamp(dir string, sp Spec, cur json.RawMessage, reasons []string, now time.Time) error {
	if cur == nil {
		cur = json.RawMessage("null")
	}
	st := Stamp{Stage: sp.Name, Section: sp.Section, Params: cur, Reasons: reasons}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	path := StampPath(dir, sp.Name)
	old, err := os.ReadFile(path)
	if err != nil || !slices.Equal(old, b) {
		if err := atomicfile.WriteFile(path, b); err != nil {
			return err
		}
	}
	t := OldTime
	if len(reasons) > 0 {
		t = now
		// Never older than the record, whatever the clocks say.
		if fi, err := os.Stat(RecordPath(dir, sp.Name)); err == nil && !t.After(fi.ModTime()) {
			t = fi.ModTime().Add(time.Second)
		}
	}
	return os.Chtimes(path, t, t)
}

// ReadStamp loads a stage's stamp; ok is false when there is none.
func ReadStamp(dir, stage string) (st Stamp, ok bool) {
	data, err := os.ReadFile(StampPath(dir, stage))
	if err != nil || json.Unmarshal(data, &st) != nil {
		return Stamp{}, false
	}
	return st, true
}
