package process

import (
	"cmp"
	"fmt"
	"log"
	"path/filepath"
	"slices"
	"time"

	"github.com/moviegenie/pipeline/pkg/movielens"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/split"
	"github.com/moviegenie/pipeline/pkg/tables"
)

func day(t uint32) string { return time.Unix(int64(t), 0).UTC().Format(time.DateOnly) }

// kcore keeps the k-core and compacts the arrays in place (users that
// drop out leave the order).
func (d *data) kcore(cfg Config, rec *runmetrics.Run) error {
	userKept, movieKept, iters := split.KCoreGrouped(d.start, d.movie, len(d.movieIDs), cfg.MinRatingsPerUser, cfg.MinRatingsPerMovie)
	before, after := iters[0].In, iters[len(iters)-1].Out
	rec.Figures["kcore"] = map[string]any{
		"min_ratings_per_user":  cfg.MinRatingsPerUser,
		"min_ratings_per_movie": cfg.MinRatingsPerMovie,
		"before":                before,
		"after":                 after,
		"iterations":            iters,
	}
	log.Printf("k-core (users >= %d, movies >= %d): %d iterations; users %d -> %d, movies %d -> %d, interactions %d -> %d",
		cfg.MinRatingsPerUser, cfg.MinRatingsPerMovie, len(iters),
		before.Users, after.Users, before.Movies, after.Movies, before.Interactions, after.Interactions)
	if after.Interactions == 0 {
		return fmt.Errorf("k-core left no interactions (min_ratings_per_user=%d, min_ratings_per_movie=%d): lower them or check the ratings",
			cfg.MinRatingsPerUser, cfg.MinRatingsPerMovie)
	}
	w := int64(0)
	var order []int32
	start := []int64{0}
	for r, u := range d.order {
		if !userKept[r] {
			continue
		}
		for p := d.start[r]; p < d.start[r+1]; p++ {
			if movieKept[d.movie[p]] {
				d.movie[w], d.rating[w], d.time[w] = d.movie[p], d.rating[p], d.time[p]
				w++
			}
		}
		order = append(order, u)
		start = append(start, w)
	}
	d.movie, d.rating, d.time = d.movie[:w], d.rating[:w], d.time[:w]
	d.order, d.start = order, start
	// Re-count: a failure is a bug in KCoreGrouped.
	movieCount := make([]int, len(d.movieIDs))
	for r := range d.order {
		if n := int(d.start[r+1] - d.start[r]); n < cfg.MinRatingsPerUser {
			return fmt.Errorf("internal error: k-core kept user %d with %d interactions", d.userIDs[d.order[r]], n)
		}
	}
	for _, m := range d.movie {
		movieCount[m]++
	}
	for m, n := range movieCount {
		if n > 0 && n < cfg.MinRatingsPerMovie {
			return fmt.Errorf("internal error: k-core kept movie %d with %d interactions", d.movieIDs[m], n)
		}
	}
	rec.AddCheck("k-core fixed point", true, fmt.Sprintf("every kept user has >= %d interactions and every kept movie >= %d", cfg.MinRatingsPerUser, cfg.MinRatingsPerMovie))
	return nil
}

// dropTest removes each user's test part (as split would set it) and the
// users left with nothing, for held_out: validation. The k-core is not
// run again, so users and movies stay those of the test setting, less the
// movies rated only in test parts (the catalogue is what the data left
// has, as always).
func (d *data) dropTest(cfg Config, rec *runmetrics.Run) error {
	w := int64(0)
	var order []int32
	start := []int64{0}
	removed, usersLeft := 0, 0
	for r, u := range d.order {
		n := int(d.start[r+1] - d.start[r])
		_, _, te, err := split.Parts(n, cfg.Split, cfg.TestSplitRatio)
		if err != nil {
			return err
		}
		keep := n - te
		removed += te
		if keep == 0 {
			continue
		}
		for p := d.start[r]; p < d.start[r]+int64(keep); p++ {
			d.movie[w], d.rating[w], d.time[w] = d.movie[p], d.rating[p], d.time[p]
			w++
		}
		order = append(order, u)
		start = append(start, w)
		usersLeft++
	}
	if w == 0 {
		return fmt.Errorf("held_out: validation: removing each user's test part left no interactions")
	}
	dropped := len(d.order) - usersLeft
	d.movie, d.rating, d.time = d.movie[:w], d.rating[:w], d.time[:w]
	d.order, d.start = order, start
	rec.Figures["held_out_removed"] = map[string]int{"interactions": removed, "users": dropped}
	log.Printf("held_out validation: removed each user's test part (%d interactions; %d users left with none); the split below holds out a validation fold", removed, dropped)
	return nil
}

