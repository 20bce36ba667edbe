package textembed

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// syntheticCorpus imitates the ML-100K movie documents: n documents, each
// a title of 1-4 words drawn from a pool of 2000 and descriptors from 1-3
// of 19 "genres" of 12 words each.
func syntheticCorpus(n int, seed uint64) []Document {
	rng := rand.New(rand.NewPCG(seed, 2))
	genre := make([]string, 19)
	for g := range genre {
		var w []string
		for j := 0; j < 12; j++ {
			w = append(w, fmt.Sprintf("g%dw%d", g, j))
		}
		genre[g] = strings.Join(w, " ")
	}
	docs := make([]Document, n)
	for i := range docs {
		var title, desc []string
		for j := 0; j < 1+rng.IntN(4); j++ {
			title = append(title, fmt.Sprintf("t%d", rng.IntN(2000)))
		}
		for j := 0; j < 1+rng.IntN(3); j++ {
			desc = append(desc, genre[rng.IntN(19)])
		}
		docs[i] = Document{{strings.Join(title, " "), 1}, {strings.Join(desc, " "), 1}}
	}
	return docs
}

func benchmarkFit(b *testing.B, docs, dim, power int) {
	corpus := syntheticCorpus(docs, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, st, err := Fit(corpus, Options{Dim: dim, Seed: 42, Oversampling: 32, PowerIterations: power})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(st.ExplainedVariance, "explained")
		b.ReportMetric(float64(st.Vocabulary), "vocab")
	}
}

// The ML-100K shape: 1349 documents, 512 dimensions.
func BenchmarkFit1349Docs512DimPower2(b *testing.B) { benchmarkFit(b, 1349, 512, 2) }
func BenchmarkFit1349Docs512DimPower0(b *testing.B) { benchmarkFit(b, 1349, 512, 0) }
func BenchmarkFit1349Docs128DimPower2(b *testing.B) { benchmarkFit(b, 1349, 128, 2) }

func BenchmarkEmbedQuery512Dim(b *testing.B) {
	enc, _, err := Fit(syntheticCorpus(1349, 1), Options{Dim: 512, Seed: 42, Oversampling: 32, PowerIterations: 2})
	if err != nil {
		b.Fatal(err)
	}
	q := "t12 t345 g3w1 g7w4 unknownword"
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		enc.Embed(q)
	}
}
