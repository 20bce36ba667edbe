package quality

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
	"github.com/moviegenie/pipeline/pkg/params"
)

// Split is one evaluation protocol of the study: the params files layered
// over the plan's (for example params-loo.yaml) and the overrides that
// select it.
type Split struct {
	Name   string
	Params []string
	Sets   []string
}

// Model is a trainer the study runs.
type Model struct {
	Name    string // the model's key in its metrics file ("bert4rec")
	Binary  string // its stage binary in Plan.Bin
	Section string // its params section; Section+".seed" is set per run
	Vectors bool   // the binary also writes --vectors DIR
}

// Models are the trainers the study knows, by name.
var Models = map[string]Model{
	"bert4rec": {Name: "bert4rec", Binary: "train-bert4rec", Section: "model_training.bert4rec"},
	"twotower": {Name: "twotower", Binary: "train-twotower", Section: "model_training.two_tower", Vectors: true},
}

// Plan is one invocation of the study.
type Plan struct {
	Bin    string   // directory of the stage binaries (bin)
	Raw    string   // the raw MovieLens 100K directory
	Out    string   // where every split's data and runs go (build/quality)
	Params []string // params files, layered (params.yaml first)
	Sets   []string // single overrides, applied after each split's
	Splits []Split
	Models []Model
	Seeds  []int64
	// Log receives a line per step (nil: none).
	Log io.Writer
	// FinishedOnly runs nothing: it summarises the runs an earlier
	// invocation finished with the current keys and leaves out the rest
	// (a split whose data is not up to date is left out whole).
	FinishedOnly bool
}

// errNotFinished is do's answer, under FinishedOnly, for a step that
// would have to run.
var errNotFinished = errors.New("not finished")

// step is one command of the study, skipped when its key is unchanged.
type step struct {
	name     string   // for the log
	binary   string   // path of the binary
	args     []string // after the params flags
	sections []string // params sections the binary reads
	inputs   []string // files and directories whose content it reads
	dir      string   // holds run.key and log.txt
	metrics  string   // its metrics file, written last
}

// Run runs every split's process and features stages, then every model
// with every seed, skipping what an earlier invocation finished with the
// same key, and returns the runs' results.
func (p *Plan) Run() ([]RunResult, error) {
	log := p.Log
	if log == nil {
		log = io.Discard
	}
	var results []RunResult
splits:
	for _, sp := range p.Splits {
		files := append(slices.Clone(p.Params), sp.Params...)
		sets := append(slices.Clone(sp.Sets), p.Sets...)
		root := filepath.Join(p.Out, sp.Name)
		processed, features := filepath.Join(root, "data", "processed"), filepath.Join(root, "data", "features")
		pre := []step{
			{name: sp.Name + " process", binary: "process", sections: []string{"data_processing"}, inputs: []string{p.Raw},
				dir: filepath.Join(root, "process"), args: []string{"--raw", p.Raw, "--out", processed}},
			{name: sp.Name + " features", binary: "features", sections: []string{"data_processing", "feature_engineering"}, inputs: []string{processed},
				dir: filepath.Join(root, "features"), args: []string{"--processed", processed, "--out", features}},
		}
		for _, st := range pre {
			st.metrics = filepath.Join(st.dir, "metrics.json")
			st.args = append(st.args, "--metrics", st.metrics)
			_, err := p.do(log, st, files, sets)
			if errors.Is(err, errNotFinished) {
				continue splits
			}
			if err != nil {
				return nil, err
			}
		}
		for _, m := range p.Models {
			for _, seed := range p.Seeds {
				dir := filepath.Join(root, m.Name, "seed"+strconv.FormatInt(seed, 10))
				st := step{name: fmt.Sprintf("%s %s seed %d", sp.Name, m.Name, seed), binary: m.Binary,
					sections: []string{"feature_engineering", m.Section}, inputs: []string{processed, features}, dir: dir,
					metrics: filepath.Join(dir, "metrics.json"),
					args: []string{"--processed", processed, "--features", features,
						"--model", filepath.Join(dir, "model.bin"), "--recs", filepath.Join(dir, "recs.parquet")}}
				if m.Vectors {
					st.args = append(st.args, "--vectors", filepath.Join(dir, "vectors"))
				}
				st.args = append(st.args, "--metrics", st.metrics)
				reused, err := p.do(log, st, files, append(slices.Clone(sets), fmt.Sprintf("%s.seed=%d", m.Section, seed)))
				if errors.Is(err, errNotFinished) {
					continue
				}
				if err != nil {
					return nil, err
				}
				r, err := ReadRun(st.metrics, sp.Name, m.Name, seed)
				if err != nil {
					return nil, err
				}
				r.Reused = reused
				results = append(results, *r)
			}
		}
	}
	return results, nil
}