// split sets each kept user's parts.
func (d *data) split(cfg Config) (split.Summary, error) {
	sum := split.Summary{Method: cfg.Split}
	if cfg.Split == split.Temporal {
		sum.Ratio = cfg.TestSplitRatio
	}
	d.nTrain = make([]int32, len(d.order))
	d.nVal = make([]int32, len(d.order))
	d.nTest = make([]int32, len(d.order))
	for r := range d.order {
		n := int(d.start[r+1] - d.start[r])
		tr, va, te, err := split.Parts(n, cfg.Split, cfg.TestSplitRatio)
		if err != nil {
			return sum, err
		}
		if te < 1 || tr+va+te != n {
			return sum, fmt.Errorf("internal error: user %d split %d/%d/%d of %d interactions", d.userIDs[d.order[r]], tr, va, te, n)
		}
		d.nTrain[r], d.nVal[r], d.nTest[r] = int32(tr), int32(va), int32(te)
		sum.Users++
		sum.Train += tr
		sum.Validation += va
		sum.Test += te
		if tr == 0 {
			sum.UsersWithoutTrain++
		}
		if va == 0 {
			sum.UsersWithoutValidation++
		}
	}
	return sum, nil
}

// write writes every table under out and records them; it returns how
// many it wrote.
func (d *data) write(cfg Config, meta *movielens.Meta, out string, rec *runmetrics.Run) (int, error) {
	keptMovie := make([]bool, len(d.movieIDs))
	for _, m := range d.movie {
		keptMovie[m] = true
	}
	movies := []tables.Movie{}
	for i, m := range meta.Movies {
		if keptMovie[i] {
			movies = append(movies, m)
		}
	}
	sortBy(movies, func(m tables.Movie) int32 { return m.MovieID })
	byID := map[int32]tables.User{}
	for _, u := range meta.Users {
		byID[u.UserID] = u
	}
	users := make([]tables.User, 0, len(d.order))
	withDemo := 0
	for _, u := range d.order {
		id := d.userIDs[u]
		row, ok := byID[id]
		if !ok {
			row = tables.User{UserID: id} // no demographics known
		}
		if row.HasDemographics() {
			withDemo++
		}
		users = append(users, row)
	}
	genres := []tables.Genre{}
	for i, g := range meta.Genres {
		genres = append(genres, tables.Genre{GenreID: int32(i), Name: g})
	}
	occupations := []tables.Occupation{}
	for i, o := range meta.Occupations {
		occupations = append(occupations, tables.Occupation{OccupationID: int32(i), Name: o})
	}
	keptID := make(map[int32]bool, len(movies))
	for _, m := range movies {
		keptID[m.MovieID] = true
	}
	tagRows := meta.Tags.Rows(func(id int32) bool { return keptID[id] })
	small := []struct {
		name  string
		write func(path string) error
	}{
		{MoviesFile, func(p string) error { return tables.Write(p, movies) }},
		{UsersFile, func(p string) error { return tables.Write(p, users) }},
		{RatingsFile, d.writeRatings(cfg.ChunkSize)},
		{SequencesFile, d.writeSequences(cfg.ChunkSize)},
		{GenresFile, func(p string) error { return tables.Write(p, genres) }},
		{OccupationsFile, func(p string) error { return tables.Write(p, occupations) }},
		{TagsFile, func(p string) error { return tables.Write(p, tagRows) }},
	}
	for _, o := range small {
		path := filepath.Join(out, o.name)
		if err := o.write(path); err != nil {
			return 0, err
		}
		if err := rec.AddOutput(path); err != nil {
			return 0, err
		}
	}
	rec.Rows["movies"] = int64(len(movies))
	rec.Rows["users"] = int64(len(users))
	rec.Rows["users_with_demographics"] = int64(withDemo)
	rec.Rows["ratings"] = int64(len(d.movie))
	rec.Rows["sequences"] = int64(len(d.order))
	rec.Rows["genres"] = int64(len(genres))
	rec.Rows["occupations"] = int64(len(occupations))
	rec.Rows["tags"] = int64(len(tagRows))
	// density: the share of the kept user x movie matrix that is rated.
	rec.Figures["density"] = float64(len(d.movie)) / (float64(len(users)) * float64(len(movies)))
	return len(small), nil
}

