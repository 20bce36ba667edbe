package db

// SchemaVersion is stored in meta('schema_version'); bump it whenever a
// table or column below changes meaning, so the application can refuse a
// database it does not understand.
const SchemaVersion = 3

// Schema creates every table (docs/database.md explains each). Tables are
// STRICT, so a value of the wrong type is rejected instead of stored, and
// every range the pipeline relies on is a CHECK constraint. Foreign keys are
// enforced when the connection sets PRAGMA foreign_keys=ON (Build and Open
// do). It only uses features of SQLite 3.37 or later.
const Schema = `
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE genres (
	genre_id INTEGER PRIMARY KEY CHECK (genre_id >= 0),
	name     TEXT NOT NULL UNIQUE CHECK (name <> '')
) STRICT;

CREATE TABLE occupations (
	occupation_id INTEGER PRIMARY KEY CHECK (occupation_id >= 0),
	name          TEXT NOT NULL UNIQUE CHECK (name <> '')
) STRICT;

CREATE TABLE movies (
	movie_id     INTEGER PRIMARY KEY CHECK (movie_id > 0),
	title        TEXT NOT NULL CHECK (title <> ''),
	year         INTEGER CHECK (year BETWEEN 1800 AND 2100),
	release_date TEXT CHECK (release_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	imdb_url     TEXT
) STRICT;

CREATE TABLE movie_genres (
	movie_id INTEGER NOT NULL REFERENCES movies (movie_id),
	genre_id INTEGER NOT NULL REFERENCES genres (genre_id),
	PRIMARY KEY (movie_id, genre_id)
) STRICT, WITHOUT ROWID;

-- Demographics are NULL where the dataset has none (only ML-100K, ML-1M
-- and a csv dataset's optional users.csv have them).
CREATE TABLE users (
	user_id       INTEGER PRIMARY KEY CHECK (user_id > 0),
	age           INTEGER CHECK (age BETWEEN 1 AND 120),
	gender        TEXT CHECK (gender IN ('M', 'F')),
	occupation_id INTEGER REFERENCES occupations (occupation_id),
	zip_code      TEXT
) STRICT;

-- timestamp: Unix seconds (UTC); datetime(timestamp, 'unixepoch') shows it.
-- position: 0-based index in the user's ordered sequence (ties in time are
-- ordered by movie_id), as in data/processed/ratings.parquet. Its UNIQUE
-- index also serves a user's history in time order: ORDER BY position.
-- rating: REAL, whole stars in ML-100K and ML-1M, half stars (0.5..5.0,
-- exact in a REAL) in the later releases.
CREATE TABLE ratings (
	user_id   INTEGER NOT NULL REFERENCES users (user_id),
	movie_id  INTEGER NOT NULL REFERENCES movies (movie_id),
	rating    REAL NOT NULL CHECK (rating BETWEEN 0.5 AND 5),
	timestamp INTEGER NOT NULL CHECK (timestamp >= 0),
	position  INTEGER NOT NULL CHECK (position >= 0),
	split     TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
	PRIMARY KEY (user_id, movie_id),
	UNIQUE (user_id, position)
) STRICT, WITHOUT ROWID;

-- One row per movie, computed from all ratings (every split).
CREATE TABLE movie_stats (
	movie_id    INTEGER PRIMARY KEY REFERENCES movies (movie_id),
	n_ratings   INTEGER NOT NULL CHECK (n_ratings >= 0),
	mean_rating REAL CHECK (mean_rating BETWEEN 0.5 AND 5)
) STRICT;

-- One row per user, computed from all ratings. favourite_genres is a JSON
-- array of genre names: the genres of the movies the user rated
-- liked_rating or more, most frequent first (ties by genre_id), at most
-- favourite_genres of them (meta holds both parameters).
CREATE TABLE user_stats (
	user_id          INTEGER PRIMARY KEY REFERENCES users (user_id),
	n_ratings        INTEGER NOT NULL CHECK (n_ratings >= 0),
	mean_rating      REAL CHECK (mean_rating BETWEEN 0.5 AND 5),
	first_rated_at   INTEGER,
	last_rated_at    INTEGER,
	favourite_genres TEXT NOT NULL CHECK (json_valid(favourite_genres))
) STRICT;

-- One row per served model: the files its recommendations and movie vectors
-- came from (by SHA-256), and the pipeline run whose outputs include that
-- recommendations file, when metrics/ records one.
CREATE TABLE models (
	model             TEXT PRIMARY KEY CHECK (model <> ''),
	recs_file         TEXT,
	recs_sha256       TEXT,
	n_users           INTEGER NOT NULL DEFAULT 0 CHECK (n_users >= 0),
	n_recommendations INTEGER NOT NULL DEFAULT 0 CHECK (n_recommendations >= 0),
	vectors_file      TEXT,
	vectors_sha256    TEXT,
	dim               INTEGER CHECK (dim >= 1),
	n_vectors         INTEGER NOT NULL DEFAULT 0 CHECK (n_vectors >= 0),
	run_stage         TEXT
) STRICT, WITHOUT ROWID;

-- A movie appears at most once in a user's list: the build checks it as
-- it loads (naming the file and row), without an index that no query
-- reads (a user's list is read by the primary key, whose (model, user_id)
-- prefix holds at most a few hundred rows).
CREATE TABLE recommendations (
	model    TEXT NOT NULL REFERENCES models (model),
	user_id  INTEGER NOT NULL REFERENCES users (user_id),
	rank     INTEGER NOT NULL CHECK (rank >= 1),
	movie_id INTEGER NOT NULL REFERENCES movies (movie_id),
	score    REAL NOT NULL,
	PRIMARY KEY (model, user_id, rank)
) STRICT, WITHOUT ROWID;

-- vector: dim little-endian IEEE-754 float32 values (EncodeVector).
CREATE TABLE movie_embeddings (
	model    TEXT NOT NULL REFERENCES models (model),
	movie_id INTEGER NOT NULL REFERENCES movies (movie_id),
	dim      INTEGER NOT NULL CHECK (dim >= 1),
	vector   BLOB NOT NULL CHECK (length(vector) = 4 * dim),
	PRIMARY KEY (model, movie_id)
) STRICT, WITHOUT ROWID;

-- One row per metrics/<stage>.json found at build time (the newest run of
-- each stage). inputs and outputs are JSON arrays of {path, bytes, sha256};
-- metrics is a JSON object {rows, models, checks} copied from the file.
-- dataset is the data_processing.dataset the runs read (ml-100k, ml-25m,
-- csv, ...), from the process stage's metrics; NULL when none is recorded.
CREATE TABLE pipeline_runs (
	stage          TEXT PRIMARY KEY CHECK (stage <> ''),
	params_hash    TEXT NOT NULL,
	params         TEXT NOT NULL CHECK (json_valid(params)),
	inputs         TEXT NOT NULL CHECK (json_valid(inputs)),
	outputs        TEXT NOT NULL CHECK (json_valid(outputs)),
	started_at     TEXT NOT NULL,
	finished_at    TEXT NOT NULL,
	wall_seconds   REAL NOT NULL,
	cpu_seconds    REAL NOT NULL,
	peak_rss_bytes INTEGER NOT NULL,
	metrics        TEXT NOT NULL CHECK (json_valid(metrics)),
	source_file    TEXT NOT NULL,
	source_sha256  TEXT NOT NULL,
	dataset        TEXT CHECK (dataset <> '')
) STRICT, WITHOUT ROWID;
`

// Indexes serve the application's queries. They are created after the bulk
// load, which is faster than maintaining them row by row.
//
//   - ratings_by_movie: a movie's ratings (and movie_stats).
//   - movie_genres_by_genre: the movies of a genre.
//   - users_by_occupation: the users of an occupation (and the FK check).
//
// A user's history in time order is served by the ratings table's
// UNIQUE (user_id, position) constraint, recommendations by (model, user,
// rank) and embeddings by (model, movie) by those tables' primary keys.
const Indexes = `
CREATE INDEX ratings_by_movie ON ratings (movie_id, rating);
CREATE INDEX movie_genres_by_genre ON movie_genres (genre_id, movie_id);
CREATE INDEX users_by_occupation ON users (occupation_id);
`

// Tables lists the tables Build creates, in load order.
var Tables = []string{
	"meta", "genres", "occupations", "movies", "movie_genres", "users",
	"ratings", "movie_stats", "user_stats", "models", "recommendations",
	"movie_embeddings", "pipeline_runs",
}
