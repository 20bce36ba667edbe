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
	cur := append([]tables.Rating(nil), ratings...)
	var iters []Iteration
	for it := 1; ; it++ {
		rec := Iteration{Iteration: it, In: CountOf(cur)}
		var dropped int
		cur, dropped = dropBelow(cur, minPerMovie, func(r *tables.Rating) int32 { return r.MovieID })
		rec.MoviesDropped = dropped
		rec.AfterMovies = CountOf(cur)
		cur, dropped = dropBelow(cur, minPerUser, func(r *tables.Rating) int32 { return r.UserID })
		rec.UsersDropped = dropped
		rec.Out = CountOf(cur)
		iters = append(iters, rec)
		if rec.MoviesDropped == 0 && rec.UsersDropped == 0 {
			return cur, iters
		}
	}
}

// dropBelow removes, in place, the interactions whose key has fewer than
// least interactions, and returns the rest and how many keys it dropped.
func dropBelow(rs []tables.Rating, least int, key func(*tables.Rating) int32) ([]tables.Rating, int) {
	count := map[int32]int{}
	for i := range rs {
		count[key(&rs[i])]++
	}
	dropped := 0
	for _, c := range count {
		if c < least {
			dropped++
		}
	}
	if dropped == 0 {
		return rs, 0
	}
	out := rs[:0]
	for i := range rs {
		if count[key(&rs[i])] >= least {
			out = append(out, rs[i])
		}
	}
	return out, dropped
}
