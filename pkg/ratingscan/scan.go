package ratingscan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// Split codes of Batch.Split.
const (
	Train int8 = iota
	Validation
	Test
)

// SplitName is the ratings.parquet name of a split code (a shared
// constant string).
func SplitName(s int8) string {
	return [...]string{tables.SplitTrain, tables.SplitValidation, tables.SplitTest}[s]
}

// DefaultBatchRows is a batch size that keeps a batch at a few MiB.
const DefaultBatchRows = 1 << 18

// Batch is a run of consecutive rows of the table, as columns. Its slices
// are reused by the next batch: copy what must outlive the callback.
type Batch struct {
	First    int64 // file row index of the batch's first row
	UserID   []int32
	MovieID  []int32
	Rating   []float32 // whole stars (INT32 column) or half stars (FLOAT)
	Position []int32
	Split    []int8 // Train, Validation, Test
	// Timestamp is milliseconds since the Unix epoch, filled by
	// ScanTimes only (nil after Scan).
	Timestamp []int64
}

// Len is the batch's row count.
func (b *Batch) Len() int { return len(b.UserID) }

// columns read, by name; ScanTimes adds the last one.
var columns = []string{"user_id", "movie_id", "rating", "position", "split", "timestamp"}

// Scan reads the table at path in file order and calls fn with each batch
// of at most batchRows rows (DefaultBatchRows if batchRows < 1). It
// returns the number of rows read. A missing column, a column of another
// type, a null or an unknown split value is an error naming the file, the
// column and the row; so is an error from fn (returned as is).
func Scan(path string, batchRows int, fn func(*Batch) error) (int64, error) {
	return scan(path, batchRows, columns[:5], fn)
}

// ScanTimes is Scan that also reads the timestamp column (Batch.Timestamp),
// for a reader that needs the time of each rating.
func ScanTimes(path string, batchRows int, fn func(*Batch) error) (int64, error) {
	return scan(path, batchRows, columns, fn)
}

func scan(path string, batchRows int, columns []string, fn func(*Batch) error) (int64, error) {
	if batchRows < 1 {
		batchRows = DefaultBatchRows
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		return 0, fmt.Errorf("read %s: not a readable parquet file: %w", path, err)
	}
	defer pf.Close()
	sch := pf.MetaData().Schema
	idx := make([]int, len(columns))
	for i, name := range columns {
		if idx[i] = sch.ColumnIndexByName(name); idx[i] < 0 {
			return 0, fmt.Errorf("read %s: column %q is missing", path, name)
		}
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: int64(batchRows), Parallel: true}, memory.DefaultAllocator)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	rr, err := fr.GetRecordReader(context.Background(), idx, nil)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	defer rr.Release()
	var b Batch
	var n int64
	for rr.Next() {
		rec := rr.RecordBatch()
		if err := b.fill(rec, n); err != nil {
			return n, fmt.Errorf("read %s: %w", path, err)
		}
		if len(columns) > 5 {
			if err := b.fillTimes(rec.Column(5), n); err != nil {
				return n, fmt.Errorf("read %s: %w", path, err)
			}
		}
		if err := fn(&b); err != nil {
			return n, err
		}
		n += rec.NumRows()
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return n, fmt.Errorf("read %s: %w", path, err)
	}
	return n, nil
}

// fill decodes a record (columns in the order of columns) into b.
func (b *Batch) fill(rec arrow.RecordBatch, first int64) error {
	n := int(rec.NumRows())
	b.First = first
	b.UserID, b.MovieID, b.Position = grow(b.UserID, n), grow(b.MovieID, n), grow(b.Position, n)
	b.Rating, b.Split = grow(b.Rating, n), grow(b.Split, n)
	for c, dst := range [][]int32{b.UserID, b.MovieID, nil, b.Position} {
		if dst == nil {
			continue
		}
		col, ok := rec.Column(c).(*array.Int32)
		if !ok {
			return fmt.Errorf("column %s: type %s, want int32", columns[c], rec.Column(c).DataType())
		}
		if err := noNulls(col, columns[c], first); err != nil {
			return err
		}
		copy(dst, col.Int32Values())
	}
	switch col := rec.Column(2).(type) {
	case *array.Int32:
		if err := noNulls(col, "rating", first); err != nil {
			return err
		}
		for i, v := range col.Int32Values() {
			b.Rating[i] = float32(v)
		}
	case *array.Float32:
		if err := noNulls(col, "rating", first); err != nil {
			return err
		}
		copy(b.Rating, col.Float32Values())
	default:
		return fmt.Errorf("column rating: type %s, want int32 or float", col.DataType())
	}
	sp, ok := rec.Column(4).(*array.String)
	if !ok {
		return fmt.Errorf("column split: type %s, want string", rec.Column(4).DataType())
	}
	for i := range n {
		switch sp.Value(i) {
		case "train":
			b.Split[i] = Train
		case "validation":
			b.Split[i] = Validation
		case "test":
			b.Split[i] = Test
		default:
			if sp.IsNull(i) {
				return fmt.Errorf("column split: row %d is null", first+int64(i))
			}
			return fmt.Errorf("column split: row %d: unknown split %q (want train, validation or test)", first+int64(i), sp.Value(i))
		}
	}
	return nil
}

// fillTimes decodes the timestamp column (TIMESTAMP(MILLIS), or a plain
// INT64 of milliseconds) into b.Timestamp.
func (b *Batch) fillTimes(a arrow.Array, first int64) error {
	n := a.Len()
	b.Timestamp = grow(b.Timestamp, n)
	switch col := a.(type) {
	case *array.Timestamp:
		if u := col.DataType().(*arrow.TimestampType).Unit; u != arrow.Millisecond {
			return fmt.Errorf("column timestamp: unit %s, want milliseconds", u)
		}
		if err := noNulls(col, "timestamp", first); err != nil {
			return err
		}
		for i, v := range col.TimestampValues() {
			b.Timestamp[i] = int64(v)
		}
	case *array.Int64:
		if err := noNulls(col, "timestamp", first); err != nil {
			return err
		}
		copy(b.Timestamp, col.Int64Values())
	default:
		return fmt.Errorf("column timestamp: type %s, want timestamp[ms]", a.DataType())
	}
	return nil
}

func noNulls(a arrow.Array, name string, first int64) error {
	if a.NullN() == 0 {
		return nil
	}
	for i := range a.Len() {
		if a.IsNull(i) {
			return fmt.Errorf("column %s: row %d is null", name, first+int64(i))
		}
	}
	return nil
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
