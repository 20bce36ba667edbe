package textembed

import (
	"fmt"
	"math"
	"sort"
)

// This file lets another file format carry an encoder (pkg/semantic stores
// the query encoder inside its search index, so that a search needs only
// the index file). Added by the semantic-search stage.

// Arrays returns what the encoder is made of: the vocabulary (sorted), the
// IDF weight of each term and the projection (len(vocab) × Dim, row-major).
// The slices are the encoder's own; do not modify them. FromArrays
// rebuilds an equal encoder from them.
func (e *Encoder) Arrays() (vocab []string, idf, proj []float32) {
	return e.vocab, e.idf, e.proj
}

// FromArrays rebuilds an encoder from the output of Arrays. tokenizer must
// be TokenizerVersion (the rules the vocabulary was made with): a
// different one is an error wrapping ErrIncompatible. It checks that the
// vocabulary is sorted and unique, that the shapes agree with dim, and
// that every value is finite. The encoder keeps the slices; the caller
// must not modify them afterwards. Stats of the result are zero.
func FromArrays(tokenizer string, vocab []string, idf, proj []float32, dim int) (*Encoder, error) {
	if tokenizer != TokenizerVersion {
		return nil, fmt.Errorf("text encoder: tokenizer %q, this binary tokenises with %q (%w)", tokenizer, TokenizerVersion, ErrIncompatible)
	}
	v := len(vocab)
	if v == 0 || dim < 1 {
		return nil, fmt.Errorf("text encoder: empty vocabulary or dimension %d", dim)
	}
	if !sort.StringsAreSorted(vocab) {
		return nil, fmt.Errorf("text encoder: vocabulary is not sorted")
	}
	for i := 1; i < v; i++ {
		if vocab[i] == vocab[i-1] {
			return nil, fmt.Errorf("text encoder: term %q appears twice in the vocabulary", vocab[i])
		}
	}
	if len(idf) != v {
		return nil, fmt.Errorf("text encoder: %d idf weights for %d terms", len(idf), v)
	}
	if len(proj) != v*dim {
		return nil, fmt.Errorf("text encoder: projection has %d values, want %d × %d", len(proj), v, dim)
	}
	for _, xs := range [][]float32{idf, proj} {
		for i, x := range xs {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return nil, fmt.Errorf("text encoder: value %d is %v", i, x)
			}
		}
	}
	return newEncoder(vocab, idf, proj, dim), nil
}
