// Package semantictest writes a small, deterministic set of the semantic
// stage's input files (data/processed and data/features), for the tests of
// package semantic and of cmd/semantic.
//
// The catalogue has 13 well-known movies. Four groups of users watch
// movies together (crime, space, kids, horror), so co-occurrence has a
// clear answer: The Godfather's best neighbour is Part II. Every user's
// last interaction is a test row that pairs the crime fans with Scream: an
// index that read test rows would make Scream a neighbour of The
// Godfather.
package semantictest

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/tables"
	"github.com/moviegenie/pipeline/pkg/textembed"
)

// Genres are the MovieLens genres, in u.genre order.
var Genres = []string{"unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
	"Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
	"Sci-Fi", "Thriller", "War", "Western"}

// Movie is one movie of the fixture.
type Movie struct {
	ID     int32
	Title  string
	Genres []string
}

// Movies is the fixture's catalogue.
var Movies = []Movie{
	{1, "Godfather, The (1972)", []string{"Crime", "Drama"}},
	{2, "Godfather: Part II, The (1974)", []string{"Crime", "Drama"}},
	{3, "Star Wars (1977)", []string{"Action", "Sci-Fi", "War"}},
	{4, "Empire Strikes Back, The (1980)", []string{"Action", "Sci-Fi", "War"}},
	{5, "Toy Story (1995)", []string{"Animation", "Children's", "Comedy"}},
	{6, "Aladdin (1992)", []string{"Animation", "Children's", "Comedy", "Musical"}},
	{7, "Scream (1996)", []string{"Horror", "Thriller"}},
	{8, "Shining, The (1980)", []string{"Horror"}},
	{9, "Sleepless in Seattle (1993)", []string{"Comedy", "Romance"}},
	{10, "Maltese Falcon, The (1941)", []string{"Film-Noir", "Mystery"}},
	{11, "Kids (1995)", []string{"Drama"}},
	{12, "Twelve Monkeys (1995)", []string{"Drama", "Sci-Fi"}},
	{13, "Alien (1979)", []string{"Horror", "Sci-Fi"}},
}

// Movie ids the tests refer to.
const (
	Godfather    int32 = 1
	GodfatherII  int32 = 2
	StarWars     int32 = 3
	Empire       int32 = 4
	ToyStory     int32 = 5
	Aladdin      int32 = 6
	Scream       int32 = 7
	Shining      int32 = 8
	Sleepless    int32 = 9
	MalteseFalcn int32 = 10
	Kids         int32 = 11
	Monkeys      int32 = 12
	Alien        int32 = 13
)

// groups are the users' train+validation histories, by group, and the
// test movie of every user of the group.
var groups = []struct {
	users int
	watch []int32
	test  int32
}{
	{8, []int32{Godfather, GodfatherII, MalteseFalcn, Monkeys}, Scream},
	{8, []int32{StarWars, Empire, Alien, Monkeys}, ToyStory},
	{8, []int32{ToyStory, Aladdin, Sleepless}, Kids},
	{6, []int32{Scream, Shining, Alien, Kids}, Godfather},
}

// Users is the number of users (ids 1..Users).
const Users = 30

