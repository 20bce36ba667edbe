package textembed

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/moviegenie/pipeline/pkg/modelfile"
)

// Encoder embeds text: it holds the vocabulary, the IDF weights and the LSA
// projection learnt by Fit. An Encoder is read-only once built and safe for
// concurrent use.
type Encoder struct {
	vocab []string       // sorted
	index map[string]int // term -> row of proj
	idf   []float32      // per term
	proj  []float32      // len(vocab) × dim, row-major
	dim   int
	stats Stats
}

func newEncoder(vocab []string, idf, proj []float32, dim int) *Encoder {
	index := make(map[string]int, len(vocab))
	for i, t := range vocab {
		index[t] = i
	}
	return &Encoder{vocab: vocab, index: index, idf: idf, proj: proj, dim: dim}
}

// Dim is the length of the vectors Embed returns.
func (e *Encoder) Dim() int { return e.dim }

// Vocabulary returns the indexed terms, sorted. The slice is the encoder's
// own; do not modify it.
func (e *Encoder) Vocabulary() []string { return e.vocab }

// Stats describes the corpus and SVD the encoder was fitted with.
func (e *Encoder) Stats() Stats { return e.stats }

// Embed returns the unit-length embedding of text, tokenised with Terms
// exactly as the documents were: the embedding of a one-field Document.
// Terms outside the vocabulary are ignored; when no term of text is in the
// vocabulary, Embed returns the zero vector (so a cosine with it is 0,
// never NaN). The result has Dim elements.
func (e *Encoder) Embed(text string) []float32 {
	return e.EmbedDocument(Document{{Text: text, Weight: 1}})
}

// EmbedDocument returns the unit-length embedding of a document: its
// vector (see Document) times the projection, scaled to unit length, or
// the zero vector when none of its terms is in the vocabulary.
func (e *Encoder) EmbedDocument(doc Document) []float32 {
	ids, ws := e.vector(doc)
	acc := make([]float64, e.dim)
	for n, id := range ids {
		row := e.proj[id*e.dim : (id+1)*e.dim]
		w := ws[n]
		for j, p := range row {
			acc[j] += w * float64(p)
		}
	}
	var norm float64
	for _, v := range acc {
		norm += v * v
	}
	out := make([]float32, e.dim)
	if norm == 0 {
		return out
	}
	inv := 1 / math.Sqrt(norm)
	for j, v := range acc {
		out[j] = float32(v * inv)
	}
	return out
}

