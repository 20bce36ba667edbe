package db

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/moviegenie/pipeline/pkg/eval"
)

// MinRating and MaxRating bound ratings.rating (half stars to five stars);
// a value between two half stars (a csv dataset's) is kept as given.
const (
	MinRating = 0.5
	MaxRating = 5.0
)

// batchRows is how many rows one INSERT statement carries: a multi-row
// statement costs one round trip into SQLite instead of batchRows.
const batchRows = 64

// insert inserts n rows into target ("table (col, ...)", ncols columns):
// row(i, dst) appends row i's values to dst. Rows go in batchRows at a time
// through one prepared statement, the remainder through a one-row
// statement. If a batch fails, its rows are retried one by one so that the
// error names the file, the row index and the row's key (key(i)).
func (b *builder) insert(file, target string, ncols, n int, row func(i int, dst []any) []any, key func(i int) string) error {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", ncols), ", ") + ")"
	single, err := b.tx.PrepareContext(b.ctx, "INSERT INTO "+target+" VALUES "+one)
	if err != nil {
		return fmt.Errorf("prepare insert into %s: %w", target, err)
	}
	defer single.Close()
	var batch *sql.Stmt
	if n >= batchRows {
		batch, err = b.tx.PrepareContext(b.ctx, "INSERT INTO "+target+" VALUES "+strings.TrimSuffix(strings.Repeat(one+", ", batchRows), ", "))
		if err != nil {
			return fmt.Errorf("prepare insert into %s: %w", target, err)
		}
		defer batch.Close()
	}
	args := make([]any, 0, ncols*batchRows)
	oneByOne := func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			if _, err := single.Exec(row(i, args[:0])...); err != nil {
				return fmt.Errorf("%s row %d (%s): %w", file, i, key(i), err)
			}
		}
		return nil
	}
	i := 0
	for ; i+batchRows <= n; i += batchRows {
		if err := b.ctx.Err(); err != nil {
			return err
		}
		args = args[:0]
		for j := i; j < i+batchRows; j++ {
			args = row(j, args)
		}
		if _, err := batch.Exec(args...); err != nil {
			// The failed statement changed nothing; find the row.
			if err := oneByOne(i, i+batchRows); err != nil {
				return err
			}
			return fmt.Errorf("%s rows %d to %d: %w", file, i, i+batchRows-1, err)
		}
	}
	return oneByOne(i, n)
}

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
	b.movies = make(map[int32]bool, len(movies))
	type movieGenre struct{ movie, genre int32 }
	var mgs []movieGenre
	for i, m := range movies {
		for _, g := range m.Genres {
			id, ok := b.genreIDs[g]
			if !ok {
				return fmt.Errorf("%s row %d (movie_id %d): genre %q is not in %s", f, i, m.MovieID, g, r.genres.path)
			}
			mgs = append(mgs, movieGenre{m.MovieID, id})
		}
		b.movies[m.MovieID] = true
	}
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
	b.users = make(map[int32]bool, len(users))
	occ := make([]*int32, len(users)) // nil: NULL
	for i, u := range users {
		b.users[u.UserID] = true
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

	// Ratings, the largest file, may still be being read.
	ratings, err := r.ratings.wait(b)
	if err != nil {
		return err
	}
	f = r.ratings.path
	for i, r := range ratings {
		if !b.users[r.UserID] {
			return fmt.Errorf("%s row %d: user_id %d is not in %s", f, i, r.UserID, b.usersFile)
		}
		if !b.movies[r.MovieID] {
			return fmt.Errorf("%s row %d (user_id %d): movie_id %d is not in %s", f, i, r.UserID, r.MovieID, b.moviesFile)
		}
		if !(r.Rating >= MinRating && r.Rating <= MaxRating) {
			return fmt.Errorf("%s row %d (user_id %d, movie_id %d): rating %g is outside %g..%g (the database holds ratings on the five-star scale)",
				f, i, r.UserID, r.MovieID, r.Rating, MinRating, MaxRating)
		}
	}
	err = b.insert(f, "ratings (user_id, movie_id, rating, timestamp, position, split)", 6, len(ratings),
		func(i int, dst []any) []any {
			r := &ratings[i]
			return append(dst, r.UserID, r.MovieID, float64(r.Rating), floorDiv(r.Timestamp, 1000), r.Position, r.Split)
		},
		func(i int) string {
			return fmt.Sprintf("user_id %d, movie_id %d, rating %g", ratings[i].UserID, ratings[i].MovieID, ratings[i].Rating)
		})
	if err != nil {
		return err
	}
	b.want["ratings"] = int64(len(ratings))
	b.logf("loaded %d movies, %d users, %d ratings from %s", len(movies), len(users), len(ratings), filepath.Dir(f))
	return nil
}

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

func (b *builder) loadRecs(mf ModelFile, p *pending[eval.Rec]) error {
	rows, err := p.wait(b)
	if err != nil {
		return err
	}
	users := map[int32]bool{}
	for i, r := range rows {
		if !b.users[r.UserID] {
			return fmt.Errorf("%s row %d: user_id %d is not in %s", mf.Path, i, r.UserID, b.usersFile)
		}
		if !b.movies[r.MovieID] {
			return fmt.Errorf("%s row %d (user_id %d, rank %d): movie_id %d is not in the catalogue (%s)",
				mf.Path, i, r.UserID, r.Rank, r.MovieID, b.moviesFile)
		}
		users[r.UserID] = true
	}
	m, err := b.ensureModel(mf.Model)
	if err != nil {
		return err
	}
	if m.recsFile != "" {
		return fmt.Errorf("%s: model %q already has recommendations from %s", mf.Path, mf.Model, m.recsFile)
	}
	m.recsFile = mf.Path
	err = b.insert(mf.Path, "recommendations (model, user_id, rank, movie_id, score)", 5, len(rows),
		func(i int, dst []any) []any {
			r := &rows[i]
			return append(dst, mf.Model, r.UserID, r.Rank, r.MovieID, float64(r.Score))
		},
		func(i int) string {
			return fmt.Sprintf("user_id %d, rank %d, movie_id %d", rows[i].UserID, rows[i].Rank, rows[i].MovieID)
		})
	if err != nil {
		return err
	}
	_, err = b.tx.ExecContext(b.ctx, `UPDATE models SET recs_file = ?, recs_sha256 = ?, n_users = ?, n_recommendations = ? WHERE model = ?`,
		mf.Path, p.info.SHA256, len(users), len(rows), mf.Model)
	if err != nil {
		return fmt.Errorf("record model %q: %w", mf.Model, err)
	}
	b.want["recommendations"] += int64(len(rows))
	b.logf("loaded %d recommendations of model %s for %d users from %s", len(rows), mf.Model, len(users), mf.Path)
	return nil
}

// loadVectors loads the movie vectors of one model: vecs[i] is movie ids[i]'s.
func (b *builder) loadVectors(mf ModelFile, sha256 string, ids []int32, vecs [][]float32) error {
	dim := len(vecs[0])
	for i := range ids {
		if !b.movies[ids[i]] {
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
