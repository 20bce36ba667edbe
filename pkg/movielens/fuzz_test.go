package movielens

import (
	"strings"
	"testing"
)

// The fuzz targets feed each reader arbitrary file contents: whatever the
// bytes, a reader returns rows or an error naming the file; it never
// panics. `go test` runs the seeds below; `make fuzz` explores from them.
// A reader added to this package gets a target of the same shape.

const (
	fuzzGenres      = "unknown|0\nAction|1\nAdventure|2\n"
	fuzzOccupations = "administrator\nartist\nwriter\n"
	fuzzUsers       = "1|24|M|writer|85711\n2|53|F|artist|94043\n3|23|M|writer|K7H2X\n"
	fuzzMovies      = "1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|0|1|0\n" +
		"2|Café Flor (1996)|05-Jun-1996||x|0|0|1\n3|unknown||||1|0|0\n"
	fuzzRatings = "1\t1\t3\t881250949\n2\t2\t5\t891717742\n1\t3\t1\t878887116\n"
)

// checkErr fails the test unless a reader's error names the file.
func checkErr(t *testing.T, file string, err error) {
	t.Helper()
	if err != nil && !strings.Contains(err.Error(), file) {
		t.Errorf("error %q does not name %s", err, file)
	}
}

func FuzzReadGenres(f *testing.F) {
	for _, s := range []string{fuzzGenres, "", "Action|0\r\nDrama|1\r\n", "Action|1\n", "|0\n", "a|0\na|1\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		names, err := ReadGenres("u.genre", data)
		checkErr(t, "u.genre", err)
		if err == nil && len(names) > 0 && strings.TrimSpace(names[0]) == "" {
			t.Errorf("got an empty genre name from %q", data)
		}
	})
}

func FuzzReadOccupations(f *testing.F) {
	for _, s := range []string{fuzzOccupations, "", "a\na\n", "x\r\n\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ReadOccupations("u.occupation", data)
		checkErr(t, "u.occupation", err)
	})
}

func FuzzReadUsers(f *testing.F) {
	for _, s := range []string{fuzzUsers, "", "1|0|M|writer|1\n", "1|24|X|writer|1\n", "1|24|M|nobody|1\n", "1|24|M|writer|1\n1|25|F|artist|2\n", "-1|24|M|writer|1\n"} {
		f.Add([]byte(s))
	}
	occupations := []string{"administrator", "artist", "writer"}
	f.Fuzz(func(t *testing.T, data []byte) {
		users, err := ReadUsers("u.user", data, occupations)
		checkErr(t, "u.user", err)
		for _, u := range users {
			if err == nil && (*u.Age < MinAge || *u.Age > MaxAge) {
				t.Errorf("user %d: age %d accepted, outside %d..%d", u.UserID, *u.Age, MinAge, MaxAge)
			}
		}
	})
}

func FuzzReadMovies(f *testing.F) {
	for _, s := range []string{fuzzMovies, "", "1|x (1995)|01-Jan-1995||u|0|0\n", "1|x (1995)|32-Foo-1995||u|0|0|0\n", "1|\xe9t\xe9 (1995)|01-Jan-1995||u|0|0|1\n", "1|x|||u|2|0|0\n"} {
		f.Add([]byte(s))
	}
	genres := []string{"unknown", "Action", "Adventure"}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := ReadMovies("u.item", data, genres)
		checkErr(t, "u.item", err)
	})
}

func FuzzReadRatings(f *testing.F) {
	for _, s := range []string{fuzzRatings, "", "1\t1\t6\t881250949\n", "1\t1\t3\t1\n", "9\t1\t3\t881250949\n", "1 1 3 881250949\n", "1\t1\t3\t881250949\n1\t1\t4\t881250950\n"} {
		f.Add([]byte(s))
	}
	users, movies := map[int32]bool{1: true, 2: true}, map[int32]bool{1: true, 2: true, 3: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := ReadRatings("u.data", data, users, movies)
		checkErr(t, "u.data", err)
		for _, r := range rs {
			if err == nil && (!users[r.UserID] || !movies[r.MovieID]) {
				t.Errorf("rating of unknown user %d or movie %d accepted", r.UserID, r.MovieID)
			}
		}
	})
}
