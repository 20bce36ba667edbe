package catalog

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/moviegenie/pipeline/pkg/db"
)

// Movie is one movie of the catalogue.
type Movie struct {
	ID          int32    `json:"movie_id"`
	Title       string   `json:"title"`
	Year        int      `json:"year,omitempty"`
	ReleaseDate string   `json:"release_date,omitempty"`
	IMDbURL     string   `json:"imdb_url,omitempty"`
	Genres      []string `json:"genres"`
	NRatings    int      `json:"n_ratings"`
	MeanRating  *float64 `json:"mean_rating"`

	genreIDs []int
}

// GenreIDs are the movie's genre ids (u.genre order).
func (m *Movie) GenreIDs() []int { return m.genreIDs }

// User is one user of the data, with the statistics of user_stats.
type User struct {
	ID              int32    `json:"user_id"`
	Age             int      `json:"age"`
	Gender          string   `json:"gender"`
	Occupation      string   `json:"occupation"`
	ZipCode         string   `json:"zip_code"`
	NRatings        int      `json:"n_ratings"`
	MeanRating      *float64 `json:"mean_rating"`
	FirstRatedAt    int64    `json:"first_rated_at,omitempty"`
	LastRatedAt     int64    `json:"last_rated_at,omitempty"`
	FavouriteGenres []string `json:"favourite_genres"`
}

// Rating is one rating of the data.
type Rating struct {
	MovieID int32 `json:"movie_id"`
	// Rating is whole stars in ML-100K and ML-1M, half stars in the later
	// releases (the database's REAL rating).
	Rating    float64 `json:"rating"`
	Timestamp int64   `json:"timestamp"`
	Split     string  `json:"split"`
}

// Run is one pipeline run recorded in the database (pipeline_runs).
type Run struct {
	Stage      string          `json:"stage"`
	ParamsHash string          `json:"params_hash"`
	FinishedAt string          `json:"finished_at"`
	Outputs    []FileRef       `json:"-"`
	Metrics    json.RawMessage `json:"-"`
	Params     json.RawMessage `json:"-"`
}

// FileRef is a file a run read or wrote.
type FileRef struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Vectors are the movies' unit-length vectors of one model (rows in the
// order of Catalog.Movies; a movie without a vector has a zero row).
type Vectors struct {
	Model string
	Dim   int
	Data  []float32 // [len(Movies), Dim]
	Has   []bool
}

// Catalog is the database in memory.
type Catalog struct {
	Path        string
	Meta        map[string]string
	Genres      []string // by genre_id
	Occupations []string // by occupation_id
	Movies      []Movie  // by movie_id
	Users       []User   // by user_id
	Runs        []Run    // by stage
	Vectors     map[string]*Vectors
	// LikedRating is the rating from which a movie counts as liked for
	// favourite genres (meta liked_rating); FavouriteN how many genres.
	LikedRating int
	FavouriteN  int

	movieRow map[int32]int
	userRow  map[int32]int
	ratings  [][]Rating // by user row, oldest first (position order)
	maxUser  int32
}

// Load reads the database at path (opened read-only by db.Open, which
// checks its schema version).
func Load(path string) (*Catalog, error) {
	d, err := db.Open(path)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	c := &Catalog{Path: path, Meta: map[string]string{}, Vectors: map[string]*Vectors{},
		movieRow: map[int32]int{}, userRow: map[int32]int{}, LikedRating: 4, FavouriteN: 3}
	steps := []struct {
		what string
		f    func(*sql.DB) error
	}{
		{"meta", c.loadMeta}, {"genres", c.loadGenres}, {"occupations", c.loadOccupations},
		{"movies", c.loadMovies}, {"users", c.loadUsers}, {"ratings", c.loadRatings},
		{"pipeline_runs", c.loadRuns}, {"movie_embeddings", c.loadVectors},
	}
	for _, s := range steps {
		if err := s.f(d); err != nil {
			return nil, fmt.Errorf("database %s: table %s: %w", path, s.what, err)
		}
	}
	return c, nil
}

func (c *Catalog) loadMeta(d *sql.DB) error {
	rows, err := d.Query(`SELECT key, value FROM meta`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		c.Meta[k] = v
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for key, dst := range map[string]*int{"liked_rating": &c.LikedRating, "favourite_genres": &c.FavouriteN} {
		if v, ok := c.Meta[key]; ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("key %s: %q is not an integer", key, v)
			}
			*dst = n
		}
	}
	return nil
}

func (c *Catalog) loadGenres(d *sql.DB) error {
	return names(d, `SELECT genre_id, name FROM genres ORDER BY genre_id`, &c.Genres)
}

func (c *Catalog) loadOccupations(d *sql.DB) error {
	return names(d, `SELECT occupation_id, name FROM occupations ORDER BY occupation_id`, &c.Occupations)
}

