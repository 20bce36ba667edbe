package modelset

import (
	"sort"

	"github.com/moviegenie/pipeline/pkg/serve/catalog"
)

// similarK is how many similar movies each signal gives.
const similarK = 12

// Neighbour is a similar movie and how similar it is.
type Neighbour struct {
	Movie *catalog.Movie `json:"movie"`
	Score float64        `json:"score"`
}

// Similar are a movie's most similar movies by three signals:
// co-occurrence (users who rated it also rated these, train and
// validation ratings, from the semantic index; the score is relative to
// the best neighbour), Two-Tower (cosine of the model's movie vectors)
// and text (cosine of the features stage's text embeddings).
type Similar struct {
	Cooccurrence []Neighbour `json:"cooccurrence"`
	TwoTower     []Neighbour `json:"twotower"`
	Text         []Neighbour `json:"text"`
}

// Similar returns the movie's similar movies, computed on first use and
// kept with the Set.
func (s *Set) Similar(id int32) *Similar {
	row, ok := s.Catalog.MovieRow(id)
	if !ok {
		return &Similar{Cooccurrence: []Neighbour{}, TwoTower: []Neighbour{}, Text: []Neighbour{}}
	}
	if sim := s.similar[row].Load(); sim != nil {
		return sim
	}
	sim := &Similar{Cooccurrence: []Neighbour{}}
	ids, ws := s.Index.Neighbours(id)
	var best float32
	for _, w := range ws {
		best = max(best, w)
	}
	for i, n := range ids {
		if len(sim.Cooccurrence) == similarK {
			break
		}
		if m, ok := s.Catalog.Movie(n); ok && n != id && best > 0 {
			sim.Cooccurrence = append(sim.Cooccurrence, Neighbour{Movie: m, Score: round3(float64(ws[i] / best))})
		}
	}
	tt := s.TwoTower
	sim.TwoTower = s.nearest(id, tt.Dim(), func(m int32) []float32 { return tt.MovieVector(m) })
	if v := s.Catalog.Vectors["text"]; v != nil {
		sim.Text = s.nearest(id, v.Dim, func(m int32) []float32 {
			r, ok := s.Catalog.MovieRow(m)
			if !ok || !v.Has[r] {
				return nil
			}
			return v.Data[r*v.Dim : (r+1)*v.Dim]
		})
	} else {
		sim.Text = []Neighbour{}
	}
	s.similar[row].Store(sim)
	return sim
}

// nearest returns the catalogue movies whose vectors have the highest
// cosine with id's (unit vectors), best first, ties by lower id.
func (s *Set) nearest(id int32, dim int, vec func(int32) []float32) []Neighbour {
	out := []Neighbour{}
	q := vec(id)
	if q == nil {
		return out
	}
	type cand struct {
		m   *catalog.Movie
		sim float32
	}
	var cands []cand
	for i := range s.Catalog.Movies {
		m := &s.Catalog.Movies[i]
		if m.ID == id {
			continue
		}
		if w := vec(m.ID); w != nil {
			cands = append(cands, cand{m, dot(q, w)})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].sim != cands[j].sim {
			return cands[i].sim > cands[j].sim
		}
		return cands[i].m.ID < cands[j].m.ID
	})
	for _, c := range cands[:min(similarK, len(cands))] {
		out = append(out, Neighbour{Movie: c.m, Score: round3(float64(c.sim))})
	}
	return out
}
