package appstore

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // the database/sql driver "sqlite3"
)

// Errors of a bad request (the caller's doing).
var (
	ErrBadRating = errors.New("rating must be 0.5 to 5 in steps of 0.5")
	ErrBadUser   = errors.New("bad user")
)

const schema = `
CREATE TABLE IF NOT EXISTS users (
	user_id    INTEGER PRIMARY KEY CHECK (user_id > 0),
	age        INTEGER CHECK (age IS NULL OR age BETWEEN 1 AND 120),
	gender     TEXT CHECK (gender IS NULL OR gender IN ('M', 'F')),
	occupation TEXT,
	zip_code   TEXT,
	created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS ratings (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id   INTEGER NOT NULL CHECK (user_id > 0),
	movie_id  INTEGER NOT NULL CHECK (movie_id > 0),
	rating    REAL NOT NULL CHECK (rating BETWEEN 0.5 AND 5 AND rating * 2 = round(rating * 2)),
	timestamp INTEGER NOT NULL CHECK (timestamp >= 0)
) STRICT;
CREATE INDEX IF NOT EXISTS ratings_by_user ON ratings (user_id, movie_id, seq);
`

// migrateHalfStars turns a store of the first schema, whose ratings were
// whole stars (an INTEGER column), into the current one (REAL, half
// stars allowed), keeping every row and its seq, in one transaction.
const migrateHalfStars = `
CREATE TABLE ratings_v2 (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id   INTEGER NOT NULL CHECK (user_id > 0),
	movie_id  INTEGER NOT NULL CHECK (movie_id > 0),
	rating    REAL NOT NULL CHECK (rating BETWEEN 0.5 AND 5 AND rating * 2 = round(rating * 2)),
	timestamp INTEGER NOT NULL CHECK (timestamp >= 0)
) STRICT;
INSERT INTO ratings_v2 (seq, user_id, movie_id, rating, timestamp) SELECT seq, user_id, movie_id, rating, timestamp FROM ratings;
DROP TABLE ratings;
ALTER TABLE ratings_v2 RENAME TO ratings;
CREATE INDEX ratings_by_user ON ratings (user_id, movie_id, seq);
`

// User is a user created in the app. Zero values are "not given".
type User struct {
	ID         int32  `json:"user_id"`
	Age        int    `json:"age,omitempty"`
	Gender     string `json:"gender,omitempty"`
	Occupation string `json:"occupation,omitempty"`
	ZipCode    string `json:"zip_code,omitempty"`
	CreatedAt  int64  `json:"created_at"`
}

// Rating is a rating given in the app (the latest for its movie).
type Rating struct {
	UserID    int32   `json:"user_id"`
	MovieID   int32   `json:"movie_id"`
	Rating    float64 `json:"rating"` // stars: whole, or halves on a half-star dataset
	Timestamp int64   `json:"timestamp"`
	Seq       int64   `json:"-"`
}

// Store is an open app store.
type Store struct {
	path string
	db   *sql.DB
	now  func() time.Time

	mu      sync.RWMutex
	users   map[int32]User
	ratings map[int32][]Rating // by user: latest per movie, in the order given
	maxUser int32
	count   int
}

// Open opens (creating it if needed) the store at path.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("app store %s: %w", path, err)
	}
	uri := "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path) +
		"?_journal_mode=WAL&_synchronous=FULL&_busy_timeout=5000&_txlock=immediate"
	d, err := sql.Open("sqlite3", uri)
	if err != nil {
		return nil, fmt.Errorf("app store %s: %w", path, err)
	}
	d.SetMaxOpenConns(1) // one writer; reads are served from memory
	if err := migrate(d); err != nil {
		d.Close()
		return nil, fmt.Errorf("app store %s: upgrade the ratings table to half stars: %w", path, err)
	}
	if _, err := d.Exec(schema); err != nil {
		d.Close()
		return nil, fmt.Errorf("app store %s: create schema: %w", path, err)
	}
	s := &Store{path: path, db: d, now: time.Now, users: map[int32]User{}, ratings: map[int32][]Rating{}}
	if err := s.load(); err != nil {
		d.Close()
		return nil, fmt.Errorf("app store %s: %w", path, err)
	}
	return s, nil
}

// migrate upgrades a store whose ratings column is still INTEGER.
func migrate(d *sql.DB) error {
	var typ string
	err := d.QueryRow(`SELECT type FROM pragma_table_info('ratings') WHERE name = 'rating'`).Scan(&typ)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && typ != "INTEGER") {
		return nil // a new store, or already upgraded
	}
	if err != nil {
		return err
	}
	tx, err := d.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(migrateHalfStars); err != nil {
		return err
	}
	return tx.Commit()
}

