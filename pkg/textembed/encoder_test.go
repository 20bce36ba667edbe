package textembed

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/modelfile"
	"github.com/moviegenie/pipeline/pkg/modelfile/modelfiletest"
)

// corpus is a small set of movie-like documents with distinct titles and
// shared descriptor words.
var corpus = []Document{
	{{"Toy Story", 1}, {"animation children comedy cartoon kids family", 1}},
	{{"The Lion King", 1}, {"animation children musical cartoon kids family songs", 1}},
	{{"Scream", 1}, {"horror thriller scary frightening slasher", 1}},
	{{"The Shining", 1}, {"horror scary frightening haunted hotel", 1}},
	{{"Star Wars", 1}, {"action adventure science space future aliens", 1}},
	{{"Alien", 1}, {"horror science space aliens monster", 1}},
	{{"Fargo", 1}, {"crime drama thriller police murder snow", 1}},
	{{"The Godfather", 1}, {"crime drama gangster mafia family", 1}},
	{{"Casablanca", 1}, {"drama romance war love", 1}},
	{{"Unforgiven", 1}, {"western cowboy outlaw drama", 1}},
}

func fitCorpus(t *testing.T, dim int) (*Encoder, *Stats) {
	t.Helper()
	enc, st, err := Fit(corpus, Options{Dim: dim, Seed: 42, Oversampling: 4, PowerIterations: 2})
	if err != nil {
		t.Fatal(err)
	}
	return enc, st
}

