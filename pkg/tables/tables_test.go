package tables

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func i32(v int32) *int32   { return &v }
func str(v string) *string { return &v }

func TestMovieRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "movies.parquet")
	want := []Movie{
		{MovieID: 1, Title: "Toy Story (1995)", Year: i32(1995), ReleaseDate: i32(9131), IMDbURL: str("http://x"), Genres: []string{"Animation", "Children's", "Comedy"}},
		{MovieID: 1633, Title: "Á köldum klaka (Cold Fever) (1994)", Genres: []string{"Comedy"}},
		{MovieID: 267, Title: "unknown", Genres: []string{}},
	}
	if err := Write(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := Read[Movie](path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestSequenceRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seq.parquet")
	want := []Sequence{{UserID: 7, MovieIDs: []int32{3, 1, 2}, Timestamps: []int64{1000, 2000, 2000}, Ratings: []float32{5, 4, 1}, NTrain: 1, NVal: 1, NTest: 1}}
	if err := Write(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := Read[Sequence](path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestReadWrongTableNamesColumn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.parquet")
	if err := Write(path, []User{NewUser(1, 20, "M", "x", "1")}); err != nil {
		t.Fatal(err)
	}
	_, err := Read[Rating](path)
	if err == nil || !strings.Contains(err.Error(), "users.parquet") || !strings.Contains(err.Error(), "movie_id") {
		t.Fatalf("got %v, want an error naming the file and column movie_id", err)
	}
}

type wrongType struct {
	UserID int64 `parquet:"name=user_id, type=INT64"`
}

func TestReadWrongTypeNamesColumn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.parquet")
	if err := Write(path, []User{{UserID: 1}}); err != nil {
		t.Fatal(err)
	}
	_, err := Read[wrongType](path)
	if err == nil || !strings.Contains(err.Error(), "user_id") || !strings.Contains(err.Error(), "INT32") {
		t.Fatalf("got %v, want a type error naming user_id", err)
	}
}

func TestReadMissingAndNotParquet(t *testing.T) {
	dir := t.TempDir()
	if _, err := Read[User](filepath.Join(dir, "nope.parquet")); err == nil {
		t.Fatal("got nil error for a missing file")
	}
}

func TestReadMaybeEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "occupations.parquet")
	if err := Write(path, []Occupation{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Read[Occupation](path); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("Read: got %v, want a table-is-empty error", err)
	}
	rows, err := ReadMaybeEmpty[Occupation](path)
	if err != nil || rows == nil || len(rows) != 0 {
		t.Errorf("ReadMaybeEmpty: got %v %v, want no rows and no error", rows, err)
	}
}
