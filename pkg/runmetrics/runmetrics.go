// Package runmetrics owns the one shape of metrics/<stage>.json that every
// stage writes: what ran (stage, params and their hash, input checksums),
// what it cost (wall time, CPU time, peak memory), what it produced (row
// counts, outputs) and the stage's own figures (validation checks, training
// curves, quality metrics beside the popularity baseline).
//
// A stage calls Start first, fills the record as it goes, and calls Finish
// last: Finish measures the costs and writes the file atomically, so the
// metrics file is the last output a stage commits.
package runmetrics

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
	"github.com/moviegenie/pipeline/pkg/cputime"
)

// SchemaVersion is the version of the File layout below.
const SchemaVersion = 1

// File is the content of metrics/<stage>.json.
type File struct {
	SchemaVersion int    `json:"schema_version"`
	Stage         string `json:"stage"`
	StartedAt     string `json:"started_at"`
	FinishedAt    string `json:"finished_at"`

	// Params is the stage's params section as used, and ParamsHash the
	// SHA-256 of its canonical JSON (pkg/params).
	Params     map[string]any `json:"params"`
	ParamsHash string         `json:"params_hash"`

	Inputs  []FileInfo `json:"inputs"`
	Outputs []FileInfo `json:"outputs"`

	WallSeconds  float64 `json:"wall_seconds"`
	CPUSeconds   float64 `json:"cpu_seconds"`
	PeakRSSBytes int64   `json:"peak_rss_bytes"`

	// Rows counts what the stage read and wrote, by name.
	Rows map[string]int64 `json:"rows,omitempty"`

	// Checks are data validation results.
	Checks []Check `json:"checks,omitempty"`

	// Curve is the per-epoch training record of a model stage.
	Curve []Epoch `json:"curve,omitempty"`

	// Models holds final test metrics per model ("bert4rec", "popularity",
	// ...), each a map from metric name ("ndcg@10") to value.
	Models map[string]map[string]float64 `json:"models,omitempty"`

	// Figures holds anything else the stage reports.
	Figures map[string]any `json:"figures,omitempty"`

	Env Env `json:"env"`
}

// FileInfo identifies an input or output file by content.
type FileInfo struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Check is one data-validation check and its outcome.
type Check struct {
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail,omitempty"`
}

// Epoch is one line of a training curve.
type Epoch struct {
	Epoch     int                `json:"epoch"`
	TrainLoss float64            `json:"train_loss"`
	Seconds   float64            `json:"seconds"`
	LR        float64            `json:"lr,omitempty"`
	Val       map[string]float64 `json:"val,omitempty"`
}

// Env records what the numbers were measured on.
type Env struct {
	GoVersion  string `json:"go_version"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	NumCPU     int    `json:"num_cpu"`
	BLAS       string `json:"blas,omitempty"`
}

// Run is a File being filled in by a running stage.
type Run struct {
	File
	start    time.Time
	cpuStart float64
}

// Start begins the record of a stage run.
func Start(stage string) *Run {
	now := time.Now()
	return &Run{
		File: File{
			SchemaVersion: SchemaVersion,
			Stage:         stage,
			StartedAt:     now.UTC().Format(time.RFC3339),
			Rows:          map[string]int64{},
			Figures:       map[string]any{},
			Env: Env{
				GoVersion:  runtime.Version(),
				GOMAXPROCS: runtime.GOMAXPROCS(0),
				NumCPU:     runtime.NumCPU(),
			},
		},
		start:    now,
		cpuStart: cputime.Process().Seconds(),
	}
}

// AddInput records an input file with its size and checksum.
func (r *Run) AddInput(path string) error {
	fi, err := Describe(path)
	if err != nil {
		return err
	}
	r.Inputs = append(r.Inputs, fi)
	return nil
}

// AddOutput records an output file (after it has been committed).
func (r *Run) AddOutput(path string) error {
	fi, err := Describe(path)
	if err != nil {
		return err
	}
	r.Outputs = append(r.Outputs, fi)
	return nil
}

// AddCheck records a validation check.
func (r *Run) AddCheck(name string, passed bool, detail string) {
	r.Checks = append(r.Checks, Check{Name: name, Passed: passed, Detail: detail})
}

// Elapsed is the wall time since Start.
func (r *Run) Elapsed() time.Duration { return time.Since(r.start) }

// Finish measures wall time, CPU time and peak memory, and writes the
// record to path atomically.
func (r *Run) Finish(path string) error {
	r.FinishedAt = time.Now().UTC().Format(time.RFC3339)
	r.WallSeconds = time.Since(r.start).Seconds()
	r.CPUSeconds = cputime.Process().Seconds() - r.cpuStart
	r.PeakRSSBytes = PeakRSS()
	data, err := json.MarshalIndent(&r.File, "", "  ")
	if err != nil {
		return fmt.Errorf("encode metrics: %w", err)
	}
	return atomicfile.WriteFile(path, append(data, '\n'))
}

// Describe computes the size and SHA-256 of a file.
func Describe(path string) (FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileInfo{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return FileInfo{}, fmt.Errorf("read %s: %w", path, err)
	}
	return FileInfo{Path: path, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Read loads a metrics file, with an error naming the file when it is
// missing or malformed.
func Read(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: malformed metrics file: %w", path, err)
	}
	if f.Stage == "" {
		return nil, fmt.Errorf("%s: malformed metrics file: no stage", path)
	}
	return &f, nil
}

// PeakRSS is the process's peak resident set size in bytes.
func PeakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024 // Linux reports kilobytes
}