// chunks calls fn with consecutive runs of whole users [r0, r1) holding
// at most size ratings (or one user, if bigger).
func (d *data) chunks(size int, fn func(r0, r1 int) error) error {
	for r0 := 0; r0 < len(d.order); {
		r1 := r0 + 1
		for r1 < len(d.order) && d.start[r1+1]-d.start[r0] <= int64(size) {
			r1++
		}
		if err := fn(r0, r1); err != nil {
			return err
		}
		r0 = r1
	}
	return nil
}

func (d *data) writeRatings(size int) func(string) error {
	return func(path string) error {
		w, err := tables.CreateRatings(path)
		if err != nil {
			return err
		}
		var g tables.RatingGroup
		err = d.chunks(size, func(r0, r1 int) error {
			g.UserID, g.MovieID, g.Rating = g.UserID[:0], g.MovieID[:0], g.Rating[:0]
			g.TimestampMs, g.Position, g.Split = g.TimestampMs[:0], g.Position[:0], g.Split[:0]
			for r := r0; r < r1; r++ {
				u := d.userIDs[d.order[r]]
				nt, nv := d.nTrain[r], d.nVal[r]
				for p := d.start[r]; p < d.start[r+1]; p++ {
					pos := int32(p - d.start[r])
					code := tables.CodeTest
					switch {
					case pos < nt:
						code = tables.CodeTrain
					case pos < nt+nv:
						code = tables.CodeValidation
					}
					g.UserID = append(g.UserID, u)
					g.MovieID = append(g.MovieID, d.movieIDs[d.movie[p]])
					g.Rating = append(g.Rating, d.rating[p])
					g.TimestampMs = append(g.TimestampMs, int64(d.time[p])*1000)
					g.Position = append(g.Position, pos)
					g.Split = append(g.Split, code)
				}
			}
			return w.WriteGroup(&g)
		})
		if err != nil {
			w.Abort()
			return err
		}
		return w.Close()
	}
}

func (d *data) writeSequences(size int) func(string) error {
	return func(path string) error {
		w, err := tables.CreateSequences(path)
		if err != nil {
			return err
		}
		var g tables.SequenceGroup
		err = d.chunks(size, func(r0, r1 int) error {
			g.UserID, g.Offsets, g.MovieIDs, g.TimestampsMs, g.Ratings = g.UserID[:0], append(g.Offsets[:0], 0), g.MovieIDs[:0], g.TimestampsMs[:0], g.Ratings[:0]
			g.NTrain, g.NVal, g.NTest = g.NTrain[:0], g.NVal[:0], g.NTest[:0]
			for r := r0; r < r1; r++ {
				for p := d.start[r]; p < d.start[r+1]; p++ {
					g.MovieIDs = append(g.MovieIDs, d.movieIDs[d.movie[p]])
					g.TimestampsMs = append(g.TimestampsMs, int64(d.time[p])*1000)
					g.Ratings = append(g.Ratings, d.rating[p])
				}
				g.UserID = append(g.UserID, d.userIDs[d.order[r]])
				g.Offsets = append(g.Offsets, int32(len(g.MovieIDs)))
				g.NTrain = append(g.NTrain, d.nTrain[r])
				g.NVal = append(g.NVal, d.nVal[r])
				g.NTest = append(g.NTest, d.nTest[r])
			}
			return w.WriteGroup(&g)
		})
		if err != nil {
			w.Abort()
			return err
		}
		return w.Close()
	}
}

func sortBy[T any](rows []T, key func(T) int32) {
	slices.SortFunc(rows, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
}
