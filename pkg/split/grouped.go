package split

import "fmt"

// KCoreGrouped is KCore on compact arrays, for data too big for a slice
// of rows: the ratings are grouped by user, user u's at
// [start[u], start[u+1]) of movie, which holds movie indices below
// nMovies. It returns which users and movies remain and the same
// iteration records as KCore. Memory: the users and movies counts and
// flags only; each count is one pass over movie.
//
// KCoreGrouped panics if a minimum is below 1 or start is not
// non-decreasing from 0 to len(movie).
func KCoreGrouped(start []int64, movie []int32, nMovies, minPerUser, minPerMovie int) (userKept, movieKept []bool, iters []Iteration) {
	if minPerUser < 1 || minPerMovie < 1 {
		panic(fmt.Sprintf("split: KCoreGrouped minimums %d, %d: want >= 1", minPerUser, minPerMovie))
	}
	nUsers := len(start) - 1
	if nUsers < 0 || start[0] != 0 || start[nUsers] != int64(len(movie)) {
		panic("split: KCoreGrouped start does not cover movie")
	}
	userKept = make([]bool, nUsers)
	movieKept = make([]bool, nMovies)
	for u := range userKept {
		userKept[u] = start[u+1] > start[u]
	}
	for _, m := range movie {
		movieKept[m] = true
	}
	userCount := make([]int32, nUsers)
	movieCount := make([]int32, nMovies)
	count := func() Counts {
		clear(userCount)
		clear(movieCount)
		var c Counts
		for u := range nUsers {
			if !userKept[u] {
				continue
			}
			n := int32(0)
			for _, m := range movie[start[u]:start[u+1]] {
				if movieKept[m] {
					n++
					movieCount[m]++
				}
			}
			userCount[u] = n
			c.Interactions += int(n)
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
	// drop clears the flags of keys whose count is below least; it counts
	// those with a positive count (keys already at 0 are gone already).
	drop := func(kept []bool, counts []int32, least int) int {
		dropped := 0
		for i, n := range counts {
			if kept[i] && int(n) < least {
				kept[i] = false
				if n > 0 {
					dropped++
				}
			}
		}
		return dropped
	}
	for it := 1; ; it++ {
		rec := Iteration{Iteration: it, In: count()}
		rec.MoviesDropped = drop(movieKept, movieCount, minPerMovie)
		rec.AfterMovies = count()
		rec.UsersDropped = drop(userKept, userCount, minPerUser)
		rec.Out = count()
		iters = append(iters, rec)
		if rec.MoviesDropped == 0 && rec.UsersDropped == 0 {
			break
		}
	}
	return userKept, movieKept, iters
}
