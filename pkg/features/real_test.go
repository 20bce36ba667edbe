package features

import (
	"sort"
	"testing"

	"github.com/moviegenie/pipeline/pkg/movielens"
	"github.com/moviegenie/pipeline/pkg/realdata"
	"github.com/moviegenie/pipeline/pkg/split"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// realInputs runs the process stage's steps in memory (seed params:
// k-core 20/5, temporal split 0.2) on the real data.
func realInputs(t testing.TB) *Inputs {
	t.Helper()
	ds, err := movielens.Load(realdata.Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	kept, _ := split.KCore(ds.Ratings, 20, 5)
	split.Order(kept)
	if _, _, err := split.Assign(kept, split.Temporal, 0.2); err != nil {
		t.Fatal(err)
	}
	in := &Inputs{Ratings: kept}
	for i, g := range ds.Genres {
		in.Genres = append(in.Genres, tables.Genre{GenreID: int32(i), Name: g})
	}
	for i, o := range ds.Occupations {
		in.Occupations = append(in.Occupations, tables.Occupation{OccupationID: int32(i), Name: o})
	}
	users, movies := map[int32]bool{}, map[int32]bool{}
	for _, r := range kept {
		users[r.UserID], movies[r.MovieID] = true, true
	}
	for _, m := range ds.Movies {
		if movies[m.MovieID] {
			in.Movies = append(in.Movies, m)
		}
	}
	for _, u := range ds.Users {
		if users[u.UserID] {
			in.Users = append(in.Users, u)
		}
	}
	return in
}

func realConfig() Config {
	return Config{EmbeddingDim: 512, MaxSequenceLength: 50, Seed: 42, SVDOversampling: 32, SVDPowerIterations: 2, TitleWeight: 1}
}

// TestRealTitleQueries: for the 20 most rated movies of ML-100K, the
// movie's own title as a query ranks that movie first among those 20
// movies' text embeddings.
func TestRealTitleQueries(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the features of ML-100K")
	}
	in := realInputs(t)
	o, err := Build(in, realConfig())
	if err != nil {
		t.Fatal(err)
	}
	if len(o.MovieFeatures) != 1349 || len(o.UserFeatures) != 941 || o.Stats.MaskIdx != 1350 {
		t.Errorf("got %d movies, %d users, mask %d, want 1349, 941, 1350", len(o.MovieFeatures), len(o.UserFeatures), o.Stats.MaskIdx)
	}
	ts := o.Stats.Text
	if ts.Dim != 512 {
		t.Errorf("got effective dim %d, want 512", ts.Dim)
	}
	t.Logf("vocabulary %d, dim %d, explained variance %.4f, text encoder %.2fs; title query hit@1: top-20 within top-20 %.2f, top-100 within all %.2f",
		ts.Vocabulary, ts.Dim, ts.ExplainedVariance, o.Stats.TextSeconds, o.Stats.TitleQueryTop20Within20, o.Stats.TitleQueryTop100WithinAll)

	// Most rated over all kept interactions, test part included: this is
	// the test's choice of movies, not a feature.
	count := map[int32]int{}
	for _, r := range in.Ratings {
		count[r.MovieID]++
	}
	idx := make([]int, len(o.MovieFeatures))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return count[o.MovieFeatures[idx[a]].MovieID] > count[o.MovieFeatures[idx[b]].MovieID]
	})
	top := idx[:20]
	for _, i := range top {
		m := o.MovieFeatures[i]
		q := o.Encoder.Embed(m.Title)
		self := dot32(q, o.TextEmbeddings[i].Embedding)
		for _, j := range top {
			if j != i && dot32(q, o.TextEmbeddings[j].Embedding) >= self {
				t.Errorf("query %q: %q scores %.4f, at least the movie's own %.4f", m.Title, o.MovieFeatures[j].Title, dot32(q, o.TextEmbeddings[j].Embedding), self)
			}
		}
	}
}

// BenchmarkBuildML100K is the stage's compute on ML-100K (1349 movies, 941
// users, 79,408 history interactions, 512 dimensions), inputs in memory.
func BenchmarkBuildML100K(b *testing.B) {
	in := realInputs(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o, err := Build(in, realConfig())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(o.Stats.TextSeconds, "text-s")
		b.ReportMetric(o.Stats.Text.ExplainedVariance, "explained")
	}
}

// BenchmarkReadBuildWriteML100K is the whole stage on ML-100K, from the
// processed parquet files to the written outputs.
func BenchmarkReadBuildWriteML100K(b *testing.B) {
	dir := b.TempDir()
	writeInputs(b, dir, realInputs(b))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in, err := ReadInputs(dir)
		if err != nil {
			b.Fatal(err)
		}
		o, err := Build(in, realConfig())
		if err != nil {
			b.Fatal(err)
		}
		if err := o.Write(b.TempDir()); err != nil {
			b.Fatal(err)
		}
	}
}
