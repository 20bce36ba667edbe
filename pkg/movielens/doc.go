// Package movielens reads and validates the raw files of a MovieLens
// 100K-style dataset directory: u.data (ratings), u.item (movies), u.user,
// u.genre and u.occupation.
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
