package eval

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// syntheticSplit builds a seeded split of nUsers users over nMovies movies
// with MovieLens-like sequence lengths (20..300, mean about 100) and the
// temporal 0.2 split.
func syntheticSplit(tb testing.TB, nUsers, nMovies int, seed uint64) *Split {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	seqs := make([]tables.Sequence, nUsers)
	for u := range seqs {
		n := 20 + int(rng.ExpFloat64()*80)
		n = min(n, 300, nMovies)
		perm := rng.Perm(nMovies)[:n]
		ids := make([]int32, n)
		for i, p := range perm {
			ids[i] = int32(p + 1)
		}
		nTest := max(1, int(float64(n)*0.2+0.5))
		seqs[u] = tables.Sequence{UserID: int32(u + 1), MovieIDs: ids,
			NTrain: int32(n - nTest - 1), NVal: 1, NTest: int32(nTest)}
	}
	// Make sure every movie is in the catalogue.
	all := make([]int32, nMovies)
	for i := range all {
		all[i] = int32(i + 1)
	}
	seqs = append(seqs, tables.Sequence{UserID: int32(nUsers + 1), MovieIDs: all, NTrain: int32(nMovies)})
	s, err := NewSplit(seqs)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// BenchmarkEvaluateFromScores is the whole evaluation of a model that
// scores every movie for every user: top 100 of each score vector, then
// the metrics at 10, 50 and 100.
func BenchmarkEvaluateFromScores(b *testing.B) {
	for _, c := range []struct{ users, movies int }{{941, 1349}} {
		b.Run(fmt.Sprintf("users=%d,movies=%d", c.users, c.movies), func(b *testing.B) {
			s := syntheticSplit(b, c.users, c.movies, 7)
			rng := rand.New(rand.NewPCG(8, 9))
			scores := make([][]float32, len(s.Users))
			for i := range scores {
				scores[i] = make([]float32, len(s.Movies))
				for j := range scores[i] {
					scores[i][j] = rng.Float32()
				}
			}
			rankings := make([]Ranking, len(s.Users))
			b.ResetTimer()
			for b.Loop() {
				for i := range s.Users {
					rankings[i] = s.Rank(&s.Users[i], Test, scores[i], 100)
				}
				if _, err := Evaluate(s, Test, rankings, RetrievalKs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkTopK(b *testing.B) {
	for _, c := range []struct{ n, k int }{{1349, 10}, {1349, 100}, {100000, 100}} {
		b.Run(fmt.Sprintf("n=%d,k=%d", c.n, c.k), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			scores := make([]float32, c.n)
			for i := range scores {
				scores[i] = rng.Float32()
			}
			var exclude []int
			for i := 0; i < c.n; i += 13 {
				exclude = append(exclude, i)
			}
			b.ResetTimer()
			for b.Loop() {
				TopK(scores, exclude, c.k)
			}
		})
	}
}

func BenchmarkBaselines(b *testing.B) {
	s := syntheticSplit(b, 941, 1349, 7)
	b.Run("popularity/users=941,movies=1349", func(b *testing.B) {
		for b.Loop() {
			Popularity(s, Test, 100)
		}
	})
	b.Run("itemknn/users=941,movies=1349,neighbours=100", func(b *testing.B) {
		for b.Loop() {
			ItemKNN(s, Test, 100, 100)
		}
	})
}
