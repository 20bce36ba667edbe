package db

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"testing"

	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// fullTextRow is a row of text_embeddings.parquet as the features stage
// writes it (with movie_idx, which the database does not keep).
type fullTextRow struct {
	MovieIdx  int32     `parquet:"name=movie_idx, type=INT32"`
	MovieID   int32     `parquet:"name=movie_id, type=INT32"`
	Embedding []float32 `parquet:"name=embedding, type=LIST, valuetype=FLOAT"`
}

// fixture is a set of inputs held in memory, so a test can spoil one value
// before writing them.
type fixture struct {
	genres      []tables.Genre
	occupations []tables.Occupation
	movies      []tables.Movie
	users       []tables.User
	ratings     []tables.Rating
	recs        map[string][]eval.Rec
	vectors     map[string][]VectorRow
	text        []fullTextRow
	runs        []*runmetrics.File
}

func i32p(v int32) *int32   { return &v }
func strp(v string) *string { return &v }

// smallFixture is a hand-made catalogue whose statistics are easy to work
// out: see TestBuildSmall.
func smallFixture() *fixture {
	return &fixture{
		genres:      []tables.Genre{{GenreID: 0, Name: "unknown"}, {GenreID: 1, Name: "Action"}, {GenreID: 2, Name: "Comedy"}, {GenreID: 3, Name: "Drama"}},
		occupations: []tables.Occupation{{OccupationID: 0, Name: "artist"}, {OccupationID: 1, Name: "engineer"}},
		movies: []tables.Movie{
			{MovieID: 1, Title: "Toy Story (1995)", Year: i32p(1995), ReleaseDate: i32p(9131), IMDbURL: strp("http://imdb/1"), Genres: []string{"Comedy"}},
			{MovieID: 2, Title: "GoldenEye (1995)", Year: i32p(1995), ReleaseDate: i32p(9131), Genres: []string{"Action"}},
			{MovieID: 3, Title: "Four Rooms (1995)", Genres: []string{"Comedy", "Drama"}},
			{MovieID: 4, Title: "Unrated (1996)", Year: i32p(1996), Genres: []string{"Drama"}},
		},
		users: []tables.User{
			tables.NewUser(1, 24, "M", "engineer", "85711"),
			tables.NewUser(2, 53, "F", "artist", "T8H1N"),
			tables.NewUser(3, 30, "F", "artist", "02139"),
		},
		ratings: []tables.Rating{
			{UserID: 1, MovieID: 1, Rating: 5, Timestamp: 874965758000, Position: 0, Split: "train"},
			{UserID: 1, MovieID: 3, Rating: 4, Timestamp: 874965759000, Position: 1, Split: "validation"},
			{UserID: 1, MovieID: 2, Rating: 2, Timestamp: 874965760000, Position: 2, Split: "test"},
			{UserID: 2, MovieID: 2, Rating: 4, Timestamp: 875000000000, Position: 0, Split: "train"},
			{UserID: 2, MovieID: 1, Rating: 3, Timestamp: 875000001000, Position: 1, Split: "validation"},
			{UserID: 2, MovieID: 3, Rating: 1, Timestamp: 875000002000, Position: 2, Split: "test"},
			{UserID: 3, MovieID: 3, Rating: 3, Timestamp: 880000000000, Position: 0, Split: "train"},
			{UserID: 3, MovieID: 1, Rating: 2, Timestamp: 880000000000, Position: 1, Split: "test"},
		},
		recs: map[string][]eval.Rec{
			"bert4rec": {
				{UserID: 1, Rank: 1, MovieID: 4, Score: 0.9}, {UserID: 1, Rank: 2, MovieID: 2, Score: 0.5},
				{UserID: 2, Rank: 1, MovieID: 3, Score: 0.7},
			},
			"twotower": {{UserID: 3, Rank: 1, MovieID: 4, Score: 1.5}},
		},
		vectors: map[string][]VectorRow{
			"twotower": {{MovieID: 1, Vector: []float32{1, 0}}, {MovieID: 2, Vector: []float32{0, 1}}, {MovieID: 4, Vector: []float32{-0.5, 0.25}}},
		},
		text: []fullTextRow{
			{MovieIdx: 1, MovieID: 1, Embedding: []float32{0.1, 0.2, 0.3}},
			{MovieIdx: 2, MovieID: 2, Embedding: []float32{0.4, 0.5, 0.6}},
		},
		runs: []*runmetrics.File{
			{Stage: "process", ParamsHash: "abc", StartedAt: "2025-01-01T00:00:00Z", FinishedAt: "2025-01-01T00:00:01Z",
				Rows: map[string]int64{"ratings": 8}, Params: map[string]any{"split": "temporal"},
				Figures: map[string]any{"dataset": "ml-25m"}},
			// The twotower run lists its recs file as an output; the
			// checksum is filled in by write.
			{Stage: "train-twotower", ParamsHash: "def", StartedAt: "2025-01-01T00:00:02Z", FinishedAt: "2025-01-01T00:00:03Z",
				Models: map[string]map[string]float64{"twotower": {"ndcg@10": 0.05}}},
			{Stage: ownStage, ParamsHash: "old", StartedAt: "2024-01-01T00:00:00Z", FinishedAt: "2024-01-01T00:00:00Z"},
		},
	}
}

