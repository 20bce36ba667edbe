package appstore

import (
	"bufio"
	"fmt"
	"io"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
)

// CSVHeader is the header of the exported file, the format of
// data_processing.extra_ratings.
const CSVHeader = "user_id,movie_id,rating,timestamp"

// DefaultExportPath is where Export writes by default, relative to the
// repository root.
const DefaultExportPath = "data/raw/app_ratings.csv"

// WriteCSV writes every counted rating (the latest per user and movie) as
// CSV: the header, then one line per rating, by user id and then in the
// order given. It reads the committed ratings from the file, so it can run
// while a server writes (WAL) and sees what the server has answered.
func (s *Store) WriteCSV(w io.Writer) (int, error) {
	rows, err := s.db.Query(`SELECT user_id, movie_id, rating, timestamp FROM ratings r
		WHERE seq = (SELECT MAX(seq) FROM ratings l WHERE l.user_id = r.user_id AND l.movie_id = r.movie_id)
		ORDER BY user_id, seq`)
	if err != nil {
		return 0, fmt.Errorf("app store %s: %w", s.path, err)
	}
	defer rows.Close()
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, CSVHeader)
	n := 0
	for rows.Next() {
		var u, m, r, ts int64
		if err := rows.Scan(&u, &m, &r, &ts); err != nil {
			return n, fmt.Errorf("app store %s: %w", s.path, err)
		}
		fmt.Fprintf(bw, "%d,%d,%d,%d\n", u, m, r, ts)
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("app store %s: %w", s.path, err)
	}
	return n, bw.Flush()
}

// Export writes WriteCSV's output to path atomically (a temporary file
// renamed into place) and returns the number of ratings written.
func (s *Store) Export(path string) (int, error) {
	var n int
	err := atomicfile.Write(path, func(w io.Writer) error {
		var err error
		n, err = s.WriteCSV(w)
		return err
	})
	return n, err
}
