package monitor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// Stages are the pipeline's stages in processing order, named as their
// metrics files are (metrics/<name>.json). A snapshot always has a row for
// each of them, "missing" if the file is absent; other *.json files found
// come after them in name order.
var Stages = []string{"data", "process", "features", "train-bert4rec", "train-twotower", "semantic", "dbsetup"}

// Stage is one metrics file of a snapshot.
type Stage struct {
	// Name is the file's base name without .json, the stage name ("train-bert4rec").
	Name string
	// Path says where the file was read from: a file path, or
	// "REV:path" for a git revision.
	Path string
	// File is the decoded content; nil when the file is missing or
	// malformed.
	File *runmetrics.File
	// Raw is the file's bytes (nil when missing).
	Raw []byte
	// Missing is true when there is no such file.
	Missing bool
	// Err says why the file could not be decoded.
	Err error
}

// Status is "ok", "missing" or "malformed: <why>".
func (s *Stage) Status() string {
	switch {
	case s.Missing:
		return "missing"
	case errors.Is(s.Err, errNoStage) && !slices.Contains(Stages, s.Name):
		// Another tool's JSON beside the stages' files (a custom stage's
		// own figures): shown, never an error.
		return "not a pipeline metrics file"
	case s.Err != nil:
		return "malformed: " + s.Err.Error()
	}
	return "ok"
}

// OK reports whether the stage's file was read and decoded.
func (s *Stage) OK() bool { return s.File != nil }

// Snapshot is the set of metrics files at one point: the workspace, a saved
// run or a git revision.
type Snapshot struct {
	// Label names the snapshot in tables ("workspace", "HEAD", a run name).
	Label  string
	Stages []*Stage
}

// Stage returns the named stage, or nil.
func (s *Snapshot) Stage(name string) *Stage {
	for _, st := range s.Stages {
		if st.Name == name {
			return st
		}
	}
	return nil
}

// Present is the number of stages whose file exists (well-formed or not).
func (s *Snapshot) Present() int {
	n := 0
	for _, st := range s.Stages {
		if !st.Missing {
			n++
		}
	}
	return n
}

// errNoStage marks JSON without the "stage" field of a metrics file.
var errNoStage = errors.New("no stage field")

// Decode parses the bytes of a metrics file. It rejects what
// runmetrics.Read rejects (bad JSON, no stage) and, in addition, a schema
// version newer than this code knows.
func Decode(data []byte) (*runmetrics.File, error) {
	var head struct {
		Stage any `json:"stage"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return nil, err // not JSON at all
		}
		return nil, errNoStage // JSON, but not an object
	}
	if s, ok := head.Stage.(string); !ok || s == "" {
		return nil, errNoStage
	}
	var f runmetrics.File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	if f.SchemaVersion > runmetrics.SchemaVersion {
		return nil, fmt.Errorf("schema_version %d, this tool reads up to %d", f.SchemaVersion, runmetrics.SchemaVersion)
	}
	return &f, nil
}

// newStage decodes raw (nil raw: missing).
func newStage(name, path string, raw []byte, missing bool) *Stage {
	st := &Stage{Name: name, Path: path, Raw: raw, Missing: missing}
	if !missing {
		st.File, st.Err = Decode(raw)
	}
	return st
}

// build orders the files of a snapshot: the known Stages first (missing
// ones included), then the others by name.
func build(label string, files map[string][]byte, pathOf func(name string) string) *Snapshot {
	snap := &Snapshot{Label: label}
	known := map[string]bool{}
	for _, name := range Stages {
		known[name] = true
		raw, ok := files[name]
		snap.Stages = append(snap.Stages, newStage(name, pathOf(name), raw, !ok))
	}
	var extra []string
	for name := range files {
		if !known[name] {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		snap.Stages = append(snap.Stages, newStage(name, pathOf(name), files[name], false))
	}
	return snap
}

// Load reads every *.json file of dir. A missing directory gives a snapshot
// in which every stage is missing; other read errors are returned.
func Load(dir, label string) (*Snapshot, error) {
	files, err := readJSONFiles(dir)
	if errors.Is(err, fs.ErrNotExist) {
		files, err = map[string][]byte{}, nil
	}
	if err != nil {
		return nil, err
	}
	return build(label, files, func(name string) string { return filepath.Join(dir, name+".json") }), nil
}

// LoadGit reads the *.json files of dir as they were at git revision rev
// (`git show REV:dir/<stage>.json`); dir must lie inside a git work tree.
// An unknown revision is an error; a revision without the directory gives
// a snapshot in which every stage is missing.
func LoadGit(dir, rev string) (*Snapshot, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	// Run git from the parent, which exists even when dir does not (yet).
	parent, base := filepath.Dir(abs), filepath.Base(abs)
	if _, err := git(parent, "rev-parse", "--is-inside-work-tree"); err != nil {
		return nil, fmt.Errorf("%s is not inside a git work tree: %w", dir, err)
	}
	if _, err := git(parent, "rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		return nil, fmt.Errorf("unknown git revision %q", rev)
	}
	files := map[string][]byte{}
	list, err := git(parent, "ls-tree", "--name-only", rev+":./"+base)
	if err == nil {
		for _, file := range strings.Split(strings.TrimSpace(string(list)), "\n") {
			name, ok := strings.CutSuffix(file, ".json")
			if !ok || strings.HasPrefix(name, ".") {
				continue
			}
			raw, err := git(parent, "show", rev+":./"+base+"/"+file)
			if err != nil {
				return nil, fmt.Errorf("git show %s:%s/%s: %w", rev, dir, file, err)
			}
			files[name] = raw
		}
	}
	return build(rev, files, func(name string) string { return rev + ":" + filepath.Join(dir, name+".json") }), nil
}

// git runs a git command in dir and returns its stdout, or an error with
// its stderr.
func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
		}
		return nil, fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return out, nil
}

// GitRev is the short hash of HEAD of the git work tree holding dir (or of
// its parent when dir does not exist), or "" when there is none.
func GitRev(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for _, d := range []string{abs, filepath.Dir(abs)} {
		if out, err := git(d, "rev-parse", "--short", "HEAD"); err == nil {
			return strings.TrimSpace(string(out))
		}
	}
	return ""
}
