package db

import (
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/moviegenie/pipeline/pkg/ratingscan"

	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// MinRating and MaxRating bound ratings.rating (half stars to five stars);
// a value between two half stars (a csv dataset's) is kept as given.
const (
	MinRating = 0.5
	MaxRating = 5.0
)

// loadProcessed inserts the five data/processed tables, checking every
// reference first so that a bad one is reported by name. The small tables
// go in while ratings.parquet is still being read.
func (b *builder) loadProcessed(r *reads) error {
	genres, err := r.genres.wait(b)
	if err != nil {
		return err
	}
	occupations, err := r.occupations.wait(b)
	if err != nil {
		return err
	}
	movies, err := r.movies.wait(b)
	if err != nil {
		return err
	}
	users, err := r.users.wait(b)
	if err != nil {
		return err
	}
	b.moviesFile, b.usersFile = r.movies.path, r.users.path
	b.ratingsFile = r.ratingsPath

	// Genres and occupations: users and movies refer to them by name.
	f := r.genres.path
	b.genreIDs = make(map[string]int32, len(genres))
	for i, g := range genres {
		if _, dup := b.genreIDs[g.Name]; dup {
			return fmt.Errorf("%s row %d: genre %q appears twice", f, i, g.Name)
		}
		b.genreIDs[g.Name] = g.GenreID
	}
	err = b.insert(f, "genres (genre_id, name)", 2, len(genres),
		func(i int, dst []any) []any { return append(dst, genres[i].GenreID, genres[i].Name) },
		func(i int) string { return fmt.Sprintf("genre_id %d, name %q", genres[i].GenreID, genres[i].Name) })
	if err != nil {
		return err
	}
	b.want["genres"] = int64(len(genres))

	f = r.occupations.path
	b.occupationIDs = make(map[string]int32, len(occupations))
	for i, o := range occupations {
		if _, dup := b.occupationIDs[o.Name]; dup {
			return fmt.Errorf("%s row %d: occupation %q appears twice", f, i, o.Name)
		}
		b.occupationIDs[o.Name] = o.OccupationID
	}
	err = b.insert(f, "occupations (occupation_id, name)", 2, len(occupations),
		func(i int, dst []any) []any { return append(dst, occupations[i].OccupationID, occupations[i].Name) },
		func(i int) string {
			return fmt.Sprintf("occupation_id %d, name %q", occupations[i].OccupationID, occupations[i].Name)
		})
	if err != nil {
		return err
	}
	b.want["occupations"] = int64(len(occupations))

	// Movies and their genres.
	f = r.movies.path
	// Genre columns of the per-user liked counts (stats), by genre_id.
	genreCols := make([]int32, len(genres))
	for i, g := range genres {
		genreCols[i] = g.GenreID
	}
	slices.Sort(genreCols)
	genreCol := make(map[int32]int32, len(genres))
	genreNames := make([]string, len(genres))
	for c, id := range genreCols {
		genreCol[id] = int32(c)
	}
	for _, g := range genres {
		genreNames[genreCol[g.GenreID]] = g.Name
	}
	b.movieIDs = make([]int32, len(movies))
	movieGenres := make([][]int32, len(movies))
	type movieGenre struct{ movie, genre int32 }
	var mgs []movieGenre
	for i, m := range movies {
		for _, g := range m.Genres {
			id, ok := b.genreIDs[g]
			if !ok {
				return fmt.Errorf("%s row %d (movie_id %d): genre %q is not in %s", f, i, m.MovieID, g, r.genres.path)
			}
			mgs = append(mgs, movieGenre{m.MovieID, id})
			movieGenres[i] = append(movieGenres[i], genreCol[id])
		}
		b.movieIDs[i] = m.MovieID
	}
	b.movieIdx = newIDIndex(b.movieIDs)
	err = b.insert(f, "movies (movie_id, title, year, release_date, imdb_url)", 5, len(movies),
		func(i int, dst []any) []any {
			m := &movies[i]
			return append(dst, m.MovieID, m.Title, nullInt(m.Year), isoDate(m.ReleaseDate), nullString(m.IMDbURL))
		},
		func(i int) string { return fmt.Sprintf("movie_id %d, title %q", movies[i].MovieID, movies[i].Title) })
	if err != nil {
		return err
	}
	b.want["movies"] = int64(len(movies))
	err = b.insert(f, "movie_genres (movie_id, genre_id)", 2, len(mgs),
		func(i int, dst []any) []any { return append(dst, mgs[i].movie, mgs[i].genre) },
		func(i int) string { return fmt.Sprintf("movie_id %d, genre_id %d", mgs[i].movie, mgs[i].genre) })
	if err != nil {
		return err
	}
	b.want["movie_genres"] = int64(len(mgs))

	// Users.
	f = r.users.path
	b.userIDs = make([]int32, len(users))
	occ := make([]*int32, len(users)) // nil: NULL
	for i, u := range users {
		b.userIDs[i] = u.UserID
		if u.Occupation == nil {
			continue // no demographics: occupation_id is NULL
		}
		id, ok := b.occupationIDs[*u.Occupation]
		if !ok {
			return fmt.Errorf("%s row %d (user_id %d): occupation %q is not in %s", f, i, u.UserID, *u.Occupation, r.occupations.path)
		}
		occ[i] = &id
	}
	err = b.insert(f, "users (user_id, age, gender, occupation_id, zip_code)", 5, len(users),
		func(i int, dst []any) []any {
			u := &users[i]
			return append(dst, u.UserID, nullInt(u.Age), nullString(u.Gender), nullInt(occ[i]), nullString(u.ZipCode))
		},
		func(i int) string { return fmt.Sprintf("user_id %d", users[i].UserID) })
	if err != nil {
		return err
	}
	b.want["users"] = int64(len(users))
	b.userIdx = newIDIndex(b.userIDs)
	b.stats = newStats(len(users), len(movies), genreCols, genreNames, movieGenres, b.opt.LikedRating)
	return b.loadRatings(r.ratingsInfo)
}

// ratingChunk is a run of consecutive rows of ratings.parquet.
type ratingChunk struct {
	first                 int64
	user, movie, position []int32
	rating                []float32
	split                 []int8
	seconds               []int64 // Unix seconds
}

// loadRatings streams ratings.parquet into the ratings table, chunk by
// chunk, checking every reference first so that a bad one is reported by
// file, row and value, and accumulating the statistics (b.stats) on the
// way: memory holds a few chunks, not the table.
func (b *builder) loadRatings(describe func() (runmetrics.FileInfo, error)) error {
	f := b.ratingsFile
	info, err := describe()
	if err != nil {
		return err
	}
	b.res.Inputs = append(b.res.Inputs, info)
	ins, err := b.newInserter(f, "ratings (user_id, movie_id, rating, timestamp, position, split)", 6)
	if err != nil {
		return err
	}
	defer ins.close()
	userBox, movieBox, small := b.boxes()
	var n int64
	err = overlap(b.ctx, func(get func() (*ratingChunk, bool), put func(*ratingChunk)) error {
		_, err := ratingscan.ScanTimes(f, chunkRows, func(src *ratingscan.Batch) error {
			c, ok := get()
			if !ok {
				return errStopped
			}
			c.first = src.First
			c.user = append(c.user[:0], src.UserID...)
			c.movie = append(c.movie[:0], src.MovieID...)
			c.position = append(c.position[:0], src.Position...)
			c.rating = append(c.rating[:0], src.Rating...)
			c.split = append(c.split[:0], src.Split...)
			c.seconds = c.seconds[:0]
			for _, ms := range src.Timestamp {
				c.seconds = append(c.seconds, floorDiv(ms, 1000))
			}
			put(c)
			return nil
		})
		return err
	}, func(c *ratingChunk) error {
		for i, uid := range c.user {
			row := c.first + int64(i)
			u, ok := b.userIdx.get(uid)
			if !ok {
				return fmt.Errorf("%s row %d: user_id %d is not in %s", f, row, uid, b.usersFile)
			}
			m, ok := b.movieIdx.get(c.movie[i])
			if !ok {
				return fmt.Errorf("%s row %d (user_id %d): movie_id %d is not in %s", f, row, uid, c.movie[i], b.moviesFile)
			}
			if r := c.rating[i]; !(r >= MinRating && r <= MaxRating) {
				return fmt.Errorf("%s row %d (user_id %d, movie_id %d): rating %g is outside %g..%g (the database holds ratings on the five-star scale)",
					f, row, uid, c.movie[i], r, MinRating, MaxRating)
			}
			b.stats.add(u, m, c.rating[i], c.seconds[i])
		}
		n += int64(len(c.user))
		return ins.rows(c.first, len(c.user),
			func(i int, dst []any) []any {
				return append(dst, userBox.of(c.user[i]), movieBox.of(c.movie[i]), ratingBox(c.rating[i]), c.seconds[i], small.of(c.position[i]), splitBoxes[c.split[i]])
			},
			func(i int) string {
				return fmt.Sprintf("user_id %d, movie_id %d, rating %g", c.user[i], c.movie[i], c.rating[i])
			})
	})
	if err != nil {
		return err
	}
	b.want["ratings"] = n
	b.logf("loaded %d movies, %d users, %d ratings from %s", len(b.movieIDs), len(b.userIDs), n, filepath.Dir(f))
	return nil
}

// boxes holds the int64 values 0..len-1 already in interfaces, so that
// binding a row allocates nothing for them. database/sql takes a row as
// []any: an int32 put there is boxed once when the row is built, then
// converted to int64 by reflection and boxed again, and at 25M ratings of
// six values each that was a large share of the load. Values outside the
// table are boxed as they come.
type boxes []any

func newBoxes(n int) boxes {
	b := make(boxes, n)
	for i := range b {
		b[i] = int64(i)
	}
	return b
}

// newBoxesFor boxes every value up to the largest of ids, unless the ids
// are too sparse for a table (then values are boxed as they come).
func newBoxesFor(ids []int32) boxes {
	hi := int32(-1)
	for _, id := range ids {
		hi = max(hi, id)
	}
	if int64(hi) >= 8*int64(len(ids))+1<<16 {
		return nil
	}
	return newBoxes(int(hi) + 1)
}

func (b boxes) of(v int32) any {
	if v >= 0 && int(v) < len(b) {
		return b[v]
	}
	return int64(v)
}

// boxes returns the tables of user ids, movie ids and small values
// (positions, ranks), made on first use and shared by every table the
// build loads.
func (b *builder) boxes() (users, movies, small boxes) {
	if b.boxSmall == nil {
		b.boxUsers, b.boxMovies, b.boxSmall = newBoxesFor(b.userIDs), newBoxesFor(b.movieIDs), newBoxes(1<<16)
	}
	return b.boxUsers, b.boxMovies, b.boxSmall
}

// halfStars boxes the ratings 0, 0.5, .., 5 (index: twice the rating).
var halfStars = func() []any {
	b := make([]any, 11)
	for i := range b {
		b[i] = float64(i) / 2
	}
	return b
}()

// ratingBox is rating r as a float64 in an interface, from halfStars when
// r is a half star.
func ratingBox(r float32) any {
	if k := int(r * 2); k >= 0 && k < len(halfStars) && float32(k) == r*2 {
		return halfStars[k]
	}
	return float64(r)
}

// splitBoxes are the split names by ratingscan's split code.
var splitBoxes = [...]any{ratingscan.SplitName(0), ratingscan.SplitName(1), ratingscan.SplitName(2)}

// floorDiv is a/b rounded towards minus infinity (milliseconds to seconds).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func nullInt(p *int32) any {
	if p == nil {
		return nil
	}
	return *p
}

