package movielens

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// load reads a fixture dataset of testdata/ whole: meta and ratings.
func load(t *testing.T, dir, format string) (*Meta, []RatingRow) {
	t.Helper()
	f, err := Lookup(format)
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewSource(dir, f)
	if err != nil {
		t.Fatal(err)
	}
	meta, err := src.LoadMeta()
	if err != nil {
		t.Fatal(err)
	}
	var in Input
	r, err := src.OpenRatings(&in)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var rows []RatingRow
	if err := ScanRatings(src.Ratings, r, f, func(_ int, row RatingRow) error { rows = append(rows, row); return nil }); err != nil {
		t.Fatal(err)
	}
	return meta, rows
}

func byID(movies []tables.Movie) map[int32]tables.Movie {
	out := map[int32]tables.Movie{}
	for _, m := range movies {
		out[m.MovieID] = m
	}
	return out
}

func TestML1MFixture(t *testing.T) {
	meta, rows := load(t, "testdata/ml-1m", ML1M)
	if meta.Encoding != Latin1 {
		t.Errorf("got encoding %s, want %s", meta.Encoding, Latin1)
	}
	m := byID(meta.Movies)
	if got := m[3].Title; got != "Misérables, Les (1995)" {
		t.Errorf("got title %q, want the Latin-1 é decoded", got)
	}
	if got := m[4]; got.Title != "Star Wars: Episode IV - A New Hope (1977)" || *got.Year != 1977 {
		t.Errorf("got %q year %v, want Star Wars 1977", got.Title, deref(got.Year))
	}
	if got, want := m[1].Genres, []string{"Animation", "Children's", "Comedy"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got genres %q, want %q", got, want)
	}
	if len(meta.Genres) != 9 || meta.Genres[0] != "Action" {
		t.Errorf("got genres %q, want the 9 used, sorted", meta.Genres)
	}
	u := meta.Users[1]
	if *u.Age != 56 || *u.Gender != "M" || *u.Occupation != "self-employed" || *u.ZipCode != "70072" {
		t.Errorf("got user 2 %v %v %v %v, want 56 M self-employed 70072", *u.Age, *u.Gender, *u.Occupation, *u.ZipCode)
	}
	if len(meta.Occupations) != 21 {
		t.Errorf("got %d occupations, want 21", len(meta.Occupations))
	}
	if want := (RatingRow{User: 1, Movie: 3, Rating: 3, Time: 978302109}); rows[1] != want || len(rows) != 6 {
		t.Errorf("got %d rows, row 2 %+v, want 6 and %+v", len(rows), rows[1], want)
	}
}

func TestML10MFixture(t *testing.T) {
	meta, rows := load(t, "testdata/ml-10m", ML10M)
	if meta.Users != nil {
		t.Errorf("got %d users, want none (ML-10M has no users file)", len(meta.Users))
	}
	if g := byID(meta.Movies)[8606].Genres; len(g) != 0 {
		t.Errorf("got genres %q for (no genres listed), want none", g)
	}
	var got []float32
	for _, r := range rows {
		got = append(got, r.Rating)
	}
	if want := []float32{5, 3.5, 0.5, 4.5}; !reflect.DeepEqual(got, want) {
		t.Errorf("got ratings %v, want half stars kept exactly %v", got, want)
	}
	tags := meta.Tags.Rows(nil)
	want := []tables.Tag{{MovieID: 1, Tag: "Pixar", Count: 2}, {MovieID: 1, Tag: "excellent!", Count: 1}, {MovieID: 2, Tag: "pixar animation", Count: 1}}
	if !reflect.DeepEqual(tags, want) {
		t.Errorf("got tags %+v, want %+v", tags, want)
	}
}

