package semantic

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Describe says in one line how a query was read: "movies like Star Wars
// (1977)", "genres Sci-Fi; years 1990-1999", or "title and text match".
func (r *Response) Describe() string {
	if r.Like != nil {
		s := "movies like " + r.Like.Title
		if d := r.cues(); d != "" {
			s += "; " + d
		}
		return s
	}
	if d := r.cues(); d != "" {
		return d
	}
	return "title and text match"
}

func (r *Response) cues() string {
	var parts []string
	if len(r.Genres) > 0 {
		parts = append(parts, "genres "+strings.Join(r.Genres, ", "))
	}
	if e := r.Era; e != nil {
		switch {
		case e.From == eraMin:
			parts = append(parts, fmt.Sprintf("years up to %d", e.To))
		case e.To == eraMax:
			parts = append(parts, fmt.Sprintf("years from %d", e.From))
		case e.From == e.To:
			parts = append(parts, fmt.Sprintf("year %d", e.From))
		default:
			parts = append(parts, fmt.Sprintf("years %d-%d", e.From, e.To))
		}
	}
	return strings.Join(parts, "; ")
}

// WriteTable writes the results as an aligned table (rank, id, title,
// year, genres, score) under a line saying how the query was read.
func WriteTable(w io.Writer, r *Response) error {
	if _, err := fmt.Fprintf(w, "%q: %s\n", r.Query, r.Describe()); err != nil {
		return err
	}
	if len(r.Results) == 0 {
		_, err := fmt.Fprintln(w, "no movie matches")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RANK\tMOVIE_ID\tTITLE\tYEAR\tGENRES\tSCORE")
	for i, x := range r.Results {
		year := "-"
		if x.Year != 0 {
			year = strconv.Itoa(x.Year)
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%.4f\n", i+1, x.MovieID, x.Title, year, strings.Join(x.Genres, "|"), x.Score)
	}
	return tw.Flush()
}

// jsonLine is one line of WriteJSON.
type jsonLine struct {
	Query       string             `json:"query"`
	Mode        string             `json:"mode"`
	LikeMovieID int32              `json:"like_movie_id,omitempty"`
	Rank        int                `json:"rank"`
	MovieID     int32              `json:"movie_id"`
	Title       string             `json:"title"`
	Year        *int               `json:"year"`
	Genres      []string           `json:"genres"`
	Score       float64            `json:"score"`
	Parts       map[string]float64 `json:"parts"`
}

// WriteJSON writes one JSON object per result, best first, each carrying
// its query (so that the lines of a batch can be told apart). A year that
// is unknown is null. A query without results writes nothing.
func WriteJSON(w io.Writer, r *Response) error {
	enc := json.NewEncoder(w)
	for i, x := range r.Results {
		l := jsonLine{Query: r.Query, Mode: r.Mode, Rank: i + 1, MovieID: x.MovieID, Title: x.Title,
			Genres: x.Genres, Score: round(x.Score), Parts: map[string]float64{}}
		if r.Like != nil {
			l.LikeMovieID = r.Like.ID
		}
		if x.Year != 0 {
			y := x.Year
			l.Year = &y
		}
		for k, v := range x.Parts {
			l.Parts[k] = round(v)
		}
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return nil
}

// round keeps 6 decimals: enough to order results, short to read.
func round(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 6, 64), 64)
	return v
}
