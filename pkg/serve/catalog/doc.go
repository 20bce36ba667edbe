// Package catalog reads the pipeline's SQLite database
// (data/moviegenie.db, docs/database.md) once, read-only, into memory, so
// that a request never waits on disk or SQL: movies with genres and
// rating statistics, users with demographics and statistics, every user's
// ratings in time order, the pipeline runs behind the database and the
// movies' vectors per model. A Catalog is immutable after Load and safe
// for concurrent use; a new database means a new Catalog (hot reload).
package catalog
