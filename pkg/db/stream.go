package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// batchRows is how many rows one INSERT statement carries: a multi-row
// statement costs one round trip into SQLite instead of batchRows.
const batchRows = 64

// chunkRows is how many rows of a large file (ratings, recommendations)
// are read, checked and inserted at a time: memory holds a few chunks,
// never the whole file.
const chunkRows = 1 << 16

// inserter inserts rows into one table through prepared statements: a
// batchRows-row statement, and a one-row statement for the remainder and
// for finding the row at fault when a batch fails.
type inserter struct {
	b             *builder
	file, target  string
	ncols         int
	single, batch *sql.Stmt
	args          []any
}

// newInserter prepares the inserts into target ("table (col, ...)", ncols
// columns); file names the rows' source in errors.
func (b *builder) newInserter(file, target string, ncols int) (*inserter, error) {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", ncols), ", ") + ")"
	single, err := b.tx.PrepareContext(b.ctx, "INSERT INTO "+target+" VALUES "+one)
	if err != nil {
		return nil, fmt.Errorf("prepare insert into %s: %w", target, err)
	}
	batch, err := b.tx.PrepareContext(b.ctx, "INSERT INTO "+target+" VALUES "+strings.TrimSuffix(strings.Repeat(one+", ", batchRows), ", "))
	if err != nil {
		single.Close()
		return nil, fmt.Errorf("prepare insert into %s: %w", target, err)
	}
	return &inserter{b: b, file: file, target: target, ncols: ncols, single: single, batch: batch,
		args: make([]any, 0, ncols*batchRows)}, nil
}

func (in *inserter) close() {
	in.single.Close()
	in.batch.Close()
}

// rows inserts n rows: row(i, dst) appends row i's values to dst. first is
// the file row index of row 0, for errors. If a batch fails, its rows are
// retried one by one so that the error names the file, the row index and
// the row's key (key(i)).
func (in *inserter) rows(first int64, n int, row func(i int, dst []any) []any, key func(i int) string) error {
	oneByOne := func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			if _, err := in.single.Exec(row(i, in.args[:0])...); err != nil {
				return fmt.Errorf("%s row %d (%s): %w", in.file, first+int64(i), key(i), err)
			}
		}
		return nil
	}
	i := 0
	for ; i+batchRows <= n; i += batchRows {
		if err := in.b.ctx.Err(); err != nil {
			return err
		}
		args := in.args[:0]
		for j := i; j < i+batchRows; j++ {
			args = row(j, args)
		}
		if _, err := in.batch.Exec(args...); err != nil {
			// The failed statement changed nothing; find the row.
			if err := oneByOne(i, i+batchRows); err != nil {
				return err
			}
			return fmt.Errorf("%s rows %d to %d: %w", in.file, first+int64(i), first+int64(i+batchRows-1), err)
		}
	}
	return oneByOne(i, n)
}

// insert inserts n rows into target at once (a small table): see rows.
func (b *builder) insert(file, target string, ncols, n int, row func(i int, dst []any) []any, key func(i int) string) error {
	in, err := b.newInserter(file, target, ncols)
	if err != nil {
		return err
	}
	defer in.close()
	return in.rows(0, n, row, key)
}

// errStopped ends a producer whose consumer has failed.
var errStopped = errors.New("stopped")

// overlap runs produce in a goroutine and consume here, so that reading a
// large file (decompressing, decoding) overlaps inserting it. produce takes
// an empty chunk with get (false: stop, the consumer failed), fills it and
// hands it over with put; three chunks circulate. The consumer's error, if
// any, wins over the producer's.
func overlap[C any](ctx context.Context, produce func(get func() (*C, bool), put func(*C)) error, consume func(*C) error) error {
	const chunks = 3
	free, full := make(chan *C, chunks), make(chan *C, chunks)
	for range chunks {
		free <- new(C)
	}
	stop := make(chan struct{})
	perr := make(chan error, 1)
	go func() {
		defer close(full)
		perr <- produce(func() (*C, bool) {
			select {
			case c := <-free:
				return c, true
			case <-stop:
				return nil, false
			case <-ctx.Done():
				return nil, false
			}
		}, func(c *C) { full <- c })
	}()
	var cerr error
	for c := range full {
		if cerr == nil {
			if cerr = ctx.Err(); cerr == nil {
				cerr = consume(c)
			}
			if cerr != nil {
				close(stop)
			}
		}
		free <- c
	}
	err := <-perr
	switch {
	case cerr != nil:
		return cerr
	case errors.Is(err, errStopped):
		return ctx.Err()
	}
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// idIndex maps ids (user or movie) to dense indexes 0..n-1: a slice when
// the ids are dense enough, else a map.
type idIndex struct {
	dense  []int32 // dense[id] = index + 1, 0 = absent
	sparse map[int32]int32
}

func newIDIndex(ids []int32) *idIndex {
	var hi int32
	for _, id := range ids {
		hi = max(hi, id)
	}
	x := &idIndex{}
	if int64(hi) <= 8*int64(len(ids))+1<<16 && slicesNonNegative(ids) {
		x.dense = make([]int32, int(hi)+1)
		for i, id := range ids {
			x.dense[id] = int32(i) + 1
		}
		return x
	}
	x.sparse = make(map[int32]int32, len(ids))
	for i, id := range ids {
		x.sparse[id] = int32(i)
	}
	return x
}

func slicesNonNegative(ids []int32) bool {
	for _, id := range ids {
		if id < 0 {
			return false
		}
	}
	return true
}

// get returns id's index, and whether id is known.
func (x *idIndex) get(id int32) (int32, bool) {
	if x.dense != nil {
		if id < 0 || int(id) >= len(x.dense) || x.dense[id] == 0 {
			return 0, false
		}
		return x.dense[id] - 1, true
	}
	i, ok := x.sparse[id]
	return i, ok
}

// ksum is a Kahan-Babuska-Neumaier sum (SQLite's SUM and AVG sum alike,
// so the means equal what SQL computes).
type ksum struct{ s, c float64 }

func (k *ksum) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k ksum) value() float64 { return k.s + k.c }

// describeAsync checksums path in the background (the large inputs take
// a second or more), for the build's list of inputs.
func describeAsync(path string) func() (runmetrics.FileInfo, error) {
	type result struct {
		fi  runmetrics.FileInfo
		err error
	}
	c := make(chan result, 1)
	go func() {
		fi, err := runmetrics.Describe(path)
		c <- result{fi, err}
	}()
	return func() (runmetrics.FileInfo, error) {
		r := <-c
		if r.err != nil {
			return r.fi, fmt.Errorf("read %s: %w", path, r.err)
		}
		return r.fi, nil
	}
}
