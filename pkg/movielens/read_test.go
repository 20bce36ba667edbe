package movielens

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/realdata"
	"github.com/moviegenie/pipeline/pkg/tables"
)

var genres3 = []string{"unknown", "Action", "Comedy"}

func i32(v int32) *int32   { return &v }
func str(s string) *string { return &s }

// latin1Cold is movie 1633's u.item line as it is in ML-100K: ISO-8859-1
// bytes (0xC1 = Á, 0xF6 = ö), here with 3 genre flags.
const latin1Cold = "1633|\xc1 k\xf6ldum klaka (Cold Fever) (1994)|08-Mar-1996||http://us.imdb.com/M/title-exact?Kaldum%20klaka%20(1994)|0|0|1\n"

const coldTitle = "Á köldum klaka (Cold Fever) (1994)"

func TestReadMoviesDecodesLatin1(t *testing.T) {
	movies, enc, err := ReadMovies("u.item", []byte(latin1Cold), genres3)
	if err != nil {
		t.Fatal(err)
	}
	if enc != Latin1 {
		t.Errorf("got encoding %s, want %s", enc, Latin1)
	}
	if got := movies[0].Title; got != coldTitle {
		t.Errorf("got title %q, want %q", got, coldTitle)
	}
	// 08-Mar-1996 is day 9563 after 1970-01-01; the year is the film's,
	// from the title's "(1994)", not the release date's.
	if m := movies[0]; m.ReleaseDate == nil || *m.ReleaseDate != 9563 || m.Year == nil || *m.Year != 1994 {
		t.Errorf("got release date %v year %v, want 9563 and 1994", deref(m.ReleaseDate), deref(m.Year))
	}
}

func TestReadMoviesAcceptsUTF8Copy(t *testing.T) {
	line := strings.Replace(latin1Cold, "\xc1 k\xf6ldum", "Á köldum", 1)
	movies, enc, err := ReadMovies("u.item", []byte(line), genres3)
	if err != nil {
		t.Fatal(err)
	}
	if enc != UTF8 || movies[0].Title != coldTitle {
		t.Errorf("got %s %q, want %s %q", enc, movies[0].Title, UTF8, coldTitle)
	}
}

