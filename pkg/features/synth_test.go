package features

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/moviegenie/pipeline/pkg/tables"
)

var mlGenres = []string{"unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
	"Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi",
	"Thriller", "War", "Western"}

var synthTitles = []string{
	"Toy Story (1995)", "Usual Suspects, The (1995)", "Misérables, Les (1995)", "Seven (Se7en) (1995)",
	"City of Lost Children, The (Cité des enfants perdus, La) (1995)", "unknown", "Enfer, L' (1994)",
	"Land Before Time III: The Time of the Great Giving (1995) (V)", "Godfather, The (1972)",
	"Star Wars (1977)", "Fargo (1996)", "Scream (1996)", "Casablanca (1942)", "Nosferatu (1922)",
	"Other Voices, Other Rooms (1997)", "Alien (1979)", "Heat (1995)", "Babe (1995)", "Jaws (1975)",
	"Psycho (1960)", "Vertigo (1958)", "Rocky (1976)", "Grease (1978)", "Clueless (1995)",
	"Titanic (1997)", "Speed (1994)", "Ran (1985)", "Brazil (1985)", "Big (1988)", "Shine (1996)",
}

func i32(v int32) *int32 { return &v }

// synthInputs builds a small but complete processed dataset, split as the
// process stage splits (temporal, ratio 0.2: last max(1, round(0.2 n))
// interactions test, the one before validation, the rest train).
func synthInputs(seed uint64) *Inputs {
	rng := rand.New(rand.NewPCG(seed, 3))
	in := &Inputs{}
	for i, g := range mlGenres {
		in.Genres = append(in.Genres, tables.Genre{GenreID: int32(i), Name: g})
	}
	for i, o := range []string{"artist", "engineer", "student", "other", "writer"} {
		in.Occupations = append(in.Occupations, tables.Occupation{OccupationID: int32(i), Name: o})
	}
	for i, title := range synthTitles {
		m := tables.Movie{MovieID: int32(10 + 3*i), Title: title, Genres: []string{}}
		if i%4 != 0 { // some movies have no year in the table: the title gives it
			if y, ok := TitleYear(title); ok {
				m.Year = i32(int32(y))
			}
		}
		if title != "unknown" {
			used := map[int]bool{}
			for j := 0; j < 1+rng.IntN(3); j++ {
				used[1+rng.IntN(len(mlGenres)-1)] = true
			}
			for g := range mlGenres { // u.genre order
				if used[g] {
					m.Genres = append(m.Genres, mlGenres[g])
				}
			}
		} else {
			m.Genres = []string{"unknown"}
		}
		in.Movies = append(in.Movies, m)
	}
	zips := []string{"55105", "02139", "L9G2B", "94110", "00000", "V3N4P", "10003", "98101", "60614", "33101", "  7", "E2A4H"}
	for u := 0; u < 12; u++ {
		in.Users = append(in.Users, tables.NewUser(int32(100+7*u), int32(10+6*u), []string{"M", "F"}[u%2], in.Occupations[u%len(in.Occupations)].Name, zips[u]))
	}
	for _, u := range in.Users {
		n := 5 + rng.IntN(20)
		perm := rng.Perm(len(in.Movies))[:n]
		nTest := max(1, int(float64(n)*0.2+0.5))
		ts := int64(880000000000)
		for p, mi := range perm {
			ts += int64(rng.IntN(3)) * 1000
			split := tables.SplitTrain
			switch {
			case p >= n-nTest:
				split = tables.SplitTest
			case p == n-nTest-1:
				split = tables.SplitValidation
			}
			in.Ratings = append(in.Ratings, tables.Rating{
				UserID: u.UserID, MovieID: in.Movies[mi].MovieID, Rating: float32(1 + rng.IntN(5)),
				Timestamp: ts, Position: int32(p), Split: split,
			})
		}
	}
	return in
}

// writeInputs writes in as the process stage would, into dir.
func writeInputs(t testing.TB, dir string, in *Inputs) {
	t.Helper()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(tables.Write(filepath.Join(dir, GenresFile), in.Genres))
	check(tables.Write(filepath.Join(dir, OccupationsFile), in.Occupations))
	check(tables.Write(filepath.Join(dir, MoviesFile), in.Movies))
	check(tables.Write(filepath.Join(dir, UsersFile), in.Users))
	check(tables.Write(filepath.Join(dir, RatingsFile), in.Ratings))
}

func testConfig() Config {
	return Config{EmbeddingDim: 16, MaxSequenceLength: 4, Seed: 42, SVDOversampling: 8, SVDPowerIterations: 2, TitleWeight: 1}
}
