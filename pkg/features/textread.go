package features

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

// ReadTextEmbeddings reads text_embeddings.parquet through Arrow's column
// reader, every vector a slice of one shared array. The row decoder of
// tables.Read boxes each float of a list column: at 62K movies of 512
// values that is gigabytes of garbage and several seconds, where this
// reads about what the vectors take. A missing column, a column of another
// type or a null is an error naming the file, the column and the row.
func ReadTextEmbeddings(path string) ([]TextEmbedding, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: not a readable parquet file: %w", path, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1 << 12}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	sch, err := fr.Schema()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var fields [3]int
	for k, name := range []string{"movie_idx", "movie_id", "embedding"} {
		idx := sch.FieldIndices(name)
		if len(idx) != 1 {
			return nil, fmt.Errorf("read %s: column %q is missing", path, name)
		}
		fields[k] = idx[0]
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer rr.Release()
	rows := make([]TextEmbedding, 0, pf.NumRows())
	var values []float32
	var ends []int // end of each row's vector in values
	for rr.Next() {
		rec := rr.RecordBatch()
		first := len(rows)
		var ints [2]*array.Int32
		for k, name := range []string{"movie_idx", "movie_id"} {
			col, ok := rec.Column(fields[k]).(*array.Int32)
			if !ok {
				return nil, fmt.Errorf("read %s: column %s: type %s, want int32", path, name, rec.Column(fields[k]).DataType())
			}
			if col.NullN() > 0 {
				return nil, fmt.Errorf("read %s: column %s: row %d is null", path, name, first+firstNull(col.IsNull, col.Len()))
			}
			ints[k] = col
		}
		list, ok := rec.Column(fields[2]).(*array.List)
		if !ok {
			return nil, fmt.Errorf("read %s: column embedding: type %s, want list<float>", path, rec.Column(fields[2]).DataType())
		}
		elems, ok := list.ListValues().(*array.Float32)
		if !ok {
			return nil, fmt.Errorf("read %s: column embedding: type %s, want list<float>", path, list.DataType())
		}
		if list.NullN() > 0 {
			return nil, fmt.Errorf("read %s: column embedding: row %d is null", path, first+firstNull(list.IsNull, list.Len()))
		}
		if elems.NullN() > 0 {
			return nil, fmt.Errorf("read %s: column embedding: a vector holds a null", path)
		}
		vals := elems.Float32Values()
		if values == nil && rec.NumRows() > 0 {
			// Every vector has the first one's length, as a rule.
			lo, hi := list.ValueOffsets(0)
			values = make([]float32, 0, int(hi-lo)*int(pf.NumRows()))
			ends = make([]int, 0, pf.NumRows())
		}
		for i := range int(rec.NumRows()) {
			lo, hi := list.ValueOffsets(i)
			values = append(values, vals[lo:hi]...)
			ends = append(ends, len(values))
			rows = append(rows, TextEmbedding{MovieIdx: ints[0].Value(i), MovieID: ints[1].Value(i)})
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("read %s: table is empty", path)
	}
	start := 0
	for i := range rows {
		rows[i].Embedding = values[start:ends[i]:ends[i]]
		start = ends[i]
	}
	return rows, nil
}

func firstNull(isNull func(int) bool, n int) int {
	for i := range n {
		if isNull(i) {
			return i
		}
	}
	return 0
}