func deref(p *int32) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestReadMoviesFields(t *testing.T) {
	data := "1|Toy Story (1995)|01-Jan-1995||http://x/toy|0|0|1\n" +
		"267|unknown||||1|0|0\n" +
		"1412|Land Before Time III (1995) (V)|4-Feb-1971||http://x|0|1|1\n" +
		"9|No Date (1987) |||http://y|0|1|0\n" +
		"10|Odd Title (V)||||0|0|0\n"
	got, _, err := ReadMovies("u.item", []byte(data), genres3)
	if err != nil {
		t.Fatal(err)
	}
	want := []tables.Movie{
		{MovieID: 1, Title: "Toy Story (1995)", Year: i32(1995), ReleaseDate: i32(9131), IMDbURL: str("http://x/toy"), Genres: []string{"Comedy"}},
		{MovieID: 267, Title: "unknown", Genres: []string{"unknown"}},
		{MovieID: 1412, Title: "Land Before Time III (1995) (V)", Year: i32(1995), ReleaseDate: i32(399), IMDbURL: str("http://x"), Genres: []string{"Action", "Comedy"}},
		{MovieID: 9, Title: "No Date (1987)", Year: i32(1987), IMDbURL: str("http://y"), Genres: []string{"Action"}},
		{MovieID: 10, Title: "Odd Title (V)", Genres: []string{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %s\nwant %s", show(got), show(want))
	}
}

// show prints movies with their pointer fields dereferenced.
func show(ms []tables.Movie) string {
	var b strings.Builder
	for _, m := range ms {
		var url any
		if m.IMDbURL != nil {
			url = *m.IMDbURL
		}
		fmt.Fprintf(&b, "{%d %q year=%v date=%v url=%v genres=%q} ", m.MovieID, m.Title, deref(m.Year), deref(m.ReleaseDate), url, m.Genres)
	}
	return b.String()
}

func TestReadRatings(t *testing.T) {
	data := "196\t242\t3\t881250949\r\n186\t302\t3\t891717742\r\n\n\n"
	got, err := ReadRatings("u.data", []byte(data), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []tables.Rating{
		{UserID: 196, MovieID: 242, Rating: 3, Timestamp: 881250949000},
		{UserID: 186, MovieID: 302, Rating: 3, Timestamp: 891717742000},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestReadGenresUsersOccupations(t *testing.T) {
	g, err := ReadGenres("u.genre", []byte("unknown|0\nAction|1\nChildren's|2\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"unknown", "Action", "Children's"}; !reflect.DeepEqual(g, want) {
		t.Errorf("got genres %q, want %q", g, want)
	}
	occ, err := ReadOccupations("u.occupation", []byte("artist\nnone\n"))
	if err != nil {
		t.Fatal(err)
	}
	users, err := ReadUsers("u.user", []byte("1|24|M|artist|85711\n2|53|F|none|T8H1N\n"), occ)
	if err != nil {
		t.Fatal(err)
	}
	want := []tables.User{tables.NewUser(1, 24, "M", "artist", "85711"), tables.NewUser(2, 53, "F", "none", "T8H1N")}
	if !reflect.DeepEqual(users, want) {
		t.Errorf("got users %+v, want %+v", users, want)
	}
}

// TestMalformedLines checks that every reader fails on a bad line with
// "file:line: what is wrong".
func TestMalformedLines(t *testing.T) {
	known := map[int32]bool{1: true, 2: true}
	okData := "1\t1\t5\t881250949\n"
	data := func(s string) error { _, err := ReadRatings("u.data", []byte(s), known, known); return err }
	item := func(s string) error { _, _, err := ReadMovies("u.item", []byte(s), genres3); return err }
	user := func(s string) error { _, err := ReadUsers("u.user", []byte(s), []string{"artist"}); return err }
	genre := func(s string) error { _, err := ReadGenres("u.genre", []byte(s)); return err }
	occ := func(s string) error { _, err := ReadOccupations("u.occupation", []byte(s)); return err }
	for _, tc := range []struct {
		name string
		read func(string) error
		in   string
		want string
	}{
		{"data truncated file", data, okData + "1\t2\t5", `u.data:2: last line "1\t2\t5" has no newline at its end (truncated file?)`},
		{"data truncated mid-number", data, okData + "2\t1\t5\t8812", "u.data:2: last line"},
		{"data short line", data, okData + "1\t2\t5\n", "u.data:2: want 4 tab-separated fields (user, item, rating, timestamp), got 3"},
		{"data old Mac line endings", data, strings.Repeat("1\t1\t5\t881250949\r", 1000), `u.data:1: last line "1\t1\t5\t881250949\r1\t1\t5\t881250949\r1\t1\t5\t88..." has no newline`},
		{"data empty field", data, okData + "2\t1\t5\t\n", `u.data:2: timestamp "": not an integer`},
		{"data commas", data, "1,1,5,881250949\n", "u.data:1: want 4 tab-separated fields (user, item, rating, timestamp), got 1 (separated by commas?)"},
		{"data garbled", data, okData + "\x00\x9f\tzz\t\xff\t1\n", `u.data:2: user id "\x00\x9f": not an integer`},
		{"data empty", data, "", "u.data: empty file"},
		{"data only blank lines", data, "\n\n", "u.data: empty file"},
		{"data blank line inside", data, okData + "\n" + "2\t2\t5\t881250949\n", "u.data:2: blank line inside the file"},
		{"data rating range", data, okData + "2\t2\t7\t881250949\n", "u.data:2: rating 7: want 1..5"},
		{"data rating zero", data, "2\t2\t0\t881250949\n", "u.data:1: rating 0: want 1..5"},
		{"data non-integer rating", data, "2\t2\t4.5\t881250949\n", `u.data:1: rating "4.5": not an integer`},
		{"data negative user", data, "-2\t2\t4\t881250949\n", "u.data:1: user id -2: want a positive integer"},
		{"data timestamp too early", data, "2\t2\t4\t12\n", "u.data:1: timestamp 12: want Unix seconds between 1990-01-01"},
		{"data timestamp in ms", data, "2\t2\t4\t881250949000\n", "u.data:1: timestamp 881250949000: want Unix seconds"},
		{"data unknown movie", data, okData + "1\t99\t4\t881250949\n", "u.data:2: movie 99: not in u.item"},
		{"data unknown user", data, okData + "42\t1\t4\t881250949\n", "u.data:2: user 42: not in u.user"},
		{"data duplicate rating", data, okData + "2\t1\t4\t881250949\n1\t1\t3\t881250950\n", "u.data:3: duplicate rating of movie 1 by user 1 (first at line 1)"},

		{"item truncated", item, "1|Toy Story (1995)|01-Jan-1995||http://x|0|0\n", "u.item:1: want 8 pipe-separated fields"},
		{"item commas", item, "1,Toy Story,01-Jan-1995,,http://x,0,0,1\n", "u.item:1: want 8 pipe-separated fields (id, title, release date, video release date, IMDb URL, then one flag per genre), got 1 (separated by commas?)"},
		{"item empty", item, "", "u.item: empty file"},
		{"item bad id", item, "x|T (1995)|01-Jan-1995||u|0|0|1\n", `u.item:1: movie id "x": not an integer`},
		{"item genre flag", item, "1|T (1995)|01-Jan-1995||u|0|2|1\n", `u.item:1: genre flag 1 (Action) "2": want 0 or 1`},
		{"item bad date", item, "1|T (1995)|1995-01-01||u|0|0|1\n", `u.item:1: release date "1995-01-01": want DD-Mon-YYYY`},
		{"item empty title", item, "1| |01-Jan-1995||u|0|0|1\n", "u.item:1: empty title"},
		{"item duplicate id", item, "1|A (1995)|||u|0|0|1\n2|B (1995)|||u|0|0|1\n1|C (1995)|||u|0|0|1\n", "u.item:3: duplicate movie id 1 (first at line 1)"},
		{"item double-encoded", item, "1|\xc3\x83\xc2\x81 k\xc3\x83\xc2\xb6ldum (1994)|||u|0|0|1\n", `u.item:1: title "Ã\u0081 kÃ¶ldum (1994)": control character`},
		{"item double-encoded printable", item, "1|Caf\xc3\x83\xc2\xa9 (1994)|||u|0|0|1\n", `u.item:1: title "CafÃ© (1994)": looks UTF-8 encoded twice`},
		{"item C1 control from cp1252", item, "1|\x93Quoted\x94 (1994)|||u|0|0|1\n", `u.item:1: title "\u0093Quoted\u0094 (1994)": control character`},

		{"user truncated", user, "1|24|M|artist\n", "u.user:1: want 5 pipe-separated fields"},
		{"user age", user, "1|240|M|artist|1\n", "u.user:1: age 240: want 1..120"},
		{"user age not int", user, "1|x|M|artist|1\n", `u.user:1: age "x": not an integer`},
		{"user gender", user, "1|24|X|artist|1\n", `u.user:1: gender "X": want M or F`},
		{"user occupation", user, "1|24|M|astronaut|1\n", `u.user:1: occupation "astronaut": not in u.occupation`},
		{"user duplicate id", user, "1|24|M|artist|1\n1|25|F|artist|2\n", "u.user:2: duplicate user id 1 (first at line 1)"},
		{"user garbled", user, "1|24|M|artist|1\n\xff\xfe|\x01\n", "u.user:2: not valid UTF-8 text"},
		{"user empty", user, "", "u.user: empty file"},

		{"genre index order", genre, "unknown|0\nAction|2\n", "u.genre:2: genre index 2: want 1"},
		{"genre duplicate", genre, "unknown|0\nunknown|1\n", `u.genre:2: duplicate genre "unknown" (first at line 1)`},
		{"genre commas", genre, "unknown,0\n", "u.genre:1: want 2 pipe-separated fields (name, index), got 1 (separated by commas?)"},
		{"occupation duplicate", occ, "artist\nartist\n", `u.occupation:2: duplicate occupation "artist" (first at line 1)`},
		{"occupation empty", occ, "\n", "u.occupation: empty file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.read(tc.in)
			if err == nil {
				t.Fatalf("got nil error, want %q", tc.want)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got error %q, want it to start with %q", err, tc.want)
			}
			var le *LineError
			if !errors.As(err, &le) {
				t.Errorf("got %T, want a *LineError", err)
			}
		})
	}
}

// writeRaw writes a tiny valid raw directory, with files replaced by
// override, and returns its path.
func writeRaw(t *testing.T, override map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		GenreFile:      "unknown|0\nAction|1\nComedy|2\n\n",
		OccupationFile: "artist\nnone\n",
		UserFile:       "1|24|M|artist|85711\n2|53|F|none|94043\n",
		ItemFile:       "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|1\n" + latin1Cold,
		DataFile:       "1\t1\t5\t881250949\n1\t1633\t3\t881250950\n2\t1\t4\t881250949\n",
	}
	for k, v := range override {
		files[k] = v
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoad(t *testing.T) {
	dir := writeRaw(t, nil)
	ds, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Ratings) != 3 || len(ds.Users) != 2 || len(ds.Movies) != 2 || len(ds.Genres) != 3 || len(ds.Occupations) != 2 {
		t.Errorf("got %d ratings %d users %d movies %d genres %d occupations, want 3 2 2 3 2",
			len(ds.Ratings), len(ds.Users), len(ds.Movies), len(ds.Genres), len(ds.Occupations))
	}
	if ds.Movies[1].Title != coldTitle {
		t.Errorf("got title %q, want %q", ds.Movies[1].Title, coldTitle)
	}
	if len(ds.Inputs) != len(Files) {
		t.Errorf("got %d inputs, want %d", len(ds.Inputs), len(Files))
	}
	for _, want := range []string{"unique", "referential integrity", "encoding", "timestamps plausible", "ranges", "schema", "integers"} {
		found := false
		for _, c := range ds.Checks {
			found = found || strings.Contains(c.Name, want)
		}
		if !found {
			t.Errorf("no check named like %q in %+v", want, ds.Checks)
		}
	}
}

func TestLoadNamesPathAndLine(t *testing.T) {
	for _, tc := range []struct {
		name, file, body, want string
	}{
		{"unknown movie", DataFile, "1\t1\t5\t881250949\n2\t7\t4\t881250949\n", "u.data:2: movie 7: not in u.item"},
		{"duplicate rating", DataFile, "1\t1\t5\t881250949\n1\t1\t4\t881250949\n", "u.data:2: duplicate rating"},
		{"user with unknown occupation", UserFile, "1|24|M|pilot|85711\n", "u.user:1: occupation"},
		{"item with wrong genre count", ItemFile, "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|1|0\n", "u.item:1: want 8 pipe-separated fields"},
		{"empty u.data", DataFile, "", "u.data: empty file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeRaw(t, map[string]string{tc.file: tc.body})
			_, err := Load(dir)
			want := filepath.Join(dir, tc.want)
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("got %v, want an error starting with %q", err, want)
			}
		})
	}
	dir := writeRaw(t, nil)
	os.Remove(filepath.Join(dir, UserFile))
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "u.user") {
		t.Errorf("got %v, want an error naming the missing u.user", err)
	}
}

func TestLoadRealData(t *testing.T) {
	ds, err := Load(realdata.Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Ratings) != 100000 || len(ds.Users) != 943 || len(ds.Movies) != 1682 || len(ds.Genres) != 19 || len(ds.Occupations) != 21 {
		t.Fatalf("got %d ratings %d users %d movies %d genres %d occupations, want 100000 943 1682 19 21",
			len(ds.Ratings), len(ds.Users), len(ds.Movies), len(ds.Genres), len(ds.Occupations))
	}
	if ds.Encoding != Latin1 {
		t.Errorf("got encoding %s, want %s", ds.Encoding, Latin1)
	}
	byID := map[int32]tables.Movie{}
	for _, m := range ds.Movies {
		byID[m.MovieID] = m
	}
	if got := byID[1633].Title; got != coldTitle {
		t.Errorf("got movie 1633 title %q, want %q", got, coldTitle)
	}
	if m := byID[267]; m.Title != "unknown" || m.Year != nil || m.ReleaseDate != nil || m.IMDbURL != nil {
		t.Errorf("got movie 267 %+v, want title unknown and nil year, date and URL", m)
	}
	if m := byID[1]; m.Year == nil || *m.Year != 1995 || m.ReleaseDate == nil || *m.ReleaseDate != 9131 ||
		!reflect.DeepEqual(m.Genres, []string{"Animation", "Children's", "Comedy"}) {
		t.Errorf("got movie 1 %+v, want year 1995, date 9131, genres Animation Children's Comedy", m)
	}
}

// BenchmarkReadRatings100k parses a synthetic u.data of 100,000 lines
// (943 users x 1682 movies, seeded), with referential and duplicate checks.
func BenchmarkReadRatings100k(b *testing.B) {
	var buf strings.Builder
	users, movies := map[int32]bool{}, map[int32]bool{}
	seen := map[[2]int]bool{}
	x := uint64(1)
	next := func(n int) int { // xorshift, seeded
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return int(x % uint64(n))
	}
	for len(seen) < 100000 {
		u, m := 1+next(943), 1+next(1682)
		if seen[[2]int{u, m}] {
			continue
		}
		seen[[2]int{u, m}] = true
		users[int32(u)], movies[int32(m)] = true, true
		fmt.Fprintf(&buf, "%d\t%d\t%d\t%d\n", u, m, 1+next(5), 874724710+next(18561928))
	}
	data := []byte(buf.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadRatings("u.data", data, users, movies); err != nil {
			b.Fatal(err)
		}
	}
}