func nullString(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// isoDate turns a parquet DATE (days since 1970-01-01) into "YYYY-MM-DD".
func isoDate(days *int32) any {
	if days == nil {
		return nil
	}
	return time.Unix(int64(*days)*86400, 0).UTC().Format("2006-01-02")
}

// ensureModel adds model to the models table if it is not there yet.
func (b *builder) ensureModel(model string) (*modelInfo, error) {
	if b.models == nil {
		b.models = map[string]*modelInfo{}
	}
	if m, ok := b.models[model]; ok {
		return m, nil
	}
	if _, err := b.tx.ExecContext(b.ctx, "INSERT INTO models (model) VALUES (?)", model); err != nil {
		return nil, fmt.Errorf("add model %q: %w", model, err)
	}
	m := &modelInfo{}
	b.models[model] = m
	b.res.Models = append(b.res.Models, model)
	b.want["models"]++
	return m, nil
}

// loadModels loads every recommendation and vector file.
func (b *builder) loadModels(in Inputs, r *reads) error {
	b.want["recommendations"] = 0
	b.want["movie_embeddings"] = 0
	b.want["models"] = 0
	for k, mf := range in.Recs {
		if err := b.loadRecs(mf, r.recs[k]); err != nil {
			return err
		}
	}
	for k, mf := range in.Vectors {
		rows, err := r.vectors[k].wait(b)
		if err != nil {
			return err
		}
		ids, vecs := make([]int32, len(rows)), make([][]float32, len(rows))
		for i := range rows {
			ids[i], vecs[i] = rows[i].MovieID, rows[i].Vector
		}
		if err := b.loadVectors(mf, r.vectors[k].info.SHA256, ids, vecs); err != nil {
			return err
		}
	}
	if r.text != nil {
		rows, err := r.text.wait(b)
		if err != nil {
			return err
		}
		ids, vecs := make([]int32, len(rows)), make([][]float32, len(rows))
		for i := range rows {
			ids[i], vecs[i] = rows[i].MovieID, rows[i].Embedding
		}
		mf := ModelFile{Model: TextModel, Path: in.TextEmbeddings}
		if err := b.loadVectors(mf, r.text.info.SHA256, ids, vecs); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) loadRecs(mf ModelFile, describe func() (runmetrics.FileInfo, error)) error {
	info, err := describe()
	if err != nil {
		return err
	}
	b.res.Inputs = append(b.res.Inputs, info)
	m, err := b.ensureModel(mf.Model)
	if err != nil {
		return err
	}
	if m.recsFile != "" {
		return fmt.Errorf("%s: model %q already has recommendations from %s", mf.Path, mf.Model, m.recsFile)
	}
	m.recsFile = mf.Path
	ins, err := b.newInserter(mf.Path, "recommendations (model, user_id, rank, movie_id, score)", 5)
	if err != nil {
		return err
	}
	defer ins.close()
	var model any = mf.Model
	userBox, movieBox, small := b.boxes()
	hasRecs := make([]bool, len(b.userIDs))
	// A user's rows are one run (as the trainers write them); within it,
	// listed[m] == run marks movie m as already listed.
	listed := make([]int32, len(b.movieIDs))
	run, cur := int32(0), int32(-1)
	var nRows int64
	err = overlap(b.ctx, func(get func() (*recBatch, bool), put func(*recBatch)) error {
		_, err := scanRecs(mf.Path, chunkRows, func(src *recBatch) error {
			c, ok := get()
			if !ok {
				return errStopped
			}
			c.First = src.First
			c.UserID = append(c.UserID[:0], src.UserID...)
			c.Rank = append(c.Rank[:0], src.Rank...)
			c.MovieID = append(c.MovieID[:0], src.MovieID...)
			c.Score = append(c.Score[:0], src.Score...)
			put(c)
			return nil
		})
		return err
	}, func(c *recBatch) error {
		for i, uid := range c.UserID {
			u, ok := b.userIdx.get(uid)
			if !ok {
				return fmt.Errorf("%s row %d: user_id %d is not in %s", mf.Path, c.First+int64(i), uid, b.usersFile)
			}
			m, ok := b.movieIdx.get(c.MovieID[i])
			if !ok {
				return fmt.Errorf("%s row %d (user_id %d, rank %d): movie_id %d is not in the catalogue (%s)",
					mf.Path, c.First+int64(i), uid, c.Rank[i], c.MovieID[i], b.moviesFile)
			}
			if u != cur {
				if hasRecs[u] {
					return fmt.Errorf("%s row %d (user_id %d): this user's recommendations resume here after other users' (a user's rows must be consecutive)",
						mf.Path, c.First+int64(i), uid)
				}
				hasRecs[u], cur = true, u
				run++
			}
			if listed[m] == run {
				return fmt.Errorf("%s row %d (user_id %d, rank %d): movie_id %d is already in this user's list",
					mf.Path, c.First+int64(i), uid, c.Rank[i], c.MovieID[i])
			}
			listed[m] = run
		}
		nRows += int64(len(c.UserID))
		return ins.rows(c.First, len(c.UserID),
			func(i int, dst []any) []any {
				return append(dst, model, userBox.of(c.UserID[i]), small.of(c.Rank[i]), movieBox.of(c.MovieID[i]), float64(c.Score[i]))
			},
			func(i int) string {
				return fmt.Sprintf("user_id %d, rank %d, movie_id %d", c.UserID[i], c.Rank[i], c.MovieID[i])
			})
	})
	if err != nil {
		return err
	}
	users := 0
	for _, ok := range hasRecs {
		if ok {
			users++
		}
	}
	_, err = b.tx.ExecContext(b.ctx, `UPDATE models SET recs_file = ?, recs_sha256 = ?, n_users = ?, n_recommendations = ? WHERE model = ?`,
		mf.Path, info.SHA256, users, nRows, mf.Model)
	if err != nil {
		return fmt.Errorf("record model %q: %w", mf.Model, err)
	}
	b.want["recommendations"] += nRows
	b.logf("loaded %d recommendations of model %s for %d users from %s", nRows, mf.Model, users, mf.Path)
	return nil
}

// loadVectors loads the movie vectors of one model: vecs[i] is movie ids[i]'s.
func (b *builder) loadVectors(mf ModelFile, sha256 string, ids []int32, vecs [][]float32) error {
	dim := len(vecs[0])
	for i := range ids {
		if _, ok := b.movieIdx.get(ids[i]); !ok {
			return fmt.Errorf("%s row %d: movie_id %d is not in the catalogue (%s)", mf.Path, i, ids[i], b.moviesFile)
		}
		if len(vecs[i]) != dim || dim == 0 {
			return fmt.Errorf("%s row %d (movie_id %d): vector has %d values, want %d like row 0", mf.Path, i, ids[i], len(vecs[i]), dim)
		}
	}
	m, err := b.ensureModel(mf.Model)
	if err != nil {
		return err
	}
	if m.vectorsFile != "" {
		return fmt.Errorf("%s: model %q already has movie vectors from %s", mf.Path, mf.Model, m.vectorsFile)
	}
	m.vectorsFile = mf.Path
	// One buffer for all blobs: a batch binds many at once.
	blobs := make([]byte, 4*dim*len(ids))
	for i := range ids {
		EncodeVector(blobs[4*dim*i:4*dim*(i+1)], vecs[i])
	}
	err = b.insert(mf.Path, "movie_embeddings (model, movie_id, dim, vector)", 4, len(ids),
		func(i int, dst []any) []any { return append(dst, mf.Model, ids[i], dim, blobs[4*dim*i:4*dim*(i+1)]) },
		func(i int) string { return fmt.Sprintf("movie_id %d", ids[i]) })
	if err != nil {
		return err
	}
	_, err = b.tx.ExecContext(b.ctx, `UPDATE models SET vectors_file = ?, vectors_sha256 = ?, dim = ?, n_vectors = ? WHERE model = ?`,
		mf.Path, sha256, dim, len(ids), mf.Model)
	if err != nil {
		return fmt.Errorf("record model %q: %w", mf.Model, err)
	}
	b.want["movie_embeddings"] += int64(len(ids))
	b.logf("loaded %d movie vectors (dim %d) of model %s from %s", len(ids), dim, mf.Model, mf.Path)
	return nil
}
