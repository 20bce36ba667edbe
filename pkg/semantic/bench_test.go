package semantic

import (
	"path/filepath"
	"strings"
	"testing"
)

// Benchmarks on the real ML-100K files (skipped when absent):
//
//	go test -run '^$' -bench . -count 5 ./pkg/semantic
//
// Build is the in-memory index build; BuildFromFiles is what `semantic
// build` does before the quality suite and metrics (read the five input
// files, build, write the index); Search is one query of each kind.

func BenchmarkBuild(b *testing.B) {
	in, _ := realData(b)
	b.Run("ML100K", func(b *testing.B) {
		for b.Loop() {
			if _, err := Build(in, DefaultConfig()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkBuildFromFiles(b *testing.B) {
	realData(b)
	out := filepath.Join(b.TempDir(), "semantic.bin")
	b.Run("ML100K", func(b *testing.B) {
		for b.Loop() {
			in, err := ReadInputs(realProcessed, realFeatures)
			if err != nil {
				b.Fatal(err)
			}
			ix, err := Build(in, DefaultConfig())
			if err != nil {
				b.Fatal(err)
			}
			if err := ix.Save(out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkLoad(b *testing.B) {
	_, ix := realData(b)
	path := filepath.Join(b.TempDir(), "semantic.bin")
	if err := ix.Save(path); err != nil {
		b.Fatal(err)
	}
	b.Run("ML100K", func(b *testing.B) {
		for b.Loop() {
			if _, err := Load(path); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSearch(b *testing.B) {
	_, ix := realData(b)
	cfg := DefaultConfig()
	p := &Personal{Scores: map[int32]float32{}, Exclude: map[int32]bool{1: true, 50: true}}
	for _, m := range ix.Movies() {
		p.Scores[m.ID] = float32(m.ID % 97)
	}
	cases := []struct {
		name, q string
		p       *Personal
	}{
		{"title", "the shawshank redemption", nil},
		{"typo", "pulp fictoin", nil},
		{"descriptive", "90s sci-fi about space", nil},
		{"like", "movies like star wars", nil},
		{"user", "romantic comedy", p},
		{"long1000B", strings.Repeat("funny animated movie for kids ", 34)[:MaxQueryBytes], nil},
	}
	for _, c := range cases {
		b.Run("ML100K/"+c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.Search(c.q, cfg, Options{K: 10, Personal: c.p}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
