// Package processtest holds a tiny raw ML-100K-format directory for the
// process stage's tests (package and command).
package processtest

import (
	"os"
	"path/filepath"
	"testing"
)

// TinyRaw is a small raw directory. Users 1-3 rate movies 1, 2, 267 and
// 1633 (user 1 all at the same second, so the order is by movie id); user
// 4 rates movies 1 and 5 only. With min_ratings_per_user 3 and
// min_ratings_per_movie 2, movie 5 goes (one rating), then user 4 (one
// rating left).
var TinyRaw = map[string]string{
	"u.genre":      "unknown|0\nAction|1\nComedy|2\n\n",
	"u.occupation": "artist\nnone\nwriter\n",
	"u.user":       "1|24|M|artist|85711\n2|53|F|none|94043\n3|23|M|writer|32067\n4|33|F|artist|T8H1N\n",
	"u.item": "1|Toy Story (1995)|01-Jan-1995||http://x/toy|0|0|1\n" +
		"2|GoldenEye (1995)|01-Jan-1995||http://x/ge|0|1|0\n" +
		"5|Lonely (1990)|||http://x/lonely|0|1|1\n" +
		"267|unknown||||1|0|0\n" +
		"1633|\xc1 k\xf6ldum klaka (Cold Fever) (1994) |08-Mar-1996||http://x/cold|0|0|1\n",
	"u.data": "1\t1633\t4\t881250949\n" +
		"1\t267\t3\t881250949\n" +
		"1\t2\t5\t881250949\n" +
		"1\t1\t2\t881250949\n" +
		"2\t1\t5\t881250900\n" +
		"2\t2\t4\t881250910\n" +
		"2\t267\t1\t881250920\n" +
		"2\t1633\t3\t881250930\n" +
		"3\t1633\t4\t881250800\n" +
		"3\t2\t4\t881250700\n" +
		"3\t1\t4\t881250600\n" +
		"3\t267\t4\t881250500\n" +
		"4\t5\t4\t881250500\n" +
		"4\t1\t4\t881250400\n",
}

// WriteRaw writes TinyRaw, with some files replaced, to a new directory.
func WriteRaw(t testing.TB, override map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "raw")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range TinyRaw {
		if o, ok := override[name]; ok {
			body = o
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Snapshot reads every file of dir (a stage's outputs) by name.
func Snapshot(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}
