package textembed

import (
	"fmt"
	"math"
	"sort"
)

// Options set how Fit builds an encoder.
type Options struct {
	// Dim is the wanted embedding dimension (at least 1). The encoder gets
	// fewer when the corpus has fewer documents, terms, or nonzero singular
	// values; Stats.Dim says how many.
	Dim int
	// Seed seeds the random test matrix of the randomized SVD.
	Seed uint64
	// Oversampling is how many columns beyond Dim the randomized SVD
	// samples (Halko et al. suggest 5 to 10; more is more accurate).
	Oversampling int
	// PowerIterations is the number of subspace iterations (0 is the basic
	// randomized range finder; 2 to 4 make the trailing components
	// accurate for slowly decaying spectra such as TF-IDF's).
	PowerIterations int
}

// Stats describes a fitted encoder.
type Stats struct {
	Documents      int `json:"documents"`
	EmptyDocuments int `json:"empty_documents"` // documents without an indexed term
	Vocabulary     int `json:"vocabulary"`
	NonZeros       int `json:"nonzeros"` // nonzero entries of the TF-IDF matrix
	RequestedDim   int `json:"requested_dim"`
	Dim            int `json:"dim"` // effective dimension
	// ExplainedVariance is the share of the TF-IDF matrix's squared
	// Frobenius norm that the kept components carry: sum of σ_i² over the
	// kept components divided by the sum over all (uncentred, as LSA is).
	ExplainedVariance float64   `json:"explained_variance"`
	SingularValues    []float64 `json:"singular_values,omitempty"`
}

// A Field is a piece of a document with its weight.
type Field struct {
	Text   string
	Weight float64
}

// A Document is a text made of weighted fields (a movie's title, its
// genres, ...). Its vector is the weighted sum of its fields' unit-length
// TF-IDF vectors, scaled to unit length: a field's weight sets its share of
// the document whatever the field's length, so a long list of genre words
// cannot drown a short title. A query is a one-field document.
type Document []Field

// Fit learns an encoder from a corpus: the terms of each field (Terms)
// weighted by TF-IDF, combined per document (see Document), then reduced
// by a truncated SVD to at most opt.Dim dimensions (latent semantic
// analysis).
//
// Weights: tf is 1 + ln(count of the term in the field) and idf is
// ln((1 + N) / (1 + df)) + 1 for N documents, df of which contain the term.
// The vocabulary is every term of the corpus, sorted. The SVD is randomized
// and seeded (opt.Seed), so the same corpus and options give the same
// encoder.
func Fit(docs []Document, opt Options) (*Encoder, *Stats, error) {
	if opt.Dim < 1 {
		return nil, nil, fmt.Errorf("fit text encoder: dimension %d, want at least 1", opt.Dim)
	}
	if opt.Oversampling < 0 || opt.PowerIterations < 0 {
		return nil, nil, fmt.Errorf("fit text encoder: oversampling %d and power iterations %d must not be negative", opt.Oversampling, opt.PowerIterations)
	}
	if len(docs) == 0 {
		return nil, nil, fmt.Errorf("fit text encoder: no documents")
	}
	df := map[string]int{}
	for _, d := range docs {
		seen := map[string]bool{}
		for _, f := range d {
			if f.Weight < 0 || math.IsNaN(f.Weight) || math.IsInf(f.Weight, 0) {
				return nil, nil, fmt.Errorf("fit text encoder: field weight %v, want a finite number >= 0", f.Weight)
			}
			for _, t := range Terms(f.Text) {
				if !seen[t] {
					seen[t] = true
					df[t]++
				}
			}
		}
	}
	if len(df) == 0 {
		return nil, nil, fmt.Errorf("fit text encoder: none of the %d documents has an indexable term", len(docs))
	}
	vocab := make([]string, 0, len(df))
	for t := range df {
		vocab = append(vocab, t)
	}
	sort.Strings(vocab)
	n := float64(len(docs))
	idf := make([]float32, len(vocab))
	for j, t := range vocab {
		idf[j] = float32(math.Log((1+n)/(1+float64(df[t]))) + 1)
	}
	enc := newEncoder(vocab, idf, nil, 0)

	a := &csr{rows: len(docs), cols: len(vocab), ptr: make([]int, 1, len(docs)+1)}
	st := &Stats{Documents: len(docs), Vocabulary: len(vocab), RequestedDim: opt.Dim}
	for _, d := range docs {
		ids, ws := enc.vector(d)
		if len(ids) == 0 {
			st.EmptyDocuments++
		}
		a.ind = append(a.ind, ids...)
		a.val = append(a.val, ws...)
		a.ptr = append(a.ptr, len(a.ind))
	}
	st.NonZeros = len(a.val)

	svd, err := randomizedSVD(a, opt.Dim, opt.Oversampling, opt.PowerIterations, opt.Seed)
	if err != nil {
		return nil, nil, fmt.Errorf("fit text encoder: %w", err)
	}
	enc.dim = svd.k
	enc.proj = make([]float32, len(svd.v))
	for i, v := range svd.v {
		enc.proj[i] = float32(v)
	}
	var kept float64
	for _, s := range svd.values {
		kept += s * s
	}
	st.Dim = svd.k
	st.SingularValues = svd.values
	st.ExplainedVariance = kept / a.frobenius2()
	enc.stats = *st
	return enc, st, nil
}
