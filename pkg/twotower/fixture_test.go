package twotower

import (
	"testing"

	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/tables"
	"github.com/moviegenie/pipeline/pkg/twotower/fixture"
)

// world is a fixture (pkg/twotower/fixture) assembled into the model's
// inputs.
type world struct {
	fx          *fixture.World
	sz          Sizes
	users       *Users
	movies      *Movies
	occupations []string
	seqs        []tables.Sequence
	pairs       []Pair
}

// newWorld builds a fixture of U users and N movies (N >= 12) from seed.
func newWorld(U, N int, seed uint64) *world {
	fx := fixture.New(U, N, seed)
	s, err := eval.NewSplit(fx.Sequences)
	if err != nil {
		panic(err)
	}
	in, err := Assemble(s, fx.Occupations, fx.MovieFeatures, fx.UserFeatures, fx.TextEmbeddings, fx.TrainSequences, fx.Pairs)
	if err != nil {
		panic(err)
	}
	return &world{fx: fx, sz: in.Sizes, users: in.Users, movies: in.Movies, occupations: in.Occupations, seqs: fx.Sequences, pairs: in.Pairs}
}

// newWorldNoDemographics is newWorld for data without demographics (every
// release but ML-100K and ML-1M): every user has gender "other", age 0.
func newWorldNoDemographics(U, N int, seed uint64) *world {
	fx := fixture.New(U, N, seed)
	for i := range fx.UserFeatures {
		u := &fx.UserFeatures[i]
		u.GenderIdx, u.Age, u.AgeBucket, u.OccupationIdx, u.ZipRegionIdx = features.NumGenders-1, 0, 0, 0, features.NumZipRegions-1
	}
	s, err := eval.NewSplit(fx.Sequences)
	if err != nil {
		panic(err)
	}
	in, err := Assemble(s, fx.Occupations, fx.MovieFeatures, fx.UserFeatures, fx.TextEmbeddings, fx.TrainSequences, fx.Pairs)
	if err != nil {
		panic(err)
	}
	return &world{fx: fx, sz: in.Sizes, users: in.Users, movies: in.Movies, occupations: in.Occupations, seqs: fx.Sequences, pairs: in.Pairs}
}

// tinyConfig is a model small enough for finite differences over every
// parameter.
func tinyConfig() Config {
	c := DefaultConfig()
	c.EmbeddingDim, c.FeatureDim, c.TextDim = 4, 3, 2
	c.UserLayers, c.ItemLayers = []int{5, 3}, []int{6, 3}
	c.BatchSize = 8
	c.Epochs = 30
	c.InitStd = 0.3
	return c
}

// newTiny returns a model of cfg over w.
func newTiny(t testing.TB, cfg Config, w *world) *Model {
	t.Helper()
	m, err := New(cfg, w.users, w.movies, w.sz)
	if err != nil {
		t.Fatal(err)
	}
	m.Occupations = w.occupations
	return m
}

// writeWorld writes w's tables under dir (fixture.World.Write).
func writeWorld(t testing.TB, w *world, dir string) (processed, feats string) {
	t.Helper()
	processed, feats, err := w.fx.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	return processed, feats
}