func TestML25MFixture(t *testing.T) {
	meta, rows := load(t, "testdata/ml-25m", ML25M)
	m := byID(meta.Movies)
	for id, want := range map[int32]string{
		11:     "American President, The (1995)",
		58:     "Postman, The (Postino, Il) (1994)",
		120869: `"Weird Al" Yankovic: The Ultimate Video Collection (2003)`,
		182727: "Ōkami (2008)",
	} {
		if m[id].Title != want {
			t.Errorf("movie %d: got title %q, want %q", id, m[id].Title, want)
		}
	}
	if g := m[79132].Genres; g[len(g)-1] != "Thriller" || !strings.Contains(strings.Join(g, "|"), "IMAX") {
		t.Errorf("got Inception genres %q, want IMAX among them, in genres-table order", g)
	}
	if g := m[182727].Genres; len(g) != 0 {
		t.Errorf("got %q, want no genres for (no genres listed)", g)
	}
	if m[196869].Year != nil || *m[200000].Year != 1995 || *m[58].Year != 1994 {
		t.Errorf("got years %v %v %v, want nil (no year in title), 1995 (range), 1994", deref(m[196869].Year), deref(m[200000].Year), deref(m[58].Year))
	}
	if u := m[1].IMDbURL; u == nil || *u != "https://www.imdb.com/title/tt0114709/" || *m[1].TMDbID != 862 || m[171011].TMDbID != nil {
		t.Errorf("got IMDb %v TMDb %v / %v, want links.csv applied (empty tmdbId = null)", m[1].IMDbURL, m[1].TMDbID, m[171011].TMDbID)
	}
	if meta.Users != nil || len(meta.Occupations) != 0 {
		t.Errorf("got %d users %d occupations, want none", len(meta.Users), len(meta.Occupations))
	}
	var ratings []float32
	for _, r := range rows {
		ratings = append(ratings, r.Rating)
	}
	if want := []float32{4, 3.5, 0.5, 5, 4.5, 3, 2.5, 5, 1.5}; !reflect.DeepEqual(ratings, want) {
		t.Errorf("got ratings %v, want %v", ratings, want)
	}
	tags := meta.Tags.Rows(nil)
	want := []tables.Tag{{MovieID: 1, Tag: "pixar, funny", Count: 1}, {MovieID: 58, Tag: `"quoted" tag`, Count: 1},
		{MovieID: 79132, Tag: "space", Count: 2}, {MovieID: 79132, Tag: "dreamlike", Count: 1}}
	if !reflect.DeepEqual(tags, want) || meta.Tags.Empty != 1 {
		t.Errorf("got tags %+v (%d empty), want %+v (1 empty)", tags, meta.Tags.Empty, want)
	}
}

func TestOwnCSVFixture(t *testing.T) {
	meta, rows := load(t, "testdata/csv", CSV)
	m := byID(meta.Movies)
	if m[10].Title != "Heat, Again (1995)" || len(m[20].Genres) != 0 || m[30].Year != nil {
		t.Errorf("got %+v", meta.Movies)
	}
	if len(meta.Users) != 2 || *meta.Users[0].Occupation != "nurse" || meta.Users[1].HasDemographics() {
		t.Errorf("got users %+v, want 7 with demographics and 8 without", meta.Users)
	}
	if rows[1].Rating != 0.25 || rows[2].Rating != 9.5 {
		t.Errorf("got ratings %v %v, want any number kept (0.25, 9.5)", rows[1].Rating, rows[2].Rating)
	}
	// users.csv is optional.
	dir := t.TempDir()
	for _, n := range []string{"movies.csv", "ratings.csv"} {
		data, _ := os.ReadFile(filepath.Join("testdata/csv", n))
		os.WriteFile(filepath.Join(dir, n), data, 0o644)
	}
	meta, _ = load(t, dir, CSV)
	if meta.Users != nil {
		t.Errorf("got %d users without users.csv, want none", len(meta.Users))
	}
}

