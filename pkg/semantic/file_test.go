package semantic

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/modelfile"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	ix := fixtureIndex(t)
	path := filepath.Join(t.TempDir(), "semantic.bin")
	if err := ix.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Stats() != ix.Stats() {
		t.Errorf("stats after load %+v, want %+v", got.Stats(), ix.Stats())
	}
	if got.BuildConfig() != ix.BuildConfig() {
		t.Errorf("config after load %+v, want %+v", got.BuildConfig(), ix.BuildConfig())
	}
	for _, q := range []string{"godfater", "scary movie", "movies like star wars", "90s sci-fi", "comedy"} {
		a, _ := ix.Search(q, DefaultConfig(), Options{K: 13})
		b, err := got.Search(q, DefaultConfig(), Options{K: 13})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(a.Results), ids(b.Results)) {
			t.Errorf("%q: loaded index gives %v, built one %v", q, ids(b.Results), ids(a.Results))
		}
		for i := range a.Results {
			if a.Results[i].Score != b.Results[i].Score {
				t.Errorf("%q: result %d score %v after load, %v before", q, i, b.Results[i].Score, a.Results[i].Score)
			}
		}
	}
	// The same index gives the same bytes.
	again := filepath.Join(t.TempDir(), "again.bin")
	if err := got.Save(again); err != nil {
		t.Fatal(err)
	}
	b1, _ := os.ReadFile(path)
	b2, _ := os.ReadFile(again)
	if string(b1) != string(b2) {
		t.Errorf("saving a loaded index gives other bytes (%d vs %d)", len(b2), len(b1))
	}
}

func TestLoadBadFiles(t *testing.T) {
	ix := fixtureIndex(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "semantic.bin")
	if err := ix.Save(good); err != nil {
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
	flipped := append([]byte(nil), data...)
	flipped[len(flipped)/2] ^= 0x40
	other := filepath.Join(dir, "other.bin")
	if err := modelfile.Write(other, "bert4rec", 1, map[string]int{"x": 1}, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		want error  // sentinel, or nil to check only the message
		msg  string // part of the message
	}{
		{"missing", filepath.Join(dir, "nope.bin"), os.ErrNotExist, "make models/semantic.bin"},
		{"truncated", write("trunc.bin", data[:len(data)/3]), modelfile.ErrTruncated, "truncated"},
		{"empty", write("empty.bin", nil), modelfile.ErrTruncated, "truncated"},
		{"flipped byte", write("flip.bin", flipped), modelfile.ErrChecksum, "checksum"},
		{"foreign", write("foreign.bin", []byte("movie_id,title\n1,Toy Story\n")), modelfile.ErrBadMagic, "not a Movie Genie model file"},
		{"other kind", other, modelfile.ErrWrongKind, "is a bert4rec model, want semantic"},
	}
	for _, tt := range tests {
		_, err := Load(tt.path)
		if err == nil {
			t.Errorf("%s: Load succeeded, want an error", tt.name)
			continue
		}
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: error %v, want one wrapping %v", tt.name, err, tt.want)
		}
		if !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: error %q, want it to say %q", tt.name, err, tt.msg)
		}
	}
}

func TestLoadRejectsInconsistentHeader(t *testing.T) {
	ix := fixtureIndex(t)
	dir := t.TempDir()
	// Re-write the index with a corrupted header, through modelfile (so the
	// checksum is right and only the content is wrong).
	var h fileHeader
	path := filepath.Join(dir, "semantic.bin")
	if err := ix.Save(path); err != nil {
		t.Fatal(err)
	}
	ts, err := modelfile.Read(path, FileKind, FileVersion, &h)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(h *fileHeader){
		"token out of range":     func(h *fileHeader) { h.Movies[0].Tokens = []int32{int32(len(h.TitleVocabulary))} },
		"neighbour out of range": func(h *fileHeader) { h.Neighbours[0] = []int32{-1} },
		"movies out of order":    func(h *fileHeader) { h.Movies[0].ID, h.Movies[1].ID = h.Movies[1].ID, h.Movies[0].ID },
		"genre out of range":     func(h *fileHeader) { h.Movies[0].Genres = []int{99} },
		"missing movie":          func(h *fileHeader) { h.Movies = h.Movies[1:] },
		"other tokenizer":        func(h *fileHeader) { h.EncoderTokenizer = "words-v0" },
		"bad config":             func(h *fileHeader) { h.Config.Neighbours = 0 },
	}
	for name, corrupt := range cases {
		var hh fileHeader
		if _, err := modelfile.Read(path, FileKind, FileVersion, &hh); err != nil {
			t.Fatal(err)
		}
		corrupt(&hh)
		p := filepath.Join(dir, "bad.bin")
		if err := modelfile.Write(p, FileKind, FileVersion, hh, ts); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(p); err == nil {
			t.Errorf("%s: Load succeeded, want an error", name)
		} else if !strings.Contains(err.Error(), "rebuild it with make models/semantic.bin") {
			t.Errorf("%s: error %q does not say how to fix it", name, err)
		}
	}
}
