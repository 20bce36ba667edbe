package textembed

import (
	"errors"
	"slices"
	"testing"
)

// Tests of arrays.go (added by the semantic-search stage).

func TestArraysRoundTrip(t *testing.T) {
	docs := []Document{
		{{Text: "Toy Story", Weight: 1}, {Text: "animation children comedy", Weight: 1}},
		{{Text: "Scream", Weight: 1}, {Text: "horror thriller scary", Weight: 1}},
		{{Text: "Star Wars", Weight: 1}, {Text: "science fiction space", Weight: 1}},
		{{Text: "Fargo", Weight: 1}, {Text: "crime drama snow", Weight: 1}},
	}
	enc, _, err := Fit(docs, Options{Dim: 3, Seed: 7, Oversampling: 2, PowerIterations: 1})
	if err != nil {
		t.Fatal(err)
	}
	vocab, idf, proj := enc.Arrays()
	got, err := FromArrays(TokenizerVersion, vocab, idf, proj, enc.Dim())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"toy story", "scary horror", "space crime", "nothing known"} {
		if a, b := enc.Embed(q), got.Embed(q); !slices.Equal(a, b) {
			t.Errorf("Embed(%q) = %v after FromArrays, %v before", q, b, a)
		}
	}
	if !slices.Equal(got.Vocabulary(), enc.Vocabulary()) || got.Dim() != enc.Dim() {
		t.Errorf("vocabulary or dimension changed")
	}
}

func TestFromArraysRejects(t *testing.T) {
	vocab := []string{"alpha", "beta"}
	idf := []float32{1, 2}
	proj := []float32{1, 0, 0, 1}
	nan := float32(0)
	nan = nan / nan
	tests := []struct {
		name      string
		tokenizer string
		vocab     []string
		idf, proj []float32
		dim       int
	}{
		{"other tokenizer", "words-v0", vocab, idf, proj, 2},
		{"empty vocabulary", TokenizerVersion, nil, nil, nil, 2},
		{"unsorted", TokenizerVersion, []string{"beta", "alpha"}, idf, proj, 2},
		{"duplicate", TokenizerVersion, []string{"alpha", "alpha"}, idf, proj, 2},
		{"idf length", TokenizerVersion, vocab, idf[:1], proj, 2},
		{"projection shape", TokenizerVersion, vocab, idf, proj[:3], 2},
		{"zero dimension", TokenizerVersion, vocab, idf, proj, 0},
		{"NaN", TokenizerVersion, vocab, []float32{1, nan}, proj, 2},
	}
	for _, tt := range tests {
		_, err := FromArrays(tt.tokenizer, tt.vocab, tt.idf, tt.proj, tt.dim)
		if err == nil {
			t.Errorf("%s: FromArrays succeeded, want an error", tt.name)
		}
		if tt.name == "other tokenizer" && !errors.Is(err, ErrIncompatible) {
			t.Errorf("%s: error %v, want ErrIncompatible", tt.name, err)
		}
	}
}
