package db

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/moviegenie/pipeline/pkg/cputime"
)

// BenchmarkBuild builds a database from a synthetic catalogue: ml100k has
// the size of ML-100K after the k-core filter (941 users, 1349 movies, about
// 99k ratings); ml100k+2models adds two models, each with 100
// recommendations per user and 128-wide movie vectors.
func BenchmarkBuild(b *testing.B) {
	for _, size := range []struct {
		name                                      string
		users, movies, perUser, models, recs, dim int
	}{
		{"small", 100, 200, 20, 1, 10, 16},
		{"ml100k", 941, 1349, 105, 0, 0, 0},
		{"ml100k+2models", 941, 1349, 105, 2, 100, 128},
	} {
		b.Run(fmt.Sprintf("%s/users=%d/movies=%d/models=%d", size.name, size.users, size.movies, size.models), func(b *testing.B) {
			f := syntheticFixture(1, size.users, size.movies, size.perUser, size.models, size.recs, size.dim)
			in := f.write(b, b.TempDir())
			benchBuild(b, in)
		})
	}
}

// BenchmarkBuildReal builds the database from the pipeline's own outputs in
// ../../data (skipped when data/processed has not been made): "processed"
// from data/processed alone (all of ML-100K), "all" from every input the
// stage would find (recommendations, vectors, text embeddings, metrics).
func BenchmarkBuildReal(b *testing.B) {
	root := filepath.Join("..", "..")
	processed := filepath.Join(root, "data", "processed")
	if _, err := os.Stat(filepath.Join(processed, "ratings.parquet")); err != nil {
		b.Skip("no data/processed: run the process stage first")
	}
	b.Run("processed", func(b *testing.B) {
		in, err := FindInputs(processed, "", "", "", "")
		if err != nil {
			b.Fatal(err)
		}
		benchBuild(b, in)
	})
	b.Run("all", func(b *testing.B) {
		in, err := FindInputs(processed, filepath.Join(root, "data", "recs"), filepath.Join(root, "data", "vectors"),
			filepath.Join(root, "data", "features"), filepath.Join(root, "metrics"))
		if err != nil {
			b.Fatal(err)
		}
		benchBuild(b, in)
	})
}

func benchBuild(b *testing.B, in Inputs) {
	path := filepath.Join(b.TempDir(), "moviegenie.db")
	var res *Result
	cpu0 := cputime.Process().Seconds()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		if res, err = Build(context.Background(), path, in, DefaultOptions(), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric((cputime.Process().Seconds()-cpu0)/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(res.Rows["ratings"]), "ratings")
	b.ReportMetric(float64(res.Rows["recommendations"]), "recs")
	b.ReportMetric(float64(res.Rows["movie_embeddings"]), "vectors")
	for _, phase := range []string{"processed", "models", "index", "stats", "commit", "verify", "integrity_check", "foreign_key_check", "sync", "total"} {
		b.ReportMetric(res.Timings[phase]*1e3, phase+"-ms")
	}
}
