package db

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// stats accumulates movie_stats and user_stats in one pass over the
// ratings as they stream in, instead of grouping the loaded table in SQL
// afterwards (at 25M ratings that was two more passes and a sort). The
// figures are those the schema documents: over all ratings, every split.
type stats struct {
	liked       float32 // a rating at least this counts towards favourite genres
	nGenres     int
	genreIDs    []int32   // column -> genre_id, ascending (ties in favourite_genres)
	genreNames  []string  // column -> name
	movieGenres [][]int32 // movie index -> genre columns

	userN           []int64
	userSum         []ksum
	userFirst       []int64 // Unix seconds
	userLast        []int64
	userLiked       []int32 // user index * nGenres + column: liked movies of that genre
	movieN          []int64
	movieSum        []ksum
	nUsers, nMovies int
}

// add counts one rating of user index u for movie index m at time ts
// (Unix seconds).
func (s *stats) add(u, m int32, rating float32, ts int64) {
	if s.userN[u] == 0 || ts < s.userFirst[u] {
		s.userFirst[u] = ts
	}
	if s.userN[u] == 0 || ts > s.userLast[u] {
		s.userLast[u] = ts
	}
	s.userN[u]++
	s.userSum[u].add(float64(rating))
	s.movieN[m]++
	s.movieSum[m].add(float64(rating))
	if rating >= s.liked {
		row := s.userLiked[int(u)*s.nGenres:]
		for _, g := range s.movieGenres[m] {
			row[g]++
		}
	}
}

func newStats(nUsers, nMovies int, genreIDs []int32, genreNames []string, movieGenres [][]int32, liked int) *stats {
	return &stats{
		liked: float32(liked), nGenres: len(genreIDs), genreIDs: genreIDs, genreNames: genreNames, movieGenres: movieGenres,
		userN: make([]int64, nUsers), userSum: make([]ksum, nUsers), userFirst: make([]int64, nUsers), userLast: make([]int64, nUsers),
		userLiked: make([]int32, nUsers*len(genreIDs)),
		movieN:    make([]int64, nMovies), movieSum: make([]ksum, nMovies), nUsers: nUsers, nMovies: nMovies,
	}
}

// mean is AVG(rating): NULL (nil) without ratings.
func mean(n int64, s ksum) any {
	if n == 0 {
		return nil
	}
	return s.value() / float64(n)
}

// favourites is user u's favourite_genres: the JSON array of the names of
// the genres of the movies u liked, most liked first (ties by genre_id), at
// most k of them.
func (s *stats) favourites(u int, k int, order []int) (string, error) {
	row := s.userLiked[u*s.nGenres : (u+1)*s.nGenres]
	order = order[:0]
	for g, n := range row {
		if n > 0 {
			order = append(order, g)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if row[a] != row[b] {
			return int(row[b] - row[a])
		}
		return int(s.genreIDs[a] - s.genreIDs[b])
	})
	names := make([]string, 0, min(k, len(order)))
	for _, g := range order[:min(k, len(order))] {
		names = append(names, s.genreNames[g])
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(names); err != nil {
		return "", fmt.Errorf("encode favourite genres: %w", err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// computeStats writes movie_stats and user_stats from what loadRatings
// accumulated: one row per movie and per user of the catalogue.
func (b *builder) computeStats() error {
	s := b.stats
	err := b.insert("movie_stats", "movie_stats (movie_id, n_ratings, mean_rating)", 3, s.nMovies,
		func(i int, dst []any) []any {
			return append(dst, b.movieIDs[i], s.movieN[i], mean(s.movieN[i], s.movieSum[i]))
		},
		func(i int) string { return fmt.Sprintf("movie_id %d", b.movieIDs[i]) })
	if err != nil {
		return fmt.Errorf("compute movie_stats: %w", err)
	}
	b.want["movie_stats"] = b.want["movies"]
	order := make([]int, 0, s.nGenres)
	favs := make([]string, s.nUsers)
	for u := range s.nUsers {
		if favs[u], err = s.favourites(u, b.opt.FavouriteGenres, order); err != nil {
			return err
		}
	}
	err = b.insert("user_stats", "user_stats (user_id, n_ratings, mean_rating, first_rated_at, last_rated_at, favourite_genres)", 6, s.nUsers,
		func(i int, dst []any) []any {
			var first, last any
			if s.userN[i] > 0 {
				first, last = s.userFirst[i], s.userLast[i]
			}
			return append(dst, b.userIDs[i], s.userN[i], mean(s.userN[i], s.userSum[i]), first, last, favs[i])
		},
		func(i int) string { return fmt.Sprintf("user_id %d", b.userIDs[i]) })
	if err != nil {
		return fmt.Errorf("compute user_stats: %w", err)
	}
	b.want["user_stats"] = b.want["users"]
	return nil
}
