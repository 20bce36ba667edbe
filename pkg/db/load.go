package db

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// checkEvery is how many rows are inserted between checks for cancellation.
const checkEvery = 8192

// insert runs the prepared statement query once per row i in [0, n), with
// the arguments args(i). An error names the file, the row index and the
// row's key (key(i)).
func (b *builder) insert(file, query string, n int, args func(i int) []any, key func(i int) string) error {
	stmt, err := b.tx.PrepareContext(b.ctx, query)
	if err != nil {
		return fmt.Errorf("prepare %q: %w", query, err)
	}
	defer stmt.Close()
	for i := 0; i < n; i++ {
		if i%checkEvery == 0 {
			if err := b.ctx.Err(); err != nil {
				return err
			}
		}
		if _, err := stmt.Exec(args(i)...); err != nil {
			return fmt.Errorf("%s row %d (%s): %w", file, i, key(i), err)
		}
	}
	return nil
}

// readTable reads one parquet file, recording it as an input.
func readTable[T any](b *builder, path string) ([]T, error) {
	if _, err := b.addInput(path); err != nil {
		return nil, err
	}
	rows, err := tables.Read[T](path)
	if err != nil {
		return nil, err // tables.Read names the file
	}
	return rows, nil
}

// loadProcessed reads and inserts the five data/processed tables, checking
// every reference first so that a bad one is reported by name.
func (b *builder) loadProcessed(dir string) error {
	path := func(name string) string { return filepath.Join(dir, name+".parquet") }
	t := time.Now()
	genres, err := readTable[tables.Genre](b, path("genres"))
	if err != nil {
		return err
	}
	occupations, err := readTable[tables.Occupation](b, path("occupations"))
	if err != nil {
		return err
	}
	movies, err := readTable[tables.Movie](b, path("movies"))
	if err != nil {
		return err
	}
	users, err := readTable[tables.User](b, path("users"))
	if err != nil {
		return err
	}
	ratings, err := readTable[tables.Rating](b, path("ratings"))
	if err != nil {
		return err
	}
	b.res.Timings["read_processed"] = time.Since(t).Seconds()
	t = time.Now()
	defer func() { b.res.Timings["insert_processed"] = time.Since(t).Seconds() }()

	// Genres and occupations: users and movies refer to them by name.
	f := path("genres")
	b.genreIDs = make(map[string]int32, len(genres))
	for i, g := range genres {
		if _, dup := b.genreIDs[g.Name]; dup {
			return fmt.Errorf("%s row %d: genre %q appears twice", f, i, g.Name)
		}
		b.genreIDs[g.Name] = g.GenreID
	}
	err = b.insert(f, "INSERT INTO genres (genre_id, name) VALUES (?, ?)", len(genres),
		func(i int) []any { return []any{genres[i].GenreID, genres[i].Name} },
		func(i int) string { return fmt.Sprintf("genre_id %d, name %q", genres[i].GenreID, genres[i].Name) })
	if err != nil {
		return err
	}
	b.want["genres"] = int64(len(genres))

	f = path("occupations")
	b.occupationIDs = make(map[string]int32, len(occupations))
	for i, o := range occupations {
		if _, dup := b.occupationIDs[o.Name]; dup {
			return fmt.Errorf("%s row %d: occupation %q appears twice", f, i, o.Name)
		}
		b.occupationIDs[o.Name] = o.OccupationID
	}
	err = b.insert(f, "INSERT INTO occupations (occupation_id, name) VALUES (?, ?)", len(occupations),
		func(i int) []any { return []any{occupations[i].OccupationID, occupations[i].Name} },
		func(i int) string {
			return fmt.Sprintf("occupation_id %d, name %q", occupations[i].OccupationID, occupations[i].Name)
		})
	if err != nil {
		return err
	}
	b.want["occupations"] = int64(len(occupations))

	// Movies and their genres.
	f = path("movies")
	b.moviesFile = f
	b.movies = make(map[int32]bool, len(movies))
	type movieGenre struct{ movie, genre int32 }
	var mgs []movieGenre
	for i, m := range movies {
		for _, g := range m.Genres {
			id, ok := b.genreIDs[g]
			if !ok {
				return fmt.Errorf("%s row %d (movie_id %d): genre %q is not in %s", f, i, m.MovieID, g, path("genres"))
			}
			mgs = append(mgs, movieGenre{m.MovieID, id})
		}
		b.movies[m.MovieID] = true
	}
	err = b.insert(f, "INSERT INTO movies (movie_id, title, year, release_date, imdb_url) VALUES (?, ?, ?, ?, ?)", len(movies),
		func(i int) []any {
			m := &movies[i]
			return []any{m.MovieID, m.Title, nullInt(m.Year), isoDate(m.ReleaseDate), nullString(m.IMDbURL)}
		},
		func(i int) string { return fmt.Sprintf("movie_id %d, title %q", movies[i].MovieID, movies[i].Title) })
	if err != nil {
		return err
	}
	b.want["movies"] = int64(len(movies))
	err = b.insert(f, "INSERT INTO movie_genres (movie_id, genre_id) VALUES (?, ?)", len(mgs),
		func(i int) []any { return []any{mgs[i].movie, mgs[i].genre} },
		func(i int) string { return fmt.Sprintf("movie_id %d, genre_id %d", mgs[i].movie, mgs[i].genre) })
	if err != nil {
		return err
	}
	b.want["movie_genres"] = int64(len(mgs))

	// Users.
	f = path("users")
	b.usersFile = f
	b.users = make(map[int32]bool, len(users))
	occ := make([]int32, len(users))
	for i, u := range users {
		id, ok := b.occupationIDs[u.Occupation]
		if !ok {
			return fmt.Errorf("%s row %d (user_id %d): occupation %q is not in %s", f, i, u.UserID, u.Occupation, path("occupations"))
		}
		occ[i] = id
		b.users[u.UserID] = true
	}
	err = b.insert(f, "INSERT INTO users (user_id, age, gender, occupation_id, zip_code) VALUES (?, ?, ?, ?, ?)", len(users),
		func(i int) []any { u := &users[i]; return []any{u.UserID, u.Age, u.Gender, occ[i], u.ZipCode} },
		func(i int) string { return fmt.Sprintf("user_id %d", users[i].UserID) })
	if err != nil {
		return err
	}
	b.want["users"] = int64(len(users))

	// Ratings.
	f = path("ratings")
	for i, r := range ratings {
		if !b.users[r.UserID] {
			return fmt.Errorf("%s row %d: user_id %d is not in %s", f, i, r.UserID, b.usersFile)
		}
		if !b.movies[r.MovieID] {
			return fmt.Errorf("%s row %d (user_id %d): movie_id %d is not in %s", f, i, r.UserID, r.MovieID, b.moviesFile)
		}
	}
	err = b.insert(f, "INSERT INTO ratings (user_id, movie_id, rating, timestamp, position, split) VALUES (?, ?, ?, ?, ?, ?)", len(ratings),
		func(i int) []any {
			r := &ratings[i]
			return []any{r.UserID, r.MovieID, r.Rating, floorDiv(r.Timestamp, 1000), r.Position, r.Split}
		},
		func(i int) string {
			return fmt.Sprintf("user_id %d, movie_id %d, rating %d", ratings[i].UserID, ratings[i].MovieID, ratings[i].Rating)
		})
	if err != nil {
		return err
	}
	b.want["ratings"] = int64(len(ratings))
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
func (b *builder) loadModels(in Inputs) error {
	t := time.Now()
	defer func() { b.res.Timings["models"] = time.Since(t).Seconds() }()
	b.want["recommendations"] = 0
	b.want["movie_embeddings"] = 0
	b.want["models"] = 0
	for _, mf := range in.Recs {
		if err := b.loadRecs(mf); err != nil {
			return err
		}
	}
	for _, mf := range in.Vectors {
		if err := b.loadVectors(mf, false); err != nil {
			return err
		}
	}
	if in.TextEmbeddings != "" {
		if err := b.loadVectors(ModelFile{Model: TextModel, Path: in.TextEmbeddings}, true); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) loadRecs(mf ModelFile) error {
	fi, err := b.addInput(mf.Path)
	if err != nil {
		return err
	}
	rows, err := tables.Read[RecRow](mf.Path)
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
	err = b.insert(mf.Path, "INSERT INTO recommendations (model, user_id, rank, movie_id, score) VALUES (?, ?, ?, ?, ?)", len(rows),
		func(i int) []any { r := &rows[i]; return []any{mf.Model, r.UserID, r.Rank, r.MovieID, float64(r.Score)} },
		func(i int) string {
			return fmt.Sprintf("user_id %d, rank %d, movie_id %d", rows[i].UserID, rows[i].Rank, rows[i].MovieID)
		})
	if err != nil {
		return err
	}
	_, err = b.tx.ExecContext(b.ctx, `UPDATE models SET recs_file = ?, recs_sha256 = ?, n_users = ?, n_recommendations = ? WHERE model = ?`,
		mf.Path, fi.SHA256, len(users), len(rows), mf.Model)
	if err != nil {
		return fmt.Errorf("record model %q: %w", mf.Model, err)
	}
	b.want["recommendations"] += int64(len(rows))
	b.logf("loaded %d recommendations of model %s for %d users from %s", len(rows), mf.Model, len(users), mf.Path)
	return nil
}

// loadVectors loads a VectorRow file, or with text set, the text
// embeddings of the features stage.
func (b *builder) loadVectors(mf ModelFile, text bool) error {
	fi, err := b.addInput(mf.Path)
	if err != nil {
		return err
	}
	var ids []int32
	var vecs [][]float32
	if text {
		rows, err := tables.Read[textEmbeddingRow](mf.Path)
		if err != nil {
			return err
		}
		for _, r := range rows {
			ids = append(ids, r.MovieID)
			vecs = append(vecs, r.Embedding)
		}
	} else {
		rows, err := tables.Read[VectorRow](mf.Path)
		if err != nil {
			return err
		}
		for _, r := range rows {
			ids = append(ids, r.MovieID)
			vecs = append(vecs, r.Vector)
		}
	}
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
	buf := make([]byte, 4*dim)
	err = b.insert(mf.Path, "INSERT INTO movie_embeddings (model, movie_id, dim, vector) VALUES (?, ?, ?, ?)", len(ids),
		func(i int) []any { return []any{mf.Model, ids[i], dim, EncodeVector(buf, vecs[i])} },
		func(i int) string { return fmt.Sprintf("movie_id %d", ids[i]) })
	if err != nil {
		return err
	}
	_, err = b.tx.ExecContext(b.ctx, `UPDATE models SET vectors_file = ?, vectors_sha256 = ?, dim = ?, n_vectors = ? WHERE model = ?`,
		mf.Path, fi.SHA256, dim, len(ids), mf.Model)
	if err != nil {
		return fmt.Errorf("record model %q: %w", mf.Model, err)
	}
	b.want["movie_embeddings"] += int64(len(ids))
	b.logf("loaded %d movie vectors (dim %d) of model %s from %s", len(ids), dim, mf.Model, mf.Path)
	return nil
}
