package features

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/tables"
)

func TestMovieTagText(t *testing.T) {
	idx := map[int32]int32{10: 1, 20: 2, 30: 3}
	var tags []MovieTag
	add := func(movie int32, tag string, n int) {
		tags = append(tags, MovieTag{MovieID: movie, Tag: tag, Count: int32(n)})
	}
	add(10, "Space", 3)
	add(10, "space", 1) // same tag after normalisation
	add(10, "Sci-Fi  classic", 2)
	add(10, "aliens", 2)
	add(10, "", 5)        // skipped
	add(99, "ignored", 1) // not a kept movie
	for i := range MaxTagsPerMovie + 5 {
		add(30, "tag"+strings.Repeat("x", i), 1)
	}
	text, tagged := movieTagText(tags, idx, 3)
	if tagged != 2 {
		t.Errorf("got %d tagged movies, want 2", tagged)
	}
	// Most frequent first, ties by the tag.
	if want := "space aliens sci fi classic"; text[0] != want {
		t.Errorf("movie 10: got tag text %q, want %q", text[0], want)
	}
	if text[1] != "" {
		t.Errorf("movie 20: got tag text %q, want none", text[1])
	}
	if n := len(strings.Fields(text[2])); n != MaxTagsPerMovie {
		t.Errorf("movie 30: got %d tags, want the %d most frequent", n, MaxTagsPerMovie)
	}
}

// TestTagsJoinMovieText: "movies about space" finds the movie tagged
// space although neither its title nor its genres say so, and a release
// without tags.parquet gives the same documents as before tags existed.
func TestTagsJoinMovieText(t *testing.T) {
	mk := func() *Inputs {
		in := &Inputs{
			Genres:      []tables.Genre{{GenreID: 0, Name: "Drama"}, {GenreID: 1, Name: "Comedy"}},
			Occupations: []tables.Occupation{{OccupationID: 0, Name: "other"}},
			Users:       []tables.User{{UserID: 1}, {UserID: 2}},
		}
		titles := []string{"Gravity Falls Down (2013)", "Quiet Harbour (2001)", "Morning Bread (1999)", "Long Walk Home (2005)", "Paper Kites (2010)", "Old River (1995)"}
		for i, title := range titles {
			in.Movies = append(in.Movies, tables.Movie{MovieID: int32(i + 1), Title: title, Genres: []string{[]string{"Drama", "Comedy"}[i%2]}})
		}
		for u := int32(1); u <= 2; u++ {
			for p := range int32(6) {
				split := tables.SplitTrain
				if p == 5 {
					split = tables.SplitTest
				}
				in.Ratings = append(in.Ratings, tables.Rating{UserID: u, MovieID: p + 1, Rating: 4, Timestamp: int64(p), Position: p, Split: split})
			}
		}
		return in
	}
	cfg := testConfig()
	plain, err := Build(mk(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	in := mk()
	in.Tags = append(in.Tags, MovieTag{MovieID: 4, Tag: "space", Count: 3}, MovieTag{MovieID: 4, Tag: "astronauts", Count: 3},
		MovieTag{MovieID: 2, Tag: "harbour", Count: 1}, MovieTag{MovieID: 3, Tag: "baking", Count: 1})
	o, err := Build(in, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if o.Stats.MoviesWithTags != 3 || o.Stats.TagRows != 4 {
		t.Errorf("got %d tagged movies from %d rows, want 3 from 4", o.Stats.MoviesWithTags, o.Stats.TagRows)
	}
	if !strings.Contains(o.Documents[3][1].Text, "space astronauts") && !strings.Contains(o.Documents[3][1].Text, "astronauts space") {
		t.Errorf("movie 4's document %+v lacks its tags", o.Documents[3])
	}
	q := o.Encoder.Embed("movies about space")
	best, bestCos := -1, float32(-2)
	for i, e := range o.TextEmbeddings {
		var c float32
		for k := range q {
			c += q[k] * e.Embedding[k]
		}
		if c > bestCos {
			best, bestCos = i, c
		}
	}
	if best != 3 {
		t.Errorf("\"movies about space\": got movie_idx %d first (cos %.3f), want 4 (tagged space)", best+1, bestCos)
	}
	for i := range plain.Documents {
		if i == 1 || i == 2 || i == 3 {
			continue
		}
		if !reflect.DeepEqual(plain.Documents[i], o.Documents[i]) {
			t.Errorf("movie_idx %d: untagged document changed: %+v -> %+v", i+1, plain.Documents[i], o.Documents[i])
		}
	}

	// ReadInputs reads tags.parquet when present, and lists it as an input.
	dir := t.TempDir()
	for _, w := range []func() error{
		func() error { return tables.Write(filepath.Join(dir, GenresFile), in.Genres) },
		func() error { return tables.Write(filepath.Join(dir, OccupationsFile), in.Occupations) },
		func() error { return tables.Write(filepath.Join(dir, MoviesFile), in.Movies) },
		func() error { return tables.Write(filepath.Join(dir, UsersFile), in.Users) },
		func() error { return tables.Write(filepath.Join(dir, RatingsFile), in.Ratings) },
	} {
		if err := w(); err != nil {
			t.Fatal(err)
		}
	}
	back, err := ReadInputs(dir)
	if err != nil || back.Tags != nil || len(InputPaths(dir)) != 5 {
		t.Fatalf("without tags.parquet: got %d tags, %d input paths, %v; want none, 5, nil", len(back.Tags), len(InputPaths(dir)), err)
	}
	// The processed table: movie_id, tag, count (extra columns ignored).
	type tagRow struct {
		MovieID int32  `parquet:"name=movie_id, type=INT32"`
		Tag     string `parquet:"name=tag, type=BYTE_ARRAY, convertedtype=UTF8"`
		Count   int32  `parquet:"name=count, type=INT32"`
		Extra   int64  `parquet:"name=extra, type=INT64"`
	}
	if err := tables.Write(filepath.Join(dir, TagsFile), []tagRow{{4, "space", 2, 0}, {4, "Space", 1, 0}}); err != nil {
		t.Fatal(err)
	}
	back, err = ReadInputs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []MovieTag{{4, "space", 2}, {4, "Space", 1}}; !reflect.DeepEqual(back.Tags, want) || len(InputPaths(dir)) != 6 {
		t.Errorf("got tags %+v, %d input paths; want %+v, 6", back.Tags, len(InputPaths(dir)), want)
	}
	// An empty tags table (a release without tags) is no tags.
	if err := tables.Write(filepath.Join(dir, TagsFile), []tagRow{}); err != nil {
		t.Fatal(err)
	}
	if back, err = ReadInputs(dir); err != nil || back.Tags != nil {
		t.Errorf("empty tags.parquet: got %v; want no tags, no error", err)
	}
	// A bad count names the file, column and row.
	in.Tags[1].Count = 0
	if _, err := Build(in, cfg); err == nil || !strings.Contains(err.Error(), "tags.parquet: column count: row 1") {
		t.Errorf("count 0: got %v, want an error naming tags.parquet, column count, row 1", err)
	}
}
