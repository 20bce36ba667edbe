package semantic

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestWriteTable(t *testing.T) {
	ix := fixtureIndex(t)
	r, err := ix.Search("90s sci-fi", DefaultConfig(), Options{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteTable(&b, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if want := `"90s sci-fi": genres Sci-Fi; years 1990-1999`; lines[0] != want {
		t.Errorf("first line %q, want %q", lines[0], want)
	}
	if !strings.HasPrefix(lines[1], "RANK") || len(lines) != 2+len(r.Results) {
		t.Fatalf("table:\n%s", b.String())
	}
	// Aligned: every column starts at the same offset on every line.
	col := strings.Index(lines[1], "TITLE")
	for _, l := range lines[2:] {
		if len(l) <= col || l[col-1] != ' ' || l[col] == ' ' {
			t.Errorf("line %q: title column not at offset %d", l, col)
		}
	}
	if !strings.Contains(lines[2], "Twelve Monkeys") || !strings.Contains(lines[2], "Drama|Sci-Fi") {
		t.Errorf("first row %q, want Twelve Monkeys with its genres", lines[2])
	}

	b.Reset()
	r, _ = ix.Search("qwxzv", DefaultConfig(), Options{K: 3})
	if err := WriteTable(&b, r); err != nil {
		t.Fatal(err)
	}
	if want := "\"qwxzv\": title and text match\nno movie matches\n"; b.String() != want {
		t.Errorf("no results: %q, want %q", b.String(), want)
	}
}

func TestWriteJSON(t *testing.T) {
	ix := fixtureIndex(t)
	r, err := ix.Search("movies like star wars", DefaultConfig(), Options{K: 2})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), b.String())
	}
	for i, l := range lines {
		var got struct {
			Query       string             `json:"query"`
			Mode        string             `json:"mode"`
			LikeMovieID int32              `json:"like_movie_id"`
			Rank        int                `json:"rank"`
			MovieID     int32              `json:"movie_id"`
			Title       string             `json:"title"`
			Year        *int               `json:"year"`
			Genres      []string           `json:"genres"`
			Score       float64            `json:"score"`
			Parts       map[string]float64 `json:"parts"`
		}
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("line %d %q: %v", i, l, err)
		}
		if got.Query != "movies like star wars" || got.Mode != "like" || got.LikeMovieID != 3 || got.Rank != i+1 ||
			got.MovieID != r.Results[i].MovieID || got.Year == nil || len(got.Genres) == 0 || got.Parts["cooccurrence"] <= 0 {
			t.Errorf("line %d = %+v", i, got)
		}
	}
}
