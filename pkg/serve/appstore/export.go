package appstore

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
)

// CSVHeader is the header of the exported file, the format of
// data_processing.extra_ratings.
const CSVHeader = "user_id,movie_id,rating,timestamp"

// DefaultExportPath is where Export writes by default, relative to the
// repository root.
const DefaultExportPath = "data/raw/app_ratings.csv"

// Skip says whether a rating is left out of the export: the process stage
// refuses a (user, movie) pair the dataset already has, so a movie a user
// of the data rated again in the app stays the data's rating in the
// pipeline (the app itself shows the app's).
type Skip func(userID, movieID int32) bool

// WriteCSV writes every counted rating (the latest per user and movie)
// that skip (nil: none) does not leave out, as CSV: the header, then one
// line per rating, by user id and then in the order given. It returns the
// ratings written and left out. It reads the committed ratings from the
// file, so it can run while a server writes (WAL) and sees what the server
// has answered.
func (s *Store) WriteCSV(w io.Writer, skip Skip) (written, skipped int, err error) {
	rows, err := s.db.Query(`SELECT user_id, movie_id, rating, timestamp FROM ratings r
		WHERE seq = (SELECT MAX(seq) FROM ratings l WHERE l.user_id = r.user_id AND l.movie_id = r.movie_id)
		ORDER BY user_id, seq`)
	if err != nil {
		return 0, 0, fmt.Errorf("app store %s: %w", s.path, err)
	}
	defer rows.Close()
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, CSVHeader)
	for rows.Next() {
		var u, m, ts int64
		var r float64
		if err := rows.Scan(&u, &m, &r, &ts); err != nil {
			return written, skipped, fmt.Errorf("app store %s: %w", s.path, err)
		}
		if skip != nil && skip(int32(u), int32(m)) {
			skipped++
			continue
		}
		fmt.Fprintf(bw, "%d,%d,%s,%d\n", u, m, strconv.FormatFloat(r, 'f', -1, 64), ts)
		written++
	}
	if err := rows.Err(); err != nil {
		return written, skipped, fmt.Errorf("app store %s: %w", s.path, err)
	}
	return written, skipped, bw.Flush()
}

// Export writes WriteCSV's output to path atomically (a temporary file
// renamed into place) and returns the ratings written and left out.
func (s *Store) Export(path string, skip Skip) (written, skipped int, err error) {
	err = atomicfile.Write(path, func(w io.Writer) error {
		var err error
		written, skipped, err = s.WriteCSV(w, skip)
		return err
	})
	return written, skipped, err
}