// do runs st unless its key equals the one its last successful run
// recorded; it reports whether it was skipped.
func (p *Plan) do(log io.Writer, st step, files, sets []string) (bool, error) {
	pr, err := params.Load(files, sets)
	if err != nil {
		return false, fmt.Errorf("%s: %w", st.name, err)
	}
	bin := filepath.Join(p.Bin, st.binary)
	key, err := stepKey(bin, st.args, pr, st.sections, st.inputs)
	if err != nil {
		return false, fmt.Errorf("%s: %w", st.name, err)
	}
	keyPath := filepath.Join(st.dir, "run.key")
	if old, err := os.ReadFile(keyPath); err == nil && string(old) == key {
		if _, err := os.Stat(st.metrics); err == nil {
			fmt.Fprintf(log, "quality: %s: up to date (%s)\n", st.name, st.dir)
			return true, nil
		}
	}
	if p.FinishedOnly {
		fmt.Fprintf(log, "quality: %s: not finished, left out\n", st.name)
		return false, errNotFinished
	}
	if err := os.MkdirAll(st.dir, 0o755); err != nil {
		return false, err
	}
	// A run that fails or is killed must not look finished.
	if err := os.Remove(keyPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	logFile, err := os.Create(filepath.Join(st.dir, "log.txt"))
	if err != nil {
		return false, err
	}
	defer logFile.Close()
	var args []string
	for _, f := range files {
		args = append(args, "--params", f)
	}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	args = append(args, st.args...)
	fmt.Fprintf(logFile, "%s %s\n", bin, strings.Join(args, " "))
	fmt.Fprintf(log, "quality: %s: running (log: %s)\n", st.name, logFile.Name())
	// The stages' output goes to the log file only: their lines show test
	// figures, which choosing settings on validation should not put on
	// screen run after run.
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return false, fmt.Errorf("%s: %s failed after %.0f s (log: %s): %w", st.name, bin, time.Since(start).Seconds(), logFile.Name(), err)
	}
	fmt.Fprintf(log, "quality: %s: done in %.0f s\n", st.name, time.Since(start).Seconds())
	return false, atomicfile.WriteFile(keyPath, []byte(key))
}

// stepKey is the SHA-256 of everything a step's outputs depend on: the
// binary, its path arguments, the params sections it reads (canonical
// JSON, so the file a value came from does not matter) and the content of
// its input files (directories walked in name order).
func stepKey(bin string, args []string, p *params.Params, sections, inputs []string) (string, error) {
	h := sha256.New()
	if err := hashFile(h, bin); err != nil {
		return "", fmt.Errorf("%w (build it first: make %s)", err, bin)
	}
	fmt.Fprintf(h, "args %q\n", args)
	for _, s := range sections {
		js, err := p.CanonicalJSON(s)
		if err != nil {
			return "", fmt.Errorf("params section %s: %w", s, err)
		}
		fmt.Fprintf(h, "section %s %s\n", s, js)
	}
	for _, in := range inputs {
		err := filepath.WalkDir(in, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			fmt.Fprintf(h, "input %s\n", path)
			return hashFile(h, path)
		})
		if err != nil {
			return "", fmt.Errorf("input: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashFile writes the SHA-256 of a file's content into h.
func hashFile(h io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fh := sha256.New()
	if _, err := io.Copy(fh, f); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	_, err = fmt.Fprintf(h, "%x\n", fh.Sum(nil))
	return err
}
