package bert4rec

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/moviegenie/pipeline/pkg/bert4rec/fixture"
	"github.com/moviegenie/pipeline/pkg/modelfile"
	"github.com/moviegenie/pipeline/pkg/modelfile/modelfiletest"
)

// smallModel is an untrained model over the fixture's movies with its
// vocabulary set.
func smallModel() *Model {
	m := NewModel(smallConfig(), fixture.Movies)
	m.MovieIDs = make([]int32, fixture.Movies)
	for i := range m.MovieIDs {
		m.MovieIDs[i] = fixture.MovieID(i)
	}
	return m
}

func TestModelFileRoundTrip(t *testing.T) {
	m := smallModel()
	path := filepath.Join(t.TempDir(), "bert4rec.bin")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Cfg != m.Cfg || got.V != m.V || !slices.Equal(got.MovieIDs, m.MovieIDs) || !slices.Equal(got.P.Data, m.P.Data) {
		t.Fatalf("loaded model differs: config %+v vs %+v, V %d vs %d", got.Cfg, m.Cfg, got.V, m.V)
	}
	hist := [][]int32{{3, 4, 5}, {30}}
	a, b := make([]float32, 2*m.V), make([]float32, 2*m.V)
	m.ScoreNext(hist, a)
	got.ScoreNext(hist, b)
	if !slices.Equal(a, b) {
		t.Errorf("loaded model scores differently")
	}
	if kind, err := modelfile.Kind(path); err != nil || kind != Kind {
		t.Errorf("modelfile.Kind = %q, %v; want %q", kind, err, Kind)
	}
}

// TestModelFileBeforeScoreMasks: a file written before score_masks
// existed (no such key in its header) loads with one [MASK].
func TestModelFileBeforeScoreMasks(t *testing.T) {
	m := smallModel()
	m.Cfg.ScoreMasks = 0 // omitted from the header, as in older files
	path := filepath.Join(t.TempDir(), "bert4rec.bin")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil || got.Cfg.ScoreMasks != 1 {
		t.Fatalf("got %v, score_masks %v; want a model with score_masks 1", err, got)
	}
}

// TestModelFileDamage: every kind of bad file is refused with a message
// that says what is wrong.
func TestModelFileDamage(t *testing.T) {
	dir := t.TempDir()
	m := smallModel()
	good := filepath.Join(dir, "good.bin")
	if err := m.Save(good); err != nil {
		t.Fatal(err)
	}
	missingTensor := filepath.Join(dir, "missing.bin")
	ts := m.P.Tensors()
	if err := modelfile.Write(missingTensor, Kind, KindVersion, fileHeader{Config: m.Cfg, Items: m.V, MovieIDs: m.MovieIDs}, ts[:len(ts)-1]); err != nil {
		t.Fatal(err)
	}
	badHeader := filepath.Join(dir, "badheader.bin")
	cfg := m.Cfg
	cfg.NumHeads = 3
	if err := modelfile.Write(badHeader, Kind, KindVersion, fileHeader{Config: cfg, Items: m.V, MovieIDs: m.MovieIDs}, ts); err != nil {
		t.Fatal(err)
	}
	modelfiletest.CheckCorruption(t, good, func(p string) error { _, err := Load(p); return err },
		modelfiletest.Case{Name: "missing tensor", Path: missingTensor, Msg: `tensor "out.b" missing`},
		modelfiletest.Case{Name: "bad config", Path: badHeader, Msg: "num_heads"},
	)
}
