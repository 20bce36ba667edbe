package stages

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// adopt writes the missing record of a stage from its metrics file (an
// output NAME.json in pkg/runmetrics' shape with "stage": NAME) when that
// file lists every other declared output with the checksum it has now and
// the params it records equal cur. So deleting build/ (or a checkout made
// before records existed) reruns no stage whose outputs are intact. The
// record gets the metrics file's mtime: the stage ran then.
func adopt(dir string, sp Spec, cur json.RawMessage) (bool, error) {
	var metrics string
	var mf *runmetrics.File
	for _, o := range sp.Outputs {
		if filepath.Ext(o) != ".json" {
			continue
		}
		if f, err := runmetrics.Read(o); err == nil && f.Stage == sp.Name {
			metrics, mf = o, f
			break
		}
	}
	if mf == nil {
		return false, nil
	}
	if sp.Section != "" {
		used, err := json.Marshal(mf.Params)
		if err != nil || mf.Params == nil || !SameJSON(used, cur) {
			return false, nil
		}
	}
	sums := map[string]string{}
	for _, fi := range mf.Outputs {
		sums[fi.Path] = fi.SHA256
	}
	rec := Record{Stage: sp.Name, Section: sp.Section, Params: cur}
	if rec.Params == nil {
		rec.Params = json.RawMessage("null")
	}
	for _, o := range sp.Outputs {
		out, err := Describe(o)
		if err != nil {
			return false, nil
		}
		if o != metrics && sums[o] != out.SHA256 {
			return false, nil
		}
		rec.Outputs = append(rec.Outputs, out)
	}
	fi, err := os.Stat(metrics)
	if err != nil {
		return false, nil
	}
	rec.RecordedAt = fi.ModTime().UTC().Format(time.RFC3339)
	path := RecordPath(dir, sp.Name)
	if err := writeRecord(path, rec); err != nil {
		return false, err
	}
	return true, os.Chtimes(path, fi.ModTime(), fi.ModTime())
}