// names reads (id, name) rows into a slice indexed by id.
func names(d *sql.DB, query string, dst *[]string) error {
	rows, err := d.Query(query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		if id < 0 || id > 1<<16 {
			return fmt.Errorf("id %d out of range", id)
		}
		for len(*dst) <= id {
			*dst = append(*dst, "")
		}
		(*dst)[id] = name
	}
	return rows.Err()
}

func (c *Catalog) loadMovies(d *sql.DB) error {
	rows, err := d.Query(`SELECT m.movie_id, m.title, m.year, m.release_date, m.imdb_url,
		COALESCE(s.n_ratings, 0), s.mean_rating
		FROM movies m LEFT JOIN movie_stats s USING (movie_id) ORDER BY m.movie_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var m Movie
		var year sql.NullInt64
		var date, url sql.NullString
		var mean sql.NullFloat64
		if err := rows.Scan(&m.ID, &m.Title, &year, &date, &url, &m.NRatings, &mean); err != nil {
			return err
		}
		m.Year, m.ReleaseDate, m.IMDbURL = int(year.Int64), date.String, url.String
		if mean.Valid {
			v := mean.Float64
			m.MeanRating = &v
		}
		m.Genres = []string{}
		c.movieRow[m.ID] = len(c.Movies)
		c.Movies = append(c.Movies, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	gr, err := d.Query(`SELECT movie_id, genre_id FROM movie_genres ORDER BY movie_id, genre_id`)
	if err != nil {
		return err
	}
	defer gr.Close()
	for gr.Next() {
		var id int32
		var g int
		if err := gr.Scan(&id, &g); err != nil {
			return err
		}
		i, ok := c.movieRow[id]
		if !ok || g < 0 || g >= len(c.Genres) {
			return fmt.Errorf("movie_genres (%d, %d): unknown movie or genre", id, g)
		}
		c.Movies[i].genreIDs = append(c.Movies[i].genreIDs, g)
		c.Movies[i].Genres = append(c.Movies[i].Genres, c.Genres[g])
	}
	return gr.Err()
}

func (c *Catalog) loadUsers(d *sql.DB) error {
	// Demographics are NULL for a dataset without them: zero values here.
	rows, err := d.Query(`SELECT u.user_id, COALESCE(u.age, 0), COALESCE(u.gender, ''), COALESCE(u.occupation_id, -1), COALESCE(u.zip_code, ''),
		COALESCE(s.n_ratings, 0), s.mean_rating, s.first_rated_at, s.last_rated_at, COALESCE(s.favourite_genres, '[]')
		FROM users u LEFT JOIN user_stats s USING (user_id) ORDER BY u.user_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var u User
		var occ int
		var mean sql.NullFloat64
		var first, last sql.NullInt64
		var fav string
		if err := rows.Scan(&u.ID, &u.Age, &u.Gender, &occ, &u.ZipCode, &u.NRatings, &mean, &first, &last, &fav); err != nil {
			return err
		}
		if occ < -1 || occ >= len(c.Occupations) {
			return fmt.Errorf("user %d: occupation_id %d unknown", u.ID, occ)
		}
		if occ >= 0 {
			u.Occupation = c.Occupations[occ]
		}
		if mean.Valid {
			v := mean.Float64
			u.MeanRating = &v
		}
		u.FirstRatedAt, u.LastRatedAt = first.Int64, last.Int64
		if err := json.Unmarshal([]byte(fav), &u.FavouriteGenres); err != nil {
			return fmt.Errorf("user %d: favourite_genres: %w", u.ID, err)
		}
		if u.FavouriteGenres == nil {
			u.FavouriteGenres = []string{}
		}
		c.userRow[u.ID] = len(c.Users)
		c.Users = append(c.Users, u)
		c.maxUser = max(c.maxUser, u.ID)
	}
	return rows.Err()
}

func (c *Catalog) loadRatings(d *sql.DB) error {
	c.ratings = make([][]Rating, len(c.Users))
	rows, err := d.Query(`SELECT user_id, movie_id, rating, timestamp, split FROM ratings ORDER BY user_id, position`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var u int32
		var r Rating
		if err := rows.Scan(&u, &r.MovieID, &r.Rating, &r.Timestamp, &r.Split); err != nil {
			return err
		}
		i, ok := c.userRow[u]
		if !ok {
			return fmt.Errorf("rating of unknown user %d", u)
		}
		c.ratings[i] = append(c.ratings[i], r)
	}
	return rows.Err()
}

func (c *Catalog) loadRuns(d *sql.DB) error {
	rows, err := d.Query(`SELECT stage, params_hash, finished_at, outputs, metrics, params FROM pipeline_runs ORDER BY stage`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r Run
		var outputs, metrics, params string
		if err := rows.Scan(&r.Stage, &r.ParamsHash, &r.FinishedAt, &outputs, &metrics, &params); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(outputs), &r.Outputs); err != nil {
			return fmt.Errorf("stage %s: outputs: %w", r.Stage, err)
		}
		r.Metrics = json.RawMessage(metrics)
		r.Params = json.RawMessage(params)
		c.Runs = append(c.Runs, r)
	}
	return rows.Err()
}

