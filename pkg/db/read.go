package db

import (
	"fmt"
	"path/filepath"

	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// pending is a parquet file being read (and checksummed) in the
// background, so that reading the next file overlaps inserting this one.
type pending[T any] struct {
	path string
	done chan struct{}
	rows []T
	info runmetrics.FileInfo
	err  error
}

// readAsync starts reading path in a goroutine once every channel in after
// is closed. The error, if any, names the file (and the column at fault
// when the schema differs).
func readAsync[T any](path string, after ...<-chan struct{}) *pending[T] {
	return readAsyncWith(path, tables.Read[T], after...)
}

// readAsyncWith is readAsync with its own reader (tables.ReadMaybeEmpty
// for a table that may have no rows).
func readAsyncWith[T any](path string, read func(string) ([]T, error), after ...<-chan struct{}) *pending[T] {
	p := &pending[T]{path: path, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for _, c := range after {
			<-c
		}
		info, err := runmetrics.Describe(path)
		if err != nil {
			p.err = fmt.Errorf("read %s: %w", path, err)
			return
		}
		p.info = info
		p.rows, p.err = read(path)
	}()
	return p
}

// wait returns the rows once read, and records the file as an input of
// the build.
func (p *pending[T]) wait(b *builder) ([]T, error) {
	select {
	case <-p.done:
	case <-b.ctx.Done():
		return nil, b.ctx.Err()
	}
	if p.err != nil {
		return nil, p.err
	}
	b.res.Inputs = append(b.res.Inputs, p.info)
	return p.rows, nil
}

// reads holds the pending reads of every parquet input.
type reads struct {
	genres      *pending[tables.Genre]
	occupations *pending[tables.Occupation]
	movies      *pending[tables.Movie]
	users       *pending[tables.User]
	// ratings.parquet and the recommendation files are streamed by
	// loadRatings and loadRecs; their checksums start at once.
	ratingsPath string
	ratingsInfo func() (runmetrics.FileInfo, error)
	recs        []func() (runmetrics.FileInfo, error)
	vectors     []*pending[VectorRow]
	text        *pending[features.TextEmbedding]
}

// startReads starts reading the small parquet inputs: the processed
// tables at once, since they are inserted first, then the vector files one
// after the other, in the order they are inserted. ratings.parquet and the
// recommendation files, which grow with the data, are only checksummed
// here: loadRatings and loadRecs stream them.
func startReads(in Inputs) *reads {
	path := func(name string) string { return filepath.Join(in.Processed, name+".parquet") }
	r := &reads{
		genres: readAsync[tables.Genre](path("genres")),
		// No rows for a dataset without demographics.
		occupations: readAsyncWith(path("occupations"), tables.ReadMaybeEmpty[tables.Occupation]),
		movies:      readAsync[tables.Movie](path("movies")),
		users:       readAsync[tables.User](path("users")),
		ratingsPath: path("ratings"),
	}
	r.ratingsInfo = describeAsync(r.ratingsPath)
	for _, mf := range in.Recs {
		r.recs = append(r.recs, describeAsync(mf.Path))
	}
	prev := []<-chan struct{}{r.genres.done, r.occupations.done, r.movies.done, r.users.done}
	for _, mf := range in.Vectors {
		p := readAsync[VectorRow](mf.Path, prev...)
		r.vectors = append(r.vectors, p)
		prev = []<-chan struct{}{p.done}
	}
	if in.TextEmbeddings != "" {
		r.text = readAsyncWith(in.TextEmbeddings, features.ReadTextEmbeddings, prev...)
	}
	return r
}