// vector returns the sparse TF-IDF vector of a document: the vocabulary
// ids of its known terms, ascending, and their weights (unit length). The
// fixed order makes every sum over terms, and so every embedding,
// reproducible to the bit.
func (e *Encoder) vector(doc Document) ([]int, []float64) {
	acc := map[int]float64{}
	for _, f := range doc {
		ids, ws := e.fieldVector(Terms(f.Text))
		for n, id := range ids {
			acc[id] += f.Weight * ws[n]
		}
	}
	ids := make([]int, 0, len(acc))
	for id := range acc {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	ws := make([]float64, len(ids))
	for n, id := range ids {
		ws[n] = acc[id]
	}
	normalize(ws)
	return ids, ws
}

// fieldVector returns the unit-length TF-IDF vector of one field's terms,
// ids ascending.
func (e *Encoder) fieldVector(terms []string) ([]int, []float64) {
	counts := map[int]int{}
	for _, t := range terms {
		if id, ok := e.index[t]; ok {
			counts[id]++
		}
	}
	ids := make([]int, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	ws := make([]float64, len(ids))
	for n, id := range ids {
		ws[n] = (1 + math.Log(float64(counts[id]))) * float64(e.idf[id])
	}
	normalize(ws)
	return ids, ws
}

func normalize(x []float64) {
	var norm float64
	for _, v := range x {
		norm += v * v
	}
	if norm > 0 {
		inv := 1 / math.Sqrt(norm)
		for i := range x {
			x[i] *= inv
		}
	}
}

// File layout: a pkg/modelfile file of kind FileKind.
const (
	// FileKind is the modelfile kind of an encoder file.
	FileKind = "text_encoder"
	// FileVersion is the version of the header and tensors below.
	FileVersion uint32 = 1
)

// fileHeader is the JSON header of an encoder file. The tensors are "idf"
// (shape [vocabulary]) and "projection" (shape [vocabulary, dim]).
type fileHeader struct {
	Tokenizer  string   `json:"tokenizer"`
	Weighting  string   `json:"weighting"`
	Dim        int      `json:"dim"`
	Vocabulary []string `json:"vocabulary"`
	Stats      Stats    `json:"stats"`
}

const weighting = "sublinear-tf x smooth-idf, l2-normalised"

// Save writes the encoder to path (atomically): a pkg/modelfile file with
// magic, format version, kind "text_encoder", a JSON header (tokenizer
// version, dimension, vocabulary, fit statistics), the "idf" and
// "projection" tensors and a SHA-256 trailer.
func (e *Encoder) Save(path string) error {
	h := fileHeader{Tokenizer: TokenizerVersion, Weighting: weighting, Dim: e.dim, Vocabulary: e.vocab, Stats: e.stats}
	return modelfile.Write(path, FileKind, FileVersion, h, []modelfile.Tensor{
		{Name: "idf", Shape: []int{len(e.vocab)}, Data: e.idf},
		{Name: "projection", Shape: []int{len(e.vocab), e.dim}, Data: e.proj},
	})
}

// ErrIncompatible is wrapped by Load's error when the file is a valid
// encoder file that this code cannot use (other tokenizer rules or
// weighting).
var ErrIncompatible = errors.New("incompatible text encoder")

// Load reads an encoder written by Save. A missing, truncated, altered or
// foreign file, or one of another version, gives an error that names path
// and wraps the pkg/modelfile sentinel (modelfile.ErrTruncated,
// modelfile.ErrBadMagic, modelfile.ErrChecksum, ...).
func Load(path string) (*Encoder, error) {
	var h fileHeader
	ts, err := modelfile.Read(path, FileKind, FileVersion, &h)
	if err != nil {
		return nil, fmt.Errorf("load text encoder: %w", err)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("load text encoder %s: %s", path, fmt.Sprintf(format, args...))
	}
	if h.Tokenizer != TokenizerVersion {
		return nil, fmt.Errorf("load text encoder %s: tokenizer %q, this binary tokenises with %q: rebuild the features (%w)", path, h.Tokenizer, TokenizerVersion, ErrIncompatible)
	}
	if h.Weighting != weighting {
		return nil, fmt.Errorf("load text encoder %s: weighting %q, this binary uses %q: rebuild the features (%w)", path, h.Weighting, weighting, ErrIncompatible)
	}
	v := len(h.Vocabulary)
	if v == 0 || h.Dim < 1 {
		return nil, bad("empty vocabulary or dimension %d", h.Dim)
	}
	if !sort.StringsAreSorted(h.Vocabulary) {
		return nil, bad("vocabulary is not sorted")
	}
	for i := 1; i < v; i++ {
		if h.Vocabulary[i] == h.Vocabulary[i-1] {
			return nil, bad("term %q appears twice in the vocabulary", h.Vocabulary[i])
		}
	}
	byName := map[string]modelfile.Tensor{}
	for _, t := range ts {
		byName[t.Name] = t
	}
	idf, ok := byName["idf"]
	if !ok || len(idf.Shape) != 1 || idf.Shape[0] != v {
		return nil, bad("tensor idf missing or not of shape [%d]", v)
	}
	proj, ok := byName["projection"]
	if !ok || len(proj.Shape) != 2 || proj.Shape[0] != v || proj.Shape[1] != h.Dim {
		return nil, bad("tensor projection missing or not of shape [%d %d]", v, h.Dim)
	}
	e := newEncoder(h.Vocabulary, idf.Data, proj.Data, h.Dim)
	e.stats = h.Stats
	return e, nil
}
