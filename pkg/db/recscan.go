package db

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// recBatch is a run of consecutive rows of a recommendations file
// (pkg/eval.Rec), as columns; reused by the next batch.
type recBatch struct {
	First   int64 // file row index of the first row
	UserID  []int32
	Rank    []int32
	MovieID []int32
	Score   []float32
}

// recColumns are the columns of a recommendations file, in recBatch order.
var recColumns = []string{"user_id", "rank", "movie_id", "score"}

// scanRecs streams the recommendations file at path in batches of at most
// batchRows rows: a 25M-rating dataset has tens of millions of them, too
// many to hold as row structs. A missing column, a column of another type
// or a null is an error naming the file, the column and the row.
func scanRecs(path string, batchRows int, fn func(*recBatch) error) (int64, error) {
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
	idx := make([]int, len(recColumns))
	for i, name := range recColumns {
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
	var b recBatch
	var n int64
	for rr.Next() {
		rec := rr.RecordBatch()
		rows := int(rec.NumRows())
		b.First = n
		for c, dst := range []*[]int32{&b.UserID, &b.Rank, &b.MovieID} {
			col, ok := rec.Column(c).(*array.Int32)
			if !ok {
				return n, fmt.Errorf("read %s: column %s: type %s, want int32", path, recColumns[c], rec.Column(c).DataType())
			}
			if err := noNulls(col.NullN(), col.IsNull, rows, recColumns[c], n); err != nil {
				return n, fmt.Errorf("read %s: %w", path, err)
			}
			*dst = append((*dst)[:0], col.Int32Values()...)
		}
		col, ok := rec.Column(3).(*array.Float32)
		if !ok {
			return n, fmt.Errorf("read %s: column score: type %s, want float", path, rec.Column(3).DataType())
		}
		if err := noNulls(col.NullN(), col.IsNull, rows, "score", n); err != nil {
			return n, fmt.Errorf("read %s: %w", path, err)
		}
		b.Score = append(b.Score[:0], col.Float32Values()...)
		if err := fn(&b); err != nil {
			return n, err
		}
		n += int64(rows)
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return n, fmt.Errorf("read %s: %w", path, err)
	}
	return n, nil
}

// noNulls names the first null row of a column that has nulls.
func noNulls(nulls int, isNull func(int) bool, rows int, name string, first int64) error {
	if nulls == 0 {
		return nil
	}
	for i := range rows {
		if isNull(i) {
			return fmt.Errorf("column %s: row %d is null", name, first+int64(i))
		}
	}
	return nil
}