// ValidRating reports whether r is a rating the store holds: 0.5 to 5 in
// steps of 0.5 (the API narrows it to whole stars on whole-star data).
func ValidRating(r float64) bool { return r >= 0.5 && r <= 5 && r*2 == math.Trunc(r*2) }

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) load() error {
	rows, err := s.db.Query(`SELECT user_id, COALESCE(age, 0), COALESCE(gender, ''), COALESCE(occupation, ''),
		COALESCE(zip_code, ''), created_at FROM users ORDER BY user_id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Age, &u.Gender, &u.Occupation, &u.ZipCode, &u.CreatedAt); err != nil {
			rows.Close()
			return err
		}
		s.users[u.ID] = u
		s.maxUser = max(s.maxUser, u.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = s.db.Query(`SELECT seq, user_id, movie_id, rating, timestamp FROM ratings ORDER BY seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r Rating
		if err := rows.Scan(&r.Seq, &r.UserID, &r.MovieID, &r.Rating, &r.Timestamp); err != nil {
			return err
		}
		s.remember(r)
	}
	return rows.Err()
}

// remember records r as the user's latest rating of its movie. The caller
// holds s.mu (or is load).
func (s *Store) remember(r Rating) {
	rs := s.ratings[r.UserID]
	for i := range rs {
		if rs[i].MovieID == r.MovieID {
			rs = append(rs[:i], rs[i+1:]...)
			s.count--
			break
		}
	}
	s.ratings[r.UserID] = append(rs, r)
	s.count++
}

// CreateUser adds a user with the next free id that is at least minID
// (the raw data's largest user id + 1, so app users never collide with a
// user of the data, kept by the k-core filter or not). Demographics are optional; the caller validates them.
func (s *Store) CreateUser(u User, minID int32) (User, error) {
	if u.Age != 0 && (u.Age < 1 || u.Age > 120) {
		return User{}, fmt.Errorf("%w: age %d: want 1..120", ErrBadUser, u.Age)
	}
	if u.Gender != "" && u.Gender != "M" && u.Gender != "F" {
		return User{}, fmt.Errorf("%w: gender %q: want M or F", ErrBadUser, u.Gender)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u.ID = max(minID, s.maxUser+1)
	u.CreatedAt = s.now().Unix()
	_, err := s.db.Exec(`INSERT INTO users (user_id, age, gender, occupation, zip_code, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		u.ID, nullInt(u.Age), nullString(u.Gender), nullString(u.Occupation), nullString(u.ZipCode), u.CreatedAt)
	if err != nil {
		return User{}, fmt.Errorf("app store %s: add user %d: %w", s.path, u.ID, err)
	}
	s.users[u.ID] = u
	s.maxUser = u.ID
	return u, nil
}

func nullInt(v int) any {
	if v == 0 {
		return nil
	}
	return v
}

func nullString(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// User returns a user created in the app.
func (s *Store) User(id int32) (User, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.users[id]
	return u, ok
}

// AddRating stores a rating durably (committed before it returns) and
// returns it. The caller checks that the user and movie exist.
func (s *Store) AddRating(userID, movieID int32, rating float64) (Rating, error) {
	if !ValidRating(rating) {
		return Rating{}, fmt.Errorf("%w (got %v)", ErrBadRating, rating)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := Rating{UserID: userID, MovieID: movieID, Rating: rating, Timestamp: s.now().Unix()}
	res, err := s.db.Exec(`INSERT INTO ratings (user_id, movie_id, rating, timestamp) VALUES (?, ?, ?, ?)`,
		r.UserID, r.MovieID, r.Rating, r.Timestamp)
	if err != nil {
		return Rating{}, fmt.Errorf("app store %s: add rating: %w", s.path, err)
	}
	if r.Seq, err = res.LastInsertId(); err != nil {
		return Rating{}, fmt.Errorf("app store %s: add rating: %w", s.path, err)
	}
	s.remember(r)
	return r, nil
}

// Ratings returns a copy of the user's app ratings (latest per movie), in
// the order they were given.
func (s *Store) Ratings(userID int32) []Rating {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Rating(nil), s.ratings[userID]...)
}

// Counts returns the number of app users and of counted app ratings.
func (s *Store) Counts() (users, ratings int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.users), s.count
}

// All returns every counted rating, by user id then in the order given.
func (s *Store) All() []Rating {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Rating
	for _, rs := range s.ratings {
		out = append(out, rs...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].UserID != out[j].UserID {
			return out[i].UserID < out[j].UserID
		}
		return out[i].Seq < out[j].Seq
	})
	return out
}
