package catalog

import (
	"sort"
	"strings"

	"github.com/moviegenie/pipeline/pkg/textembed"
)

// Sorts are the orders List accepts.
var Sorts = []string{"popular", "rating", "year", "title"}

// Filter selects movies of the catalogue for List.
type Filter struct {
	Q        string // words that must all appear in the title (case and accents folded)
	Genres   []int  // genre ids: the movie has at least one of them (none: any)
	YearFrom int    // 0: no bound
	YearTo   int    // 0: no bound
	Sort     string // one of Sorts ("" = popular)
	Exclude  map[int32]bool
}

// List returns the movies that pass the filter in the asked order (ties
// by movie id), the page'th page of pageSize (1-based), and the total.
func (c *Catalog) List(f Filter, page, pageSize int) ([]*Movie, int) {
	var words []string
	if f.Q != "" {
		words = textembed.Words(f.Q)
	}
	var out []*Movie
	for i := range c.Movies {
		m := &c.Movies[i]
		if f.Exclude[m.ID] || !f.match(m, words) {
			continue
		}
		out = append(out, m)
	}
	less := map[string]func(a, b *Movie) int{
		"popular": func(a, b *Movie) int { return b.NRatings - a.NRatings },
		"rating": func(a, b *Movie) int {
			return cmpFloat(mean(b), mean(a))
		},
		"year":  func(a, b *Movie) int { return b.Year - a.Year },
		"title": func(a, b *Movie) int { return strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)) },
	}[f.Sort]
	if less == nil {
		less = func(a, b *Movie) int { return b.NRatings - a.NRatings }
	}
	sort.SliceStable(out, func(i, j int) bool {
		if d := less(out[i], out[j]); d != 0 {
			return d < 0
		}
		return out[i].ID < out[j].ID
	})
	total := len(out)
	lo := (page - 1) * pageSize
	if lo >= total || lo < 0 {
		return []*Movie{}, total
	}
	return out[lo:min(total, lo+pageSize)], total
}

// mean is a movie's mean rating for sorting: movies with few ratings are
// shrunk towards 3 (a Bayesian mean with 10 pseudo-ratings), so that a
// movie rated 5 once does not lead "best rated".
func mean(m *Movie) float64 {
	if m.MeanRating == nil {
		return 0
	}
	const prior, weight = 3.0, 10.0
	n := float64(m.NRatings)
	return (*m.MeanRating*n + prior*weight) / (n + weight)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (f *Filter) match(m *Movie, words []string) bool {
	if f.YearFrom != 0 && (m.Year == 0 || m.Year < f.YearFrom) {
		return false
	}
	if f.YearTo != 0 && (m.Year == 0 || m.Year > f.YearTo) {
		return false
	}
	if len(f.Genres) > 0 {
		ok := false
		for _, g := range f.Genres {
			for _, h := range m.genreIDs {
				ok = ok || g == h
			}
		}
		if !ok {
			return false
		}
	}
	if len(words) > 0 {
		title := textembed.Words(m.Title)
		for _, w := range words {
			found := false
			for _, t := range title {
				if strings.HasPrefix(t, w) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
	}
	return true
}
