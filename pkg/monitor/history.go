package monitor

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// RunTimeFormat is the UTC timestamp that starts a saved run's name; names
// sort in time order.
const RunTimeFormat = "20060102T150405Z"

// Run is a saved copy of the metrics directory under the history
// directory (runs/<name>/).
type Run struct {
	Name string
	Dir  string
	// Time is when the run was saved (from its name; zero if the name
	// does not start with a timestamp).
	Time time.Time
	// Rev is the git revision in the name, if any.
	Rev string
	// Dirty says the run was made from a work tree with changes git does
	// not have (the name says "-dirty" after the revision): Rev alone does
	// not reproduce it.
	Dirty bool
	// Stages are the metrics files the run holds, by stage name.
	Stages []string
}

// SaveOptions control SaveWith.
type SaveOptions struct {
	// Time names the run (UTC, to the second).
	Time time.Time
	// Rev, when not empty, is appended to the name ("-abc1234").
	Rev string
	// Dirty appends "-dirty" after Rev (see GitDirty).
	Dirty bool
	// Force saves even when the metrics equal those of the latest run.
	Force bool
}

// Save copies the *.json files of metricsDir into
// historyDir/<UTC time>[-<short git rev>]/, unless they are byte for byte
// those of the latest saved run; created says which happened. The run
// directory appears whole or not at all (it is filled under a temporary
// name and renamed).
func Save(metricsDir, historyDir string) (run Run, created bool, err error) {
	return SaveWith(metricsDir, historyDir, SaveOptions{Time: time.Now(), Rev: GitRev(metricsDir), Dirty: GitDirty(metricsDir)})
}

// SaveWith is Save with the name's time and revision given.
func SaveWith(metricsDir, historyDir string, opt SaveOptions) (run Run, created bool, err error) {
	files, err := readJSONFiles(metricsDir)
	if err != nil {
		return Run{}, false, err
	}
	if len(files) == 0 {
		return Run{}, false, fmt.Errorf("save run: no metrics files in %s", metricsDir)
	}
	runs, err := List(historyDir)
	if err != nil {
		return Run{}, false, err
	}
	if len(runs) > 0 && !opt.Force {
		last := runs[len(runs)-1]
		prev, err := readJSONFiles(last.Dir)
		if err != nil {
			return Run{}, false, err
		}
		if sameFiles(prev, files) {
			return last, false, nil
		}
	}
	base := opt.Time.UTC().Format(RunTimeFormat)
	if opt.Rev != "" {
		base += "-" + opt.Rev
	}
	if opt.Dirty {
		base += "-dirty"
	}
	if err := os.MkdirAll(historyDir, 0o755); err != nil {
		return Run{}, false, fmt.Errorf("save run: %w", err)
	}
	tmp, err := os.MkdirTemp(historyDir, ".tmp-"+base+"-")
	if err != nil {
		return Run{}, false, fmt.Errorf("save run: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	for name, raw := range files {
		if err := os.WriteFile(filepath.Join(tmp, name+".json"), raw, 0o644); err != nil {
			return Run{}, false, fmt.Errorf("save run: %w", err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return Run{}, false, fmt.Errorf("save run: %w", err)
	}
	// Two saves in the same second get -2, -3, ...
	name := base
	for i := 2; ; i++ {
		dir := filepath.Join(historyDir, name)
		err := os.Rename(tmp, dir)
		if err == nil {
			break
		}
		if _, serr := os.Stat(dir); serr != nil || i > 100 {
			return Run{}, false, fmt.Errorf("save run %s: %w", dir, err)
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
	run, err = readRun(historyDir, name)
	return run, true, err
}

// List returns the runs saved under historyDir, oldest first. A missing
// directory has no runs.
func List(historyDir string) ([]Run, error) {
	entries, err := os.ReadDir(historyDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	var runs []Run
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		r, err := readRun(historyDir, e.Name())
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	slices.SortFunc(runs, func(a, b Run) int { return strings.Compare(a.Name, b.Name) })
	return runs, nil
}

// FindRun returns the saved run called name.
func FindRun(historyDir, name string) (Run, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return Run{}, fmt.Errorf("run name %q: not a run name", name)
	}
	st, err := os.Stat(filepath.Join(historyDir, name))
	if err != nil || !st.IsDir() {
		return Run{}, fmt.Errorf("no saved run %q in %s (see `pipeline runs`)", name, historyDir)
	}
	return readRun(historyDir, name)
}

func readRun(historyDir, name string) (Run, error) {
	r := Run{Name: name, Dir: filepath.Join(historyDir, name)}
	if len(name) >= len(RunTimeFormat) {
		if t, err := time.Parse(RunTimeFormat, name[:len(RunTimeFormat)]); err == nil {
			r.Time = t
			// -<rev>[-dirty][-<n>]: n tells two saves in one second apart.
			for i, part := range strings.Split(strings.TrimPrefix(name[len(RunTimeFormat):], "-"), "-") {
				switch {
				case part == "dirty":
					r.Dirty = true
				case i == 0:
					r.Rev = part
				}
			}
		}
	}
	files, err := readJSONFiles(r.Dir)
	if err != nil {
		return Run{}, err
	}
	for _, s := range Stages {
		if _, ok := files[s]; ok {
			r.Stages = append(r.Stages, s)
			delete(files, s)
		}
	}
	extra := make([]string, 0, len(files))
	for s := range files {
		extra = append(extra, s)
	}
	slices.Sort(extra)
	r.Stages = append(r.Stages, extra...)
	return r, nil
}

// GitDirty reports whether the git work tree holding dir (or its parent
// when dir does not exist) has changes git does not have: modified or
// staged tracked files, or untracked files it does not ignore. The
// pipeline's own outputs that are tracked (metrics/, reports/) and the
// run history do not count: every run rewrites them. No work tree, or no
// git, is not dirty.
func GitDirty(dir string) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for _, d := range []string{abs, filepath.Dir(abs)} {
		top, err := git(d, "rev-parse", "--show-toplevel")
		if err != nil {
			continue
		}
		out, err := git(strings.TrimSpace(string(top)), "status", "--porcelain", "--", ".",
			":(exclude)metrics", ":(exclude)reports", ":(exclude)runs")
		return err == nil && len(bytes.TrimSpace(out)) > 0
	}
	return false
}

// LoadRun reads a saved run as a Snapshot labelled with its name.
func LoadRun(r Run) (*Snapshot, error) { return Load(r.Dir, r.Name) }

// Previous returns the latest saved run whose metrics files differ from
// those of current (byte for byte, or in which files exist); ok is false
// when every saved run equals current or there are none.
func Previous(historyDir string, current *Snapshot) (run Run, ok bool, err error) {
	runs, err := List(historyDir)
	if err != nil {
		return Run{}, false, err
	}
	cur := map[string][]byte{}
	for _, st := range current.Stages {
		if !st.Missing {
			cur[st.Name] = st.Raw
		}
	}
	for i := len(runs) - 1; i >= 0; i-- {
		files, err := readJSONFiles(runs[i].Dir)
		if err != nil {
			return Run{}, false, err
		}
		if !sameFiles(files, cur) {
			return runs[i], true, nil
		}
	}
	return Run{}, false, nil
}

// readJSONFiles reads the *.json files of dir by stage name.
func readJSONFiles(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, e.Name()), err)
		}
		out[name] = raw
	}
	return out, nil
}

func sameFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

// RunsTable lists saved runs with each model's ndcg@10, oldest first.
func RunsTable(runs []Run) (*Table, error) {
	type row struct {
		run    Run
		models map[string]float64
	}
	var rows []row
	var models []string
	seen := map[string]bool{}
	for _, r := range runs {
		snap, err := LoadRun(r)
		if err != nil {
			return nil, err
		}
		m := map[string]float64{}
		for _, mr := range Models(snap) {
			v, ok := mr.Metrics["ndcg@10"]
			if !ok {
				continue
			}
			if _, dup := m[mr.Model]; !dup {
				m[mr.Model] = v
			}
			if !seen[mr.Model] {
				seen[mr.Model] = true
				models = append(models, mr.Model)
			}
		}
		rows = append(rows, row{r, m})
	}
	t := &Table{Title: "Saved runs", Header: []string{"run", "saved (UTC)", "rev", "stages"}}
	for _, m := range models {
		t.Header = append(t.Header, m+" ndcg@10")
	}
	t.Right = make([]bool, len(t.Header))
	for i := 4; i < len(t.Right); i++ {
		t.Right[i] = true
	}
	for _, r := range rows {
		saved := ""
		if !r.run.Time.IsZero() {
			saved = r.run.Time.Format("2006-01-02 15:04:05")
		}
		rev := r.run.Rev
		if r.run.Dirty {
			rev += " (dirty)"
			t.Note = "(dirty): made from a work tree with uncommitted changes; its revision alone does not reproduce it"
		}
		cells := []string{r.run.Name, saved, rev, fmt.Sprint(len(r.run.Stages))}
		for _, m := range models {
			if v, ok := r.models[m]; ok {
				cells = append(cells, fmt.Sprintf("%.4f", v))
			} else {
				cells = append(cells, "-")
			}
		}
		t.Rows = append(t.Rows, cells)
	}
	if len(rows) == 0 {
		t.Note = "(no saved runs; `make runs-save` saves one)"
	}
	return t, nil
}
