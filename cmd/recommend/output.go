package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/recommend"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// moviesFile holds the titles, years and genres.
const moviesFile = "movies.parquet"

// loadMovies reads movies.parquet into a map by movie id.
func loadMovies(processed string) (map[int32]tables.Movie, error) {
	path := filepath.Join(processed, moviesFile)
	rows, err := tables.Read[tables.Movie](path)
	if err != nil {
		return nil, fmt.Errorf("movie titles: %w", err)
	}
	out := make(map[int32]tables.Movie, len(rows))
	for _, m := range rows {
		out[m.MovieID] = m
	}
	return out, nil
}

// line is one recommendation as printed.
type line struct {
	Rank    int      `json:"rank"`
	MovieID int32    `json:"movie_id"`
	Title   string   `json:"title"`
	Year    *int32   `json:"year"`
	Genres  []string `json:"genres"`
	Score   float32  `json:"score"`
}

func lines(items []recommend.Item, movies map[int32]tables.Movie) []line {
	out := make([]line, len(items))
	for i, it := range items {
		m := movies[it.MovieID]
		g := m.Genres
		if g == nil {
			g = []string{}
		}
		out[i] = line{Rank: i + 1, MovieID: it.MovieID, Title: features.CleanTitle(m.Title), Year: m.Year, Genres: g, Score: it.Score}
	}
	return out
}

// writeJSON prints one JSON object per recommendation.
func writeJSON(w io.Writer, items []recommend.Item, movies map[int32]tables.Movie) error {
	enc := json.NewEncoder(w)
	for _, l := range lines(items, movies) {
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return nil
}

// writeTable prints an aligned table.
func writeTable(w io.Writer, items []recommend.Item, movies map[int32]tables.Movie) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RANK\tMOVIE_ID\tTITLE\tYEAR\tGENRES\tSCORE")
	for _, l := range lines(items, movies) {
		year := "-"
		if l.Year != nil {
			year = fmt.Sprint(*l.Year)
		}
		title := l.Title
		if title == "" {
			title = "?"
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%.4f\n", l.Rank, l.MovieID, title, year, strings.Join(l.Genres, "|"), l.Score)
	}
	return tw.Flush()
}
