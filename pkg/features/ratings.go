package features

import (
	"fmt"
	"slices"

	"github.com/moviegenie/pipeline/pkg/ratingscan"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// ratingRows are the columns of ratings.parquet that the features read,
// 17 bytes a row: ReadInputs streams the table into them batch by batch
// (pkg/ratingscan) instead of decoding it into row structs, which at 25M
// ratings would take several times the memory.
type ratingRows struct {
	user, movie, pos []int32
	rating           []float32
	split            []int8 // ratingscan.Train, Validation, Test
}

func (r *ratingRows) len() int { return len(r.user) }

// readRatingRows streams the ratings table at path into columns.
func readRatingRows(path string) (*ratingRows, error) {
	r := &ratingRows{}
	_, err := ratingscan.Scan(path, 0, func(b *ratingscan.Batch) error {
		r.user = append(r.user, b.UserID...)
		r.movie = append(r.movie, b.MovieID...)
		r.pos = append(r.pos, b.Position...)
		r.rating = append(r.rating, b.Rating...)
		r.split = append(r.split, b.Split...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// rowsOf turns in-memory rating rows into columns.
func rowsOf(ratings []tables.Rating) (*ratingRows, error) {
	n := len(ratings)
	r := &ratingRows{user: make([]int32, n), movie: make([]int32, n), pos: make([]int32, n), rating: make([]float32, n), split: make([]int8, n)}
	for i, x := range ratings {
		r.user[i], r.movie[i], r.pos[i], r.rating[i] = x.UserID, x.MovieID, x.Position, float32(x.Rating)
		switch x.Split {
		case tables.SplitTrain:
			r.split[i] = ratingscan.Train
		case tables.SplitValidation:
			r.split[i] = ratingscan.Validation
		case tables.SplitTest:
			r.split[i] = ratingscan.Test
		default:
			return nil, fmt.Errorf("%s: column split: row %d: unknown split %q (want train, validation or test)", RatingsFile, i, x.Split)
		}
	}
	return r, nil
}

// entry is one train or validation interaction of a history.
type entry struct {
	movie  int32 // movie_idx
	rating float32
	pos    int32
}

// history is one user's train and validation interactions, in order.
type history struct {
	train, val []entry
}

func (h history) trainVal() []entry {
	return h.train[:len(h.train)+len(h.val)] // val follows train in the same backing array
}

// histories groups the train and validation rows by user_idx, in position
// order, after checking every row: known user and movie, and per user
// train positions 0..n-1, then validation positions, then test positions.
// Memory: a user index per row while grouping, then 12 bytes per train or
// validation interaction.
func histories(rows *ratingRows, userIdx, movieIdx map[int32]int32, nUsers int) ([]history, error) {
	n := rows.len()
	uidx := make([]int32, n)
	start := make([]int32, nUsers+1)
	for i := range n {
		ui, ok := userIdx[rows.user[i]]
		if !ok {
			return nil, fmt.Errorf("%s: column user_id: row %d: user %d not in %s", RatingsFile, i, rows.user[i], UsersFile)
		}
		if _, ok := movieIdx[rows.movie[i]]; !ok {
			return nil, fmt.Errorf("%s: column movie_id: row %d: movie %d not in %s", RatingsFile, i, rows.movie[i], MoviesFile)
		}
		uidx[i] = ui
		start[ui+1]++
	}
	for u := range nUsers {
		start[u+1] += start[u]
	}
	// Rows grouped by user (counting sort, file order kept), then each
	// user's rows by position (stable).
	order := make([]int32, n)
	fill := slices.Clone(start[:nUsers])
	for i, u := range uidx {
		order[fill[u]] = int32(i)
		fill[u]++
	}
	uidx = nil
	var kept int
	for u := range nUsers {
		rs := order[start[u]:start[u+1]]
		if !slices.IsSortedFunc(rs, func(a, b int32) int { return int(rows.pos[a]) - int(rows.pos[b]) }) {
			slices.SortStableFunc(rs, func(a, b int32) int { return int(rows.pos[a]) - int(rows.pos[b]) })
		}
		for _, i := range rs {
			if rows.split[i] != ratingscan.Test {
				kept++
			}
		}
	}
	backing := make([]entry, 0, kept)
	hist := make([]history, nUsers)
	for u := range nUsers {
		rs := order[start[u]:start[u+1]]
		lo := len(backing)
		nTrain := 0
		for k, i := range rs {
			if k > 0 {
				p := rs[k-1]
				if rows.pos[p] == rows.pos[i] {
					return nil, fmt.Errorf("%s: column position: user %d has two interactions at position %d", RatingsFile, rows.user[i], rows.pos[i])
				}
				if rows.split[p] > rows.split[i] {
					return nil, fmt.Errorf("%s: column split: user %d has a %s interaction at position %d after a %s one", RatingsFile,
						rows.user[i], ratingscan.SplitName(rows.split[i]), rows.pos[i], ratingscan.SplitName(rows.split[p]))
				}
			}
			if rows.split[i] == ratingscan.Test {
				continue
			}
			if want := int32(len(backing) - lo); rows.pos[i] != want {
				return nil, fmt.Errorf("%s: column position: user %d: %s interaction at position %d, want %d (train and validation positions must be 0, 1, 2, ...)",
					RatingsFile, rows.user[i], ratingscan.SplitName(rows.split[i]), rows.pos[i], want)
			}
			backing = append(backing, entry{movie: movieIdx[rows.movie[i]], rating: rows.rating[i], pos: rows.pos[i]})
			if rows.split[i] == ratingscan.Train {
				nTrain++
			}
		}
		all := backing[lo:len(backing):len(backing)]
		hist[u] = history{train: all[:nTrain], val: all[nTrain:]}
	}
	return hist, nil
}