// Inputs returns the fixture in memory: genres, ratings (ordered by user
// then position, with splits), movie features, text embeddings and the
// fitted text encoder, and the users' sequences.
func Inputs() ([]tables.Genre, []tables.Rating, []tables.Sequence, []features.MovieFeature, []features.TextEmbedding, *textembed.Encoder, error) {
	var genres []tables.Genre
	for i, g := range Genres {
		genres = append(genres, tables.Genre{GenreID: int32(i), Name: g})
	}
	var ratings []tables.Rating
	var seqs []tables.Sequence
	counts := map[int32]int{}
	user := int32(0)
	for _, g := range groups {
		for range g.users {
			user++
			items := append(append([]int32{}, g.watch...), g.test)
			seq := tables.Sequence{UserID: user, NTrain: int32(len(g.watch) - 1), NVal: 1, NTest: 1}
			for p, id := range items {
				split := tables.SplitTrain
				switch {
				case p == len(items)-1:
					split = tables.SplitTest
				case p == len(items)-2:
					split = tables.SplitValidation
				}
				if split != tables.SplitTest {
					counts[id]++
				}
				ts := int64(880000000000 + int64(user)*100000 + int64(p)*1000)
				ratings = append(ratings, tables.Rating{UserID: user, MovieID: id, Rating: 4, Timestamp: ts, Position: int32(p), Split: split})
				seq.MovieIDs = append(seq.MovieIDs, id)
				seq.Timestamps = append(seq.Timestamps, ts)
				seq.Ratings = append(seq.Ratings, 4)
			}
			seqs = append(seqs, seq)
		}
	}
	maxCount := 0
	for _, c := range counts {
		maxCount = max(maxCount, c)
	}
	words, err := features.GenreWords()
	if err != nil {
		return nil, nil, nil, nil, nil, nil, err
	}
	var mfs []features.MovieFeature
	var docs []textembed.Document
	for i, m := range Movies {
		hot := make([]float32, len(Genres))
		var desc []string
		for _, g := range m.Genres {
			for j, name := range Genres {
				if name == g {
					hot[j] = 1
				}
			}
			desc = append(desc, g)
			desc = append(desc, words[features.GenreKey(g)]...)
		}
		y, _ := features.TitleYear(m.Title)
		year := int32(y)
		mfs = append(mfs, features.MovieFeature{
			MovieIdx: int32(i + 1), MovieID: m.ID, Title: m.Title, CleanTitle: features.CleanTitle(m.Title),
			Year: &year, GenreMultiHot: hot, TrainCount: int32(counts[m.ID]),
			Popularity:  float32(math.Log1p(float64(counts[m.ID])) / math.Log1p(float64(maxCount))),
			TitleTokens: features.TitleTokens(m.Title),
		})
		docs = append(docs, textembed.Document{{Text: features.CleanTitle(m.Title), Weight: 1}, {Text: strings.Join(desc, " "), Weight: 1}})
	}
	enc, _, err := textembed.Fit(docs, textembed.Options{Dim: 12, Seed: 1, Oversampling: 8, PowerIterations: 2})
	if err != nil {
		return nil, nil, nil, nil, nil, nil, err
	}
	var embs []features.TextEmbedding
	for i, m := range Movies {
		embs = append(embs, features.TextEmbedding{MovieIdx: int32(i + 1), MovieID: m.ID, Embedding: enc.EmbedDocument(docs[i])})
	}
	return genres, ratings, seqs, mfs, embs, enc, nil
}

// Write writes the fixture under dir: dir/processed/{genres,ratings,
// sequences}.parquet and dir/features/{movie_features,text_embeddings}.parquet
// and text_encoder.bin. It returns the two directories.
func Write(dir string) (processed, featuresDir string, err error) {
	genres, ratings, seqs, mfs, embs, enc, err := Inputs()
	if err != nil {
		return "", "", err
	}
	processed, featuresDir = filepath.Join(dir, "processed"), filepath.Join(dir, "features")
	for _, d := range []string{processed, featuresDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", "", err
		}
	}
	steps := []func() error{
		func() error { return tables.Write(filepath.Join(processed, features.GenresFile), genres) },
		func() error { return tables.Write(filepath.Join(processed, features.RatingsFile), ratings) },
		func() error { return tables.Write(filepath.Join(processed, "sequences.parquet"), seqs) },
		func() error { return tables.Write(filepath.Join(featuresDir, features.MovieFeaturesFile), mfs) },
		func() error { return tables.Write(filepath.Join(featuresDir, features.TextEmbeddingsFile), embs) },
		func() error { return enc.Save(filepath.Join(featuresDir, features.TextEncoderFile)) },
	}
	for i, f := range steps {
		if err := f(); err != nil {
			return "", "", fmt.Errorf("semantictest: write fixture file %d: %w", i, err)
		}
	}
	return processed, featuresDir, nil
}
