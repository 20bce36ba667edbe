//go:build ignore

package main

import (
	"fmt"
	"time"

	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/tables"
	"github.com/moviegenie/pipeline/pkg/textembed"
)

func main() {
	t := time.Now()
	tables.Read[tables.Genre]("/tmp/semdev/processed/genres.parquet")
	fmt.Println("genres", time.Since(t)); t = time.Now()
	tables.Read[tables.Rating]("/tmp/semdev/processed/ratings.parquet")
	fmt.Println("ratings", time.Since(t)); t = time.Now()
	tables.Read[features.MovieFeature]("/tmp/semdev/features/movie_features.parquet")
	fmt.Println("mf", time.Since(t)); t = time.Now()
	tables.Read[features.TextEmbedding]("/tmp/semdev/features/text_embeddings.parquet")
	fmt.Println("emb", time.Since(t)); t = time.Now()
	textembed.Load("/tmp/semdev/features/text_encoder.bin")
	fmt.Println("enc", time.Since(t)); t = time.Now()
}