func (c *Catalog) loadVectors(d *sql.DB) error {
	rows, err := d.Query(`SELECT model, movie_id, vector FROM movie_embeddings ORDER BY model, movie_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var buf []float32
	for rows.Next() {
		var model string
		var id int32
		var blob []byte
		if err := rows.Scan(&model, &id, &blob); err != nil {
			return err
		}
		if buf, err = db.DecodeVector(buf[:0], blob); err != nil {
			return fmt.Errorf("model %s movie %d: %w", model, id, err)
		}
		v := c.Vectors[model]
		if v == nil {
			v = &Vectors{Model: model, Dim: len(buf), Data: make([]float32, len(c.Movies)*len(buf)), Has: make([]bool, len(c.Movies))}
			c.Vectors[model] = v
		}
		if len(buf) != v.Dim {
			return fmt.Errorf("model %s movie %d: dimension %d, want %d", model, id, len(buf), v.Dim)
		}
		i, ok := c.movieRow[id]
		if !ok {
			return fmt.Errorf("model %s: unknown movie %d", model, id)
		}
		var n float64
		for _, x := range buf {
			n += float64(x) * float64(x)
		}
		if n == 0 {
			continue
		}
		inv := float32(1 / math.Sqrt(n))
		row := v.Data[i*v.Dim : (i+1)*v.Dim]
		for k, x := range buf {
			row[k] = x * inv
		}
		v.Has[i] = true
	}
	return rows.Err()
}

// Movie returns the movie with the given id.
func (c *Catalog) Movie(id int32) (*Movie, bool) {
	i, ok := c.movieRow[id]
	if !ok {
		return nil, false
	}
	return &c.Movies[i], true
}

// MovieRow returns the movie's row in Movies.
func (c *Catalog) MovieRow(id int32) (int, bool) {
	i, ok := c.movieRow[id]
	return i, ok
}

// User returns the user with the given id.
func (c *Catalog) User(id int32) (*User, bool) {
	i, ok := c.userRow[id]
	if !ok {
		return nil, false
	}
	return &c.Users[i], true
}

// Ratings returns the user's ratings of the data, oldest first (nil for
// an unknown user). The slice must not be modified.
func (c *Catalog) Ratings(id int32) []Rating {
	i, ok := c.userRow[id]
	if !ok {
		return nil
	}
	return c.ratings[i]
}

// MaxUserID is the largest user id of the data.
func (c *Catalog) MaxUserID() int32 { return c.maxUser }

// Dataset is the dataset the data comes from (the process run's
// data_processing.dataset; ml-100k when the run does not say).
func (c *Catalog) Dataset() string {
	if r, ok := c.Run("process"); ok {
		var p struct {
			Dataset string `json:"dataset"`
		}
		if json.Unmarshal(r.Params, &p) == nil && p.Dataset != "" {
			return p.Dataset
		}
	}
	return "ml-100k"
}

// Run returns the pipeline run of a stage.
func (c *Catalog) Run(stage string) (*Run, bool) {
	for i := range c.Runs {
		if c.Runs[i].Stage == stage {
			return &c.Runs[i], true
		}
	}
	return nil, false
}

// RunWithOutput returns the run one of whose outputs has the given
// SHA-256 (the run that wrote a file).
func (c *Catalog) RunWithOutput(sha256 string) (*Run, bool) {
	for i := range c.Runs {
		for _, o := range c.Runs[i].Outputs {
			if o.SHA256 == sha256 {
				return &c.Runs[i], true
			}
		}
	}
	return nil, false
}

// GenreID returns the id of a genre name (exact, as in u.genre).
func (c *Catalog) GenreID(name string) (int, bool) {
	for i, g := range c.Genres {
		if g == name && g != "" {
			return i, true
		}
	}
	return 0, false
}

// FavouriteGenres computes the favourite genres of a history the way the
// database's user_stats does: the genres of the movies rated LikedRating
// or more, most frequent first, ties by genre id, at most FavouriteN.
func (c *Catalog) FavouriteGenres(history []Rating) []string {
	counts := make([]int, len(c.Genres))
	for _, r := range history {
		if r.Rating < float64(c.LikedRating) {
			continue
		}
		if m, ok := c.Movie(r.MovieID); ok {
			for _, g := range m.genreIDs {
				counts[g]++
			}
		}
	}
	ids := make([]int, 0, len(counts))
	for g, n := range counts {
		if n > 0 {
			ids = append(ids, g)
		}
	}
	sort.SliceStable(ids, func(i, j int) bool { return counts[ids[i]] > counts[ids[j]] })
	out := []string{}
	for _, g := range ids {
		if len(out) == c.FavouriteN {
			break
		}
		out = append(out, c.Genres[g])
	}
	return out
}
