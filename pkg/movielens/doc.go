// Package movielens reads and validates the raw files of every MovieLens
// release and of this project's own csv format (Lookup lists them):
//
//   - ml-100k: u.data (tab-separated ratings), u.item, u.user, u.genre,
//     u.occupation (pipe-separated; u.item in ISO-8859-1).
//   - ml-1m: ratings.dat, movies.dat, users.dat, "::"-separated without a
//     header; movies.dat in ISO-8859-1; users.dat holds age-group and
//     occupation codes (ML1MAges, ML1MOccupations).
//   - ml-10m: ratings.dat (half stars), movies.dat, tags.dat; no users.
//   - ml-20m, ml-25m, ml-32m, ml-latest, ml-latest-small: ratings.csv,
//     movies.csv, tags.csv, links.csv, UTF-8 with a header line; titles
//     with commas or quotes are double-quoted ("" inside); genres are
//     pipe-separated, "(no genres listed)" meaning none; ratings are half
//     stars 0.5..5.0, kept exactly; no users.
//   - csv, for your own logs: ratings.csv "user_id,movie_id,rating,timestamp"
//     (ids positive integers, rating any finite number, timestamp Unix
//     seconds), movies.csv "movie_id,title,genres" (genres pipe-separated,
//     may be empty), and an optional users.csv
//     "user_id,age,gender,occupation,zip_code" whose fields but user_id may
//     be empty. Same quoting rules as the csv releases.
//
// Only ML-100K and ML-1M (and a csv users.csv) have demographics. Every
// format's movie year is the film's, from its title (TitleYear).
//
// ScanRatings streams a ratings file of any size line by line; the other
// files (movies, users, tags, links) are small and read whole
// (Source.LoadMeta). The rest of this comment describes the ML-100K readers
// (ReadGenres, ReadOccupations, ReadUsers, ReadMovies, ReadRatings and
// Load); the others apply the same rules to their own fields.
//
// Every reader takes the file's name (used in messages) and its bytes, and
// either returns all rows or fails on the first bad line with a *LineError
// whose message reads "u.data:123: what is wrong". Checks run while reading:
//
//   - schema: the field count of every line, blank lines only at the end,
//     a newline ending the last line (a truncated file usually lacks one),
//     no empty file;
//   - integers: every id, age, rating, timestamp and genre flag parses;
//   - ranges: ids positive, rating 1..5, age 1..120, gender M or F, genre
//     flags 0 or 1, occupation listed in u.occupation, timestamps between
//     1990-01-01 and tomorrow, release dates DD-Mon-YYYY;
//   - duplicates: a user id, movie id, genre, occupation or (user, movie)
//     rating seen twice;
//   - referential integrity: every rating's user is in u.user and movie in
//     u.item;
//   - encoding: u.item is ISO-8859-1 (the MovieLens original) unless the whole
//     file is valid UTF-8 (a converted copy); decoded titles must hold no
//     control characters and no double-encoding marks ("Ã" followed by a
//     Latin-1 continuation character).
//
// Load reads a whole directory in dependency order and returns a Dataset
// with a list of the checks that ran (all passed: a failure is an error).
package movielens
