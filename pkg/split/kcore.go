package split

import (
	"fmt"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// Counts describes a set of interactions.
type Counts struct {
	Users        int `json:"users"`
	Movies       int `json:"movies"`
	Interactions int `json:"interactions"`
}

// Iteration records one pass of the k-core filter: the counts it started
// from, the movies it dropped and the counts after that, the users it then
// dropped and the counts it ended with.
type Iteration struct {
	Iteration     int    `json:"iteration"` // 1-based
	In            Counts `json:"in"`
	MoviesDropped int    `json:"movies_dropped"`
	AfterMovies   Counts `json:"after_movies"`
	UsersDropped  int    `json:"users_dropped"`
	Out           Counts `json:"out"`
}

// CountOf counts the distinct users and movies of ratings.
func CountOf(ratings []tables.Rating) Counts {
	users, movies := map[int32]struct{}{}, map[int32]struct{}{}
	for _, r := range ratings {
		users[r.UserID] = struct{}{}
		movies[r.MovieID] = struct{}{}
	}
	return Counts{Users: len(users), Movies: len(movies), Interactions: len(ratings)}
}

// KCore returns the interactions that remain after repeatedly dropping the
// movies with fewer than minPerMovie interactions, then the users with fewer
// than minPerUser, until an iteration drops nothing (the last iteration
// recorded is that one). The result keeps the input order in a new slice;
// ratings is not modified. The remaining set is the largest one in which
// every user and movie meets its minimum, so it does not depend on the
// order of the two steps.
//
// KCore panics if a minimum is below 1.
func KCore(ratings []tables.Rating, minPerUser, minPerMovie int) ([]tables.Rating, []Iteration) {
	if minPerUser < 1 || minPerMovie < 1 {
		panic(fmt.Sprintf("split: KCore minimums %d, %d: want >= 1", minPerUser, minPerMovie))
	}
	// Work on dense indices: user[i], movie[i] index the count arrays, and
	// live lists the interactions still in.
	user, nUsers := denseIndex(ratings, func(r *tables.Rating) int32 { return r.UserID })
	movie, nMovies := denseIndex(ratings, func(r *tables.Rating) int32 { return r.MovieID })
	live := make([]int32, len(ratings))
	for i := range live {
		live[i] = int32(i)
	}
	userCount := make([]int, nUsers)
	movieCount := make([]int, nMovies)
	count := func() Counts {
		clear(userCount)
		clear(movieCount)
		for _, i := range live {
			userCount[user[i]]++
			movieCount[movie[i]]++
		}
		c := Counts{Interactions: len(live)}
		for _, n := range userCount {
			if n > 0 {
				c.Users++
			}
		}
		for _, n := range movieCount {
			if n > 0 {
				c.Movies++
			}
		}
		return c
	}
	// drop removes the interactions whose key count is positive but below
	// least, and returns how many keys that drops.
	drop := func(key []int32, counts []int, least int) int {
		dropped := 0
		for _, n := range counts {
			if n > 0 && n < least {
				dropped++
			}
		}
		if dropped > 0 {
			out := live[:0]
			for _, i := range live {
				if counts[key[i]] >= least {
					out = append(out, i)
				}
			}
			live = out
		}
		return dropped
	}

	var iters []Iteration
	for it := 1; ; it++ {
		rec := Iteration{Iteration: it, In: count()}
		rec.MoviesDropped = drop(movie, movieCount, minPerMovie)
		rec.AfterMovies = count()
		rec.UsersDropped = drop(user, userCount, minPerUser)
		rec.Out = count()
		iters = append(iters, rec)
		if rec.MoviesDropped == 0 && rec.UsersDropped == 0 {
			break
		}
	}
	kept := make([]tables.Rating, len(live))
	for j, i := range live {
		kept[j] = ratings[i]
	}
	return kept, iters
}

// denseIndex maps each rating's key to 0, 1, 2, ... in order of first
// appearance, and returns the index per rating and the number of keys.
func denseIndex(ratings []tables.Rating, key func(*tables.Rating) int32) ([]int32, int) {
	ids := map[int32]int32{}
	idx := make([]int32, len(ratings))
	for i := range ratings {
		k := key(&ratings[i])
		j, ok := ids[k]
		if !ok {
			j = int32(len(ids))
			ids[k] = j
		}
		idx[i] = j
	}
	return idx, len(ids)
}
