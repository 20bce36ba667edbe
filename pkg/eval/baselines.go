package eval

import "math"

// Popularity returns every user's top-k Ranking for target t by popularity:
// the number of users whose History(t) holds the movie (train+validation for
// Test, train for Validation), ties by lower movie id, u.Exclude(t) left
// out. Scores are the counts.
func Popularity(s *Split, t Target, k int) []Ranking {
	counts := make([]float64, len(s.Movies))
	for i := range s.Users {
		for _, m := range s.Users[i].Exclude(t) {
			counts[m]++
		}
	}
	out := make([]Ranking, len(s.Users))
	for i := range s.Users {
		u := &s.Users[i]
		out[i] = s.ranking(u, counts, TopK(counts, u.Exclude(t), k))
	}
	return out
}

// ItemKNN returns every user's top-k Ranking for target t by item-item
// nearest neighbours. Each movie is a binary vector over users (1 if the
// movie is in the user's History(t)); sim(i, j) is the cosine of the vectors
// of i and j (0 for i == j or a movie nobody has). If neighbours > 0, movie
// j keeps only sim(i, j) for its neighbours most similar movies i (ties by
// lower movie id), as in RecBole's ItemKNN; neighbours <= 0 keeps all. A
// user's score for j is the sum of sim(i, j) over the movies i of the
// user's history; u.Exclude(t) is left out, ties by lower movie id. Scores
// are the sums. Memory is one float64 matrix of len(s.Movies)² entries.
func ItemKNN(s *Split, t Target, k, neighbours int) []Ranking {
	n := len(s.Movies)
	// w[i*n+j]: co-occurrence counts, then similarities; row i holds what
	// history movie i adds to every candidate j.
	w := make([]float64, n*n)
	count := make([]float64, n)
	for ui := range s.Users {
		h := s.Users[ui].Exclude(t)
		for _, i := range h {
			count[i]++
			row := w[i*n : (i+1)*n]
			for _, j := range h {
				row[j]++
			}
		}
	}
	for i := range n {
		w[i*n+i] = 0
		for j := range n {
			if c := w[i*n+j]; c != 0 {
				w[i*n+j] = c / math.Sqrt(count[i]*count[j])
			}
		}
	}
	if neighbours > 0 && neighbours < n-1 {
		col := make([]float64, n)
		keep := make([]bool, n)
		for j := range n {
			for i := range n {
				col[i] = w[i*n+j]
				keep[i] = false
			}
			for _, i := range TopK(col, []int{j}, neighbours) {
				keep[i] = true
			}
			for i := range n {
				if !keep[i] {
					w[i*n+j] = 0
				}
			}
		}
	}

	out := make([]Ranking, len(s.Users))
	scores := make([]float64, n)
	for ui := range s.Users {
		u := &s.Users[ui]
		clear(scores)
		h := u.Exclude(t)
		for _, i := range h {
			row := w[i*n : (i+1)*n]
			for j, v := range row {
				scores[j] += v
			}
		}
		out[ui] = s.ranking(u, scores, TopK(scores, h, k))
	}
	return out
}

// ranking builds u's Ranking from dense indices and their scores.
func (s *Split) ranking(u *User, scores []float64, idx []int) Ranking {
	r := Ranking{UserID: u.UserID, MovieIDs: make([]int32, len(idx)), Scores: make([]float32, len(idx))}
	for j, i := range idx {
		r.MovieIDs[j] = s.Movies[i]
		r.Scores[j] = float32(scores[i])
	}
	return r
}
