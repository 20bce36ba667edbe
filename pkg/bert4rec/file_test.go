package bert4rec

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/bert4rec/fixture"
	"github.com/moviegenie/pipeline/pkg/modelfile"
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

// TestModelFileDamage: every kind of bad file is refused with a message
// that says what is wrong.
func TestModelFileDamage(t *testing.T) {
	dir := t.TempDir()
	m := smallModel()
	good := filepath.Join(dir, "good.bin")
	if err := m.Save(good); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flipped := slices.Clone(data)
	flipped[len(flipped)/2] ^= 0x40
	twoTower := filepath.Join(dir, "twotower.bin")
	if err := modelfile.Write(twoTower, "twotower", 1, map[string]int{"d": 4}, []modelfile.Tensor{{Name: "w", Shape: []int{1}, Data: []float32{1}}}); err != nil {
		t.Fatal(err)
	}
	future := filepath.Join(dir, "future.bin")
	if err := modelfile.Write(future, Kind, KindVersion+1, fileHeader{}, nil); err != nil {
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
	for _, c := range []struct {
		name     string
		path     string
		sentinel error
		msg      string
	}{
		{"truncated", write("trunc.bin", data[:len(data)-100]), modelfile.ErrTruncated, "truncated"},
		{"altered", write("flip.bin", flipped), modelfile.ErrChecksum, "checksum mismatch"},
		{"foreign", write("foreign.bin", []byte("user_id,movie_id\n1,50\n")), modelfile.ErrBadMagic, "not a Movie Genie model file"},
		{"empty", write("empty.bin", nil), modelfile.ErrTruncated, "truncated"},
		{"other kind", twoTower, modelfile.ErrWrongKind, "is a twotower model, want bert4rec"},
		{"newer version", future, modelfile.ErrKindVersion, "retrain"},
		{"missing tensor", missingTensor, nil, `tensor "out.b" missing`},
		{"bad config", badHeader, nil, "num_heads"},
		{"absent", filepath.Join(dir, "nothing.bin"), os.ErrNotExist, "no such file"},
	} {
		_, err := Load(c.path)
		if err == nil {
			t.Errorf("%s: got nil error", c.name)
			continue
		}
		if c.sentinel != nil && !errors.Is(err, c.sentinel) {
			t.Errorf("%s: got %v, want it to wrap %v", c.name, err, c.sentinel)
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %q, want it to say %q", c.name, err, c.msg)
		}
	}
}
