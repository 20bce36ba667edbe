package modelset

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/moviegenie/pipeline/pkg/bert4rec"
	"github.com/moviegenie/pipeline/pkg/semantic"
	"github.com/moviegenie/pipeline/pkg/serve/catalog"
	"github.com/moviegenie/pipeline/pkg/twotower"
)

// Files are the files a Set is loaded from.
type Files struct {
	DB       string // data/moviegenie.db
	BERT4Rec string // models/bert4rec.bin
	TwoTower string // models/twotower.bin
	Semantic string // models/semantic.bin
}

// list returns the files with their roles, in load order.
func (f Files) list() [][2]string {
	return [][2]string{{"database", f.DB}, {"bert4rec", f.BERT4Rec}, {"twotower", f.TwoTower}, {"semantic", f.Semantic}}
}

// FileInfo describes a loaded file.
type FileInfo struct {
	Role    string    `json:"role"`
	Path    string    `json:"path"`
	Bytes   int64     `json:"bytes"`
	ModTime time.Time `json:"modified_at"`
	SHA256  string    `json:"sha256"`
	sig     signature
}

// SearchConfig gives the semantic search weights for an index (the
// semantic_search params over the index's own build config, as
// `bin/semantic search` reads them).
type SearchConfig func(ix *semantic.Index) (semantic.Config, error)

// Set is one consistent set of the catalogue and the three models. A
// request takes the current Set once and answers wholly from it.
type Set struct {
	Catalog   *catalog.Catalog
	BERT4Rec  *BERT4Rec
	TwoTower  *TwoTower
	Index     *semantic.Index
	SearchCfg semantic.Config
	Files     []FileInfo
	LoadedAt  time.Time
	// Generation counts the sets loaded by a Holder (1 = the first).
	Generation int64

	similar  []atomic.Pointer[Similar] // by catalogue row, computed on first use
	searches searchCache
}

// Load reads every file of f. cfg may be nil (the index's own config).
func Load(f Files, cfg SearchConfig) (*Set, error) {
	s := &Set{LoadedAt: time.Now().UTC()}
	for _, rf := range f.list() {
		info, err := describe(rf[0], rf[1])
		if err != nil {
			return nil, err
		}
		s.Files = append(s.Files, info)
	}
	var err error
	if s.Catalog, err = catalog.Load(f.DB); err != nil {
		return nil, err
	}
	bm, err := bert4rec.Load(f.BERT4Rec)
	if err != nil {
		return nil, fmt.Errorf("bert4rec model: %w", err)
	}
	s.BERT4Rec = newBERT4Rec(bm)
	tm, err := twotower.Load(f.TwoTower)
	if err != nil {
		return nil, fmt.Errorf("two-tower model: %w", err)
	}
	s.TwoTower = newTwoTower(tm)
	if s.Index, err = semantic.Load(f.Semantic); err != nil {
		return nil, fmt.Errorf("semantic index: %w", err)
	}
	s.SearchCfg = s.Index.BuildConfig()
	if cfg != nil {
		if s.SearchCfg, err = cfg(s.Index); err != nil {
			return nil, fmt.Errorf("semantic search params: %w", err)
		}
	}
	s.similar = make([]atomic.Pointer[Similar], len(s.Catalog.Movies))
	return s, nil
}

// describe stats and hashes a file. The hash names the pipeline run that
// wrote it (pipeline_runs outputs).
func describe(role, path string) (FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileInfo{}, fmt.Errorf("%s: %w", role, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return FileInfo{}, fmt.Errorf("%s: %w", role, err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return FileInfo{}, fmt.Errorf("%s: read %s: %w", role, path, err)
	}
	return FileInfo{Role: role, Path: path, Bytes: st.Size(), ModTime: st.ModTime().UTC(),
		SHA256: hex.EncodeToString(h.Sum(nil)), sig: sigOf(st)}, nil
}

// ModelInfo says what a served model is and which run trained it.
type ModelInfo struct {
	Kind       string    `json:"kind"`
	File       string    `json:"file"`
	SHA256     string    `json:"sha256"`
	ModifiedAt time.Time `json:"modified_at"`
	// Stage, ParamsHash and TrainedAt come from the pipeline run (in the
	// database) one of whose outputs is this very file; empty when the
	// file is newer than the database's record of it.
	Stage      string `json:"stage,omitempty"`
	ParamsHash string `json:"params_hash,omitempty"`
	TrainedAt  string `json:"trained_at,omitempty"`
}

// Models describes the three loaded models.
func (s *Set) Models() []ModelInfo {
	var out []ModelInfo
	for _, f := range s.Files {
		if f.Role == "database" {
			continue
		}
		mi := ModelInfo{Kind: f.Role, File: f.Path, SHA256: f.SHA256, ModifiedAt: f.ModTime}
		if r, ok := s.Catalog.RunWithOutput(f.SHA256); ok {
			mi.Stage, mi.ParamsHash, mi.TrainedAt = r.Stage, r.ParamsHash, r.FinishedAt
		}
		out = append(out, mi)
	}
	return out
}