// TestMalformedFormats: every reader names file:line and what is wrong.
func TestMalformedFormats(t *testing.T) {
	f25, _ := Lookup(ML25M)
	f10, _ := Lookup(ML10M)
	f1, _ := Lookup(ML1M)
	own, _ := Lookup(CSV)
	scan := func(f *Format, file string) func(string) error {
		return func(s string) error {
			return ScanRatings(file, strings.NewReader(s), f, func(int, RatingRow) error { return nil })
		}
	}
	known := func(int32) bool { return true }
	for _, tc := range []struct {
		name string
		read func(string) error
		in   string
		want string
	}{
		{"csv header", scan(f25, "ratings.csv"), "user,movie,rating,timestamp\n", `ratings.csv:1: header "user,movie,rating,timestamp": want "userId,movieId,rating,timestamp"`},
		{"csv fields", scan(f25, "ratings.csv"), "userId,movieId,rating,timestamp\n1,2,3\n", "ratings.csv:2: want 4 comma-separated fields"},
		{"csv half star", scan(f25, "ratings.csv"), "userId,movieId,rating,timestamp\n1,2,3.3,1147880044\n", `ratings.csv:2: rating "3.3": want 0.5..5.0 in steps of 0.5`},
		{"csv zero", scan(f25, "ratings.csv"), "userId,movieId,rating,timestamp\n1,2,0,1147880044\n", `ratings.csv:2: rating "0": want 0.5..5.0`},
		{"csv user", scan(f25, "ratings.csv"), "userId,movieId,rating,timestamp\n-1,2,3,1147880044\n", "ratings.csv:2: user id -1: want a positive integer"},
		{"csv timestamp", scan(f25, "ratings.csv"), "userId,movieId,rating,timestamp\n1,2,3,1e9\n", `ratings.csv:2: timestamp "1e9": not an integer`},
		{"csv truncated", scan(f25, "ratings.csv"), "userId,movieId,rating,timestamp\n1,2,3,1147880044", "ratings.csv:2: last line"},
		{"csv blank inside", scan(f25, "ratings.csv"), "userId,movieId,rating,timestamp\n\n1,2,3,1147880044\n", "ratings.csv:2: blank line inside the file"},
		{"dat separator", scan(f1, "ratings.dat"), "1\t2\t3\t978300760\n", `ratings.dat:1: want 4 "::"-separated fields (user, movie, rating, timestamp), got 1 (separated by tabs?)`},
		{"dat whole star", scan(f1, "ratings.dat"), "1::2::3.5::978300760\n", `ratings.dat:1: rating "3.5": want a whole number 1..5`},
		{"dat ten half", scan(f10, "ratings.dat"), "1::2::5.5::978300760\n", `ratings.dat:1: rating "5.5": want 0.5..5.0`},
		{"own rating", scan(own, "ratings.csv"), "user_id,movie_id,rating,timestamp\n1,2,NaN,978300760\n", `ratings.csv:2: rating "NaN": not a number`},
		{"own header", scan(own, "ratings.csv"), "userId,movieId,rating,timestamp\n", `ratings.csv:1: header "userId,movieId,rating,timestamp": want "user_id,movie_id,rating,timestamp"`},

		{"movies.csv unquoted comma", func(s string) error { _, err := ReadMoviesCSV("movies.csv", []byte(s), false); return err },
			"movieId,title,genres\n11,American President, The (1995),Comedy\n", "movies.csv:2: want 3 comma-separated fields (movieId, title, genres), got 4 (a title with commas must be in double quotes)"},
		{"movies.csv bare quote", func(s string) error { _, err := ReadMoviesCSV("movies.csv", []byte(s), false); return err },
			"movieId,title,genres\n1,\"Toy \"Story\" (1995)\",Comedy\n", "movies.csv:2: extraneous or missing \" in quoted-field"},
		{"movies.csv empty genre", func(s string) error { _, err := ReadMoviesCSV("movies.csv", []byte(s), false); return err },
			"movieId,title,genres\n1,Toy Story (1995),Comedy||Drama\n", `movies.csv:2: genres "Comedy||Drama": empty genre name`},
		{"movies.csv duplicate", func(s string) error { _, err := ReadMoviesCSV("movies.csv", []byte(s), false); return err },
			"movieId,title,genres\n1,A,Comedy\n1,B,Drama\n", "movies.csv:3: duplicate movie id 1 (first at line 2)"},
		{"movies.csv latin-1", func(s string) error { _, err := ReadMoviesCSV("movies.csv", []byte(s), false); return err },
			"movieId,title,genres\n1,A,Comedy\n2,Mis\xe9rables,Drama\n", "movies.csv:3: not valid UTF-8"},
		{"movies.dat fields", func(s string) error { _, _, err := ReadMoviesDat("movies.dat", []byte(s)); return err },
			"1::Toy Story (1995)\n", `movies.dat:1: want 3 "::"-separated fields (id, title, genres), got 2`},
		{"users.dat age", func(s string) error { _, err := ReadUsersDat("users.dat", []byte(s)); return err },
			"1::F::1::10::48067\n2::M::30::16::70072\n", "users.dat:2: age \"30\": want one of the age codes"},
		{"users.dat occupation", func(s string) error { _, err := ReadUsersDat("users.dat", []byte(s)); return err },
			"1::F::1::21::48067\n", `users.dat:1: occupation "21": want a code 0..20`},
		{"users.csv gender", func(s string) error { _, err := ReadUsersCSV("users.csv", []byte(s)); return err },
			"user_id,age,gender,occupation,zip_code\n1,20,X,,\n", `users.csv:2: gender "X": want M, F or empty`},
		{"tags.csv movie", func(s string) error {
			return ReadTags("tags.csv", []byte(s), SyntaxCSV, func(m int32) bool { return m == 1 }, &TagCounter{})
		}, "userId,movieId,tag,timestamp\n1,1,a,1\n1,2,b,1\n", "tags.csv:3: movie 2: not in the movies file"},
		{"tags.dat fields", func(s string) error { return ReadTags("tags.dat", []byte(s), SyntaxDat, known, &TagCounter{}) },
			"1::2::x\n", `tags.dat:1: want 4 "::"-separated fields`},
		{"links.csv imdb", func(s string) error { _, err := ReadLinks("links.csv", []byte(s)); return err },
			"movieId,imdbId,tmdbId\n1,tt0114709,862\n", `links.csv:2: imdbId "tt0114709": want digits`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.read(tc.in)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got error %v, want it to start with %q", err, tc.want)
			}
			var le *LineError
			if !errors.As(err, &le) {
				t.Errorf("got %T, want a *LineError", err)
			}
		})
	}
}