func cosine(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func nearest(enc *Encoder, query string) int {
	q := enc.Embed(query)
	best, bestS := -1, math.Inf(-1)
	for i, d := range corpus {
		if s := cosine(q, enc.EmbedDocument(d)); s > bestS {
			best, bestS = i, s
		}
	}
	return best
}

func TestFitStats(t *testing.T) {
	enc, st := fitCorpus(t, 6)
	if st.Documents != 10 || st.EmptyDocuments != 0 || st.Dim != 6 || enc.Dim() != 6 || st.RequestedDim != 6 {
		t.Errorf("got stats %+v, want 10 documents, dim 6", st)
	}
	if st.Vocabulary != len(enc.Vocabulary()) || !slices.IsSorted(enc.Vocabulary()) {
		t.Errorf("got vocabulary of %d (stats %d), want sorted and matching", len(enc.Vocabulary()), st.Vocabulary)
	}
	if slices.Contains(enc.Vocabulary(), "the") {
		t.Error("stop word \"the\" is in the vocabulary")
	}
	if st.ExplainedVariance <= 0 || st.ExplainedVariance > 1+1e-12 {
		t.Errorf("got explained variance %v, want in (0, 1]", st.ExplainedVariance)
	}
	// Asking for more dimensions than the corpus has gives the corpus rank.
	_, full := fitCorpus(t, 512)
	if full.Dim != 10 || math.Abs(full.ExplainedVariance-1) > 1e-9 {
		t.Errorf("got dim %d and explained variance %.12f for 10 documents, want 10 and 1", full.Dim, full.ExplainedVariance)
	}
}

func TestEmbedFindsTitlesAndTopics(t *testing.T) {
	enc, _ := fitCorpus(t, 10)
	for _, c := range []struct {
		query string
		want  int
	}{
		{"Toy Story (1995)", 0}, {"lion king", 1}, {"The Shining", 3}, {"FARGO", 6},
		{"godfather", 7}, {"Casablanca", 8}, {"an old western with a cowboy", 9},
	} {
		if got := nearest(enc, c.query); got != c.want {
			t.Errorf("query %q: got document %d (%q), want %d (%q)", c.query, got, corpus[got][0].Text, c.want, corpus[c.want][0].Text)
		}
	}
	// A topic query lands on a document of that topic, also when the
	// encoder keeps only a few dimensions.
	for _, dim := range []int{10, 4} {
		enc, _ := fitCorpus(t, dim)
		if got := nearest(enc, "scary horror"); got != 2 && got != 3 && got != 5 {
			t.Errorf("dim %d: query \"scary horror\": got %q, want a horror document", dim, corpus[got][0].Text)
		}
		if got := nearest(enc, "cartoon for the kids"); got != 0 && got != 1 {
			t.Errorf("dim %d: query \"cartoon for the kids\": got %q, want an animation document", dim, corpus[got][0].Text)
		}
	}
}

func TestEmbedUnitZeroAndConsistent(t *testing.T) {
	enc, _ := fitCorpus(t, 8)
	for _, q := range []string{"star wars", "family", "Toy Story toy story"} {
		e := enc.Embed(q)
		if len(e) != enc.Dim() {
			t.Fatalf("got length %d, want %d", len(e), enc.Dim())
		}
		if n := cosine(e, e); math.Abs(n-1) > 1e-6 {
			t.Errorf("query %q: got squared norm %v, want 1", q, n)
		}
	}
	z := enc.Embed("the of zzzunknown")
	if len(z) != enc.Dim() || cosine(z, z) != 0 {
		t.Errorf("got %v for a query without known terms, want the zero vector of length %d", z, enc.Dim())
	}
	if !slices.Equal(enc.Embed("star wars"), enc.EmbedDocument(Document{{"star wars", 1}})) {
		t.Error("Embed differs from EmbedDocument of one field")
	}
	// A field's weight, not its length, sets its share: repeating every
	// word of a field leaves the embedding as it is, weighting the title
	// more brings the document closer to a title query.
	full, _ := fitCorpus(t, 10)
	d := corpus[0]
	long := Document{d[0], {d[1].Text + " " + d[1].Text, 1}}
	if c := cosine(full.EmbedDocument(d), full.EmbedDocument(long)); math.Abs(c-1) > 1e-6 {
		t.Errorf("repeating the descriptors changed the embedding (cos %.7f, want 1)", c)
	}
	heavy := Document{{d[0].Text, 3}, d[1]}
	q := full.Embed("toy story")
	if c1, c3 := cosine(q, full.EmbedDocument(d)), cosine(q, full.EmbedDocument(heavy)); c3 <= c1 {
		t.Errorf("title weight 3: cos with the title query %.4f, want more than with weight 1 (%.4f)", c3, c1)
	}
}

func TestFitDeterministic(t *testing.T) {
	dir := t.TempDir()
	var files [][]byte
	for i := 0; i < 2; i++ {
		enc, _ := fitCorpus(t, 6)
		p := filepath.Join(dir, "enc.bin")
		if err := enc.Save(p); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("two fits of the same corpus saved different bytes")
	}
}

func TestFitErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		docs []Document
		opt  Options
		want string
	}{
		{"no documents", nil, Options{Dim: 2}, "no documents"},
		{"no terms", []Document{{{"the of", 1}}, {{"a", 1}}}, Options{Dim: 2}, "indexable term"},
		{"zero dim", corpus, Options{Dim: 0}, "dimension 0"},
		{"negative oversampling", corpus, Options{Dim: 2, Oversampling: -1}, "negative"},
		{"negative weight", []Document{{{"star", -1}}}, Options{Dim: 2}, "weight"},
		{"NaN weight", []Document{{{"star", math.NaN()}}}, Options{Dim: 2}, "weight"},
	} {
		_, _, err := Fit(c.docs, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	enc, st := fitCorpus(t, 6)
	path := filepath.Join(t.TempDir(), "text_encoder.bin")
	if err := enc.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Dim() != enc.Dim() || !slices.Equal(got.Vocabulary(), enc.Vocabulary()) {
		t.Fatalf("got dim %d vocabulary %d, want %d and %d", got.Dim(), len(got.Vocabulary()), enc.Dim(), len(enc.Vocabulary()))
	}
	if gs := got.Stats(); gs.Dim != st.Dim || gs.ExplainedVariance != st.ExplainedVariance || !slices.Equal(gs.SingularValues, st.SingularValues) {
		t.Errorf("got stats %+v, want %+v", gs, *st)
	}
	for _, q := range []string{"star wars", "scary horror", "nothing known here"} {
		if !slices.Equal(got.Embed(q), enc.Embed(q)) {
			t.Errorf("query %q: loaded encoder embeds differently", q)
		}
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	enc, _ := fitCorpus(t, 4)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.bin")
	if err := enc.Save(good); err != nil {
		t.Fatal(err)
	}
	otherTok := filepath.Join(dir, "tok.bin")
	if err := modelfile.Write(otherTok, FileKind, FileVersion, fileHeader{Tokenizer: "words-v0", Weighting: weighting, Dim: 1, Vocabulary: []string{"a"}}, nil); err != nil {
		t.Fatal(err)
	}
	modelfiletest.CheckCorruption(t, good, func(p string) error { _, err := Load(p); return err },
		modelfiletest.Case{Name: "other tokenizer", Path: otherTok, Sentinel: ErrIncompatible, Msg: "tokenizer"},
	)
}