// syntheticFixture is a random catalogue the size of ML-100K after the
// k-core filter when called with (seed, 941, 1349, 105, 2, 100, 128).
func syntheticFixture(seed int64, nUsers, nMovies, perUser, nModels, recsPerUser, dim int) *fixture {
	rng := rand.New(rand.NewSource(seed))
	f := &fixture{recs: map[string][]eval.Rec{}, vectors: map[string][]VectorRow{}}
	genreNames := []string{"unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary",
		"Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western"}
	for i, g := range genreNames {
		f.genres = append(f.genres, tables.Genre{GenreID: int32(i), Name: g})
	}
	occNames := []string{"administrator", "artist", "doctor", "educator", "engineer", "entertainment", "executive",
		"healthcare", "homemaker", "lawyer", "librarian", "marketing", "none", "other", "programmer", "retired",
		"salesman", "scientist", "student", "technician", "writer"}
	for i, o := range occNames {
		f.occupations = append(f.occupations, tables.Occupation{OccupationID: int32(i), Name: o})
	}
	for m := 1; m <= nMovies; m++ {
		var gs []string
		for g := 1; g < len(genreNames); g++ {
			if rng.Intn(8) == 0 {
				gs = append(gs, genreNames[g])
			}
		}
		if len(gs) == 0 {
			gs = []string{genreNames[1+rng.Intn(len(genreNames)-1)]}
		}
		y := int32(1930 + rng.Intn(68))
		f.movies = append(f.movies, tables.Movie{MovieID: int32(m), Title: fmt.Sprintf("Movie %d (%d)", m, y), Year: &y,
			ReleaseDate: i32p(int32((int(y)-1970)*365 + rng.Intn(365))), IMDbURL: strp(fmt.Sprintf("http://imdb/%d", m)), Genres: gs})
	}
	for u := 1; u <= nUsers; u++ {
		g := "M"
		if rng.Intn(3) == 0 {
			g = "F"
		}
		f.users = append(f.users, tables.NewUser(int32(u), int32(7+rng.Intn(66)), g, occNames[rng.Intn(len(occNames))], fmt.Sprintf("%05d", rng.Intn(100000))))
		n := perUser/2 + rng.Intn(perUser+1)
		if n > nMovies {
			n = nMovies
		}
		ts := int64(874724710+rng.Intn(1000000)) * 1000
		nTest := max(1, (n+2)/5)
		for pos, mi := range rng.Perm(nMovies)[:n] {
			split := tables.SplitTrain
			switch {
			case pos >= n-nTest:
				split = tables.SplitTest
			case pos == n-nTest-1:
				split = tables.SplitValidation
			}
			ts += int64(rng.Intn(3)) * 1000
			f.ratings = append(f.ratings, tables.Rating{UserID: int32(u), MovieID: int32(mi + 1), Rating: float32(1 + rng.Intn(5)),
				Timestamp: ts, Position: int32(pos), Split: split})
		}
	}
	for k := 0; k < nModels; k++ {
		model := fmt.Sprintf("model%d", k)
		var recs []eval.Rec
		for u := 1; u <= nUsers; u++ {
			for r, mi := range rng.Perm(nMovies)[:recsPerUser] {
				recs = append(recs, eval.Rec{UserID: int32(u), Rank: int32(r + 1), MovieID: int32(mi + 1), Score: float32(recsPerUser - r)})
			}
		}
		f.recs[model] = recs
		var vecs []VectorRow
		for m := 1; m <= nMovies; m++ {
			v := make([]float32, dim)
			for i := range v {
				v[i] = float32(rng.NormFloat64())
			}
			vecs = append(vecs, VectorRow{MovieID: int32(m), Vector: v})
		}
		f.vectors[model] = vecs
	}
	return f
}

// write writes the fixture under root in the pipeline's layout
// (processed/, recs/, vectors/, features/, metrics/) and returns the
// inputs FindInputs finds there.
func (f *fixture) write(tb testing.TB, root string) Inputs {
	tb.Helper()
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	p := func(parts ...string) string { return filepath.Join(append([]string{root}, parts...)...) }
	must(tables.Write(p("processed", "genres.parquet"), f.genres))
	must(tables.Write(p("processed", "occupations.parquet"), f.occupations))
	must(tables.Write(p("processed", "movies.parquet"), f.movies))
	must(tables.Write(p("processed", "users.parquet"), f.users))
	must(tables.Write(p("processed", "ratings.parquet"), f.ratings))
	var recsInfo []runmetrics.FileInfo
	for model, rows := range f.recs {
		must(tables.Write(p("recs", model+".parquet"), rows))
		fi, err := runmetrics.Describe(p("recs", model+".parquet"))
		must(err)
		if model == "twotower" {
			recsInfo = append(recsInfo, fi)
		}
	}
	for model, rows := range f.vectors {
		must(tables.Write(p("vectors", model+"_movies.parquet"), rows))
	}
	if f.text != nil {
		must(tables.Write(p("features", "text_embeddings.parquet"), f.text))
	}
	for _, r := range f.runs {
		rec := runmetrics.Start(r.Stage)
		rec.File = *r
		rec.SchemaVersion = runmetrics.SchemaVersion
		if r.Stage == "train-twotower" {
			rec.Outputs = recsInfo
		}
		must(rec.Finish(p("metrics", r.Stage+".json")))
	}
	in, err := FindInputs(p("processed"), p("recs"), p("vectors"), p("features"), p("metrics"))
	must(err)
	return in
}