func TestTitleYear(t *testing.T) {
	for _, tc := range []struct {
		title string
		want  int32
	}{
		{"Toy Story (1995)", 1995},
		{"Land Before Time III: The Time of the Great Giving (1995) (V)", 1995},
		{"Return of the Jedi (1983)", 1983},
		{"1900 (Novecento) (1976)", 1976},
		{"(500) Days of Summer (2009)", 2009},
		{"Babylon 5", 0},
		{"Pride and Prejudice (1995–1995)", 1995},
		{"Cosmos (1980-)", 1980},
		{"No Date (1987) ", 1987},
		{"unknown", 0},
		{"Odd (123)", 0},
		{"Future (3000)", 0},
	} {
		got, ok := TitleYear(tc.title)
		if got != tc.want || ok != (tc.want != 0) {
			t.Errorf("TitleYear(%q): got %d %v, want %d", tc.title, got, ok, tc.want)
		}
	}
}

func TestLookup(t *testing.T) {
	for _, n := range []string{ML100K, ML1M, ML10M, ML20M, ML25M, ML32M, MLLatestSmall, MLLatest, CSV} {
		if _, err := Lookup(n); err != nil {
			t.Errorf("Lookup(%q): %v", n, err)
		}
	}
	if _, err := Lookup("ml-2m"); err == nil || !strings.Contains(err.Error(), "ml-25m") {
		t.Errorf("got %v, want an error listing the datasets", err)
	}
}
