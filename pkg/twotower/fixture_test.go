package twotower

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// world is a small synthetic data set with structure a model can learn:
// users of group g (their gender) mostly watch movies of genre g.
type world struct {
	sz          Sizes
	users       *Users
	movies      *Movies
	occupations []string
	seqs        []tables.Sequence // by user_idx: train, 1 validation, 2 test items
	pairs       []Pair            // the train parts
}

// newWorld builds a world of U users and N movies (N >= 12) from seed.
func newWorld(U, N int, seed uint64) *world {
	rng := rand.New(rand.NewPCG(seed, 99))
	const G, T = 3, 6
	w := &world{
		sz: Sizes{Users: U, Movies: N, Genres: G, TextWidth: T, Genders: features.NumGenders, AgeBuckets: features.NumAgeBuckets,
			Occupations: 4, ZipRegions: features.NumZipRegions, Decades: features.NumDecades},
		occupations: []string{"artist", "engineer", "Writer", "student"},
	}
	mv := &Movies{}
	for n := 0; n < N; n++ {
		mv.MovieIDs = append(mv.MovieIDs, int32(10+3*n))
		hot := make([]float32, G)
		hot[n%G] = 1
		if n%5 == 0 {
			hot[(n+1)%G] = 1
		}
		mv.Genres = append(mv.Genres, hot...)
		mv.Decade = append(mv.Decade, int32(8+n%4))
		for k := 0; k < T; k++ {
			mv.Text = append(mv.Text, float32(rng.NormFloat64())/4)
		}
	}
	us := &Users{}
	for u := 0; u < U; u++ {
		g := int32(u % 2)
		us.UserIDs = append(us.UserIDs, int32(1+2*u))
		us.Gender = append(us.Gender, g)
		us.AgeBucket = append(us.AgeBucket, int32(u%features.NumAgeBuckets))
		us.Occupation = append(us.Occupation, int32(u%4))
		us.ZipRegion = append(us.ZipRegion, int32(u%features.NumZipRegions))
		// A history of 8..11 distinct movies, mostly of genre g.
		n := 8 + rng.IntN(4)
		seen := map[int]bool{}
		var hist []int32
		for len(hist) < n {
			m := rng.IntN(N)
			if m%G != int(g) && rng.Float64() < 0.85 {
				continue
			}
			if !seen[m] {
				seen[m] = true
				hist = append(hist, int32(m))
			}
		}
		nTrain := n - 3
		aff := make([]float32, G)
		for _, m := range hist[:nTrain+1] {
			for k := 0; k < G; k++ {
				aff[k] += mv.Genres[int(m)*G+k]
			}
		}
		for k := range aff {
			aff[k] /= float32(nTrain + 1)
		}
		us.Affinity = append(us.Affinity, aff...)
		ids := make([]int32, n)
		for i, m := range hist {
			ids[i] = mv.MovieIDs[m]
		}
		w.seqs = append(w.seqs, tables.Sequence{UserID: us.UserIDs[u], MovieIDs: ids, Timestamps: make([]int64, n), Ratings: make([]int32, n),
			NTrain: int32(nTrain), NVal: 1, NTest: 2})
		for _, m := range hist[:nTrain] {
			w.pairs = append(w.pairs, Pair{User: int32(u), Movie: m})
		}
	}
	w.users, w.movies = us, mv
	return w
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

// writeWorld writes w as the processed and features tables the stage
// reads, under dir/processed and dir/features.
func writeWorld(t testing.TB, w *world, dir string) (processed, feats string) {
	t.Helper()
	processed, feats = filepath.Join(dir, "processed"), filepath.Join(dir, "features")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(tables.Write(filepath.Join(processed, SequencesFile), w.seqs))
	var occ []tables.Occupation
	for i, n := range w.occupations {
		occ = append(occ, tables.Occupation{OccupationID: int32(i), Name: n})
	}
	must(tables.Write(filepath.Join(processed, OccupationsFile), occ))
	G, T := w.sz.Genres, w.sz.TextWidth
	var mf []features.MovieFeature
	var te []features.TextEmbedding
	for n, id := range w.movies.MovieIDs {
		mf = append(mf, features.MovieFeature{MovieIdx: int32(n + 1), MovieID: id, Title: "m", CleanTitle: "m",
			DecadeIdx: w.movies.Decade[n], GenreMultiHot: w.movies.Genres[n*G : (n+1)*G], TitleTokens: []string{"m"}})
		te = append(te, features.TextEmbedding{MovieIdx: int32(n + 1), MovieID: id, Embedding: w.movies.Text[n*T : (n+1)*T]})
	}
	must(tables.Write(filepath.Join(feats, features.MovieFeaturesFile), mf))
	must(tables.Write(filepath.Join(feats, features.TextEmbeddingsFile), te))
	var uf []features.UserFeature
	var ts []features.TrainSequence
	var pr []features.Pair
	us := w.users
	idx := map[int32]int32{}
	for n, id := range w.movies.MovieIDs {
		idx[id] = int32(n + 1)
	}
	for i, id := range us.UserIDs {
		uf = append(uf, features.UserFeature{UserIdx: int32(i), UserID: id, GenderIdx: us.Gender[i], AgeBucket: us.AgeBucket[i],
			OccupationIdx: us.Occupation[i], ZipRegionIdx: us.ZipRegion[i], GenreAffinity: us.Affinity[i*G : (i+1)*G]})
		q := w.seqs[i]
		tsq := features.TrainSequence{UserIdx: int32(i), UserID: id}
		for k, m := range q.MovieIDs[:q.NTrain+q.NVal] {
			if k < int(q.NTrain) {
				tsq.Items = append(tsq.Items, idx[m])
				pr = append(pr, features.Pair{UserIdx: int32(i), MovieIdx: idx[m], Rating: 4, Position: int32(k)})
			} else {
				tsq.ValItems = append(tsq.ValItems, idx[m])
			}
		}
		ts = append(ts, tsq)
	}
	must(tables.Write(filepath.Join(feats, features.UserFeaturesFile), uf))
	must(tables.Write(filepath.Join(feats, features.TrainSequencesFile), ts))
	must(tables.Write(filepath.Join(feats, features.PairsFile), pr))
	return processed, feats
}
