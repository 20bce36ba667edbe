package tables

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/reader"
)

// ReadColumnar is Read for large tables: the same rows, the same schema
// check and errors, but decoded column by column through Arrow's parquet
// reader, the values of each list column in one shared array (every row's
// list is a slice of it). Read's row decoder boxes every value, list
// elements included: at 20M rows that is gigabytes of garbage and tens of
// seconds, where this holds little more than the rows themselves. T's
// fields must be int32, int64, float32, string or slices of the three
// numbers, without nulls in the file (a null is an error naming the file,
// the column and the row); Read handles the other row types.
func ReadColumnar[T any](path string) ([]T, error) {
	cols, err := columnsOf[T]()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if err := checkFileSchema[T](path); err != nil {
		return nil, err
	}
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
	n := pf.NumRows()
	if n == 0 {
		return nil, fmt.Errorf("read %s: table is empty", path)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1 << 16, Parallel: true}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	sch, err := fr.Schema()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	for i := range cols {
		idx := sch.FieldIndices(cols[i].name)
		if len(idx) != 1 {
			return nil, fmt.Errorf("read %s: column %q: missing", path, cols[i].name)
		}
		cols[i].field = idx[0]
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer rr.Release()
	rows := make([]T, n)
	base := unsafe.Pointer(unsafe.SliceData(rows))
	size := reflect.TypeFor[T]().Size()
	row := 0
	for rr.Next() {
		rec := rr.RecordBatch()
		m := int(rec.NumRows())
		if m == 0 {
			continue
		}
		if row+m > len(rows) {
			return nil, fmt.Errorf("read %s: more rows than the footer's %d", path, n)
		}
		for i := range cols {
			if err := cols[i].fill(rec.Column(cols[i].field), base, size, row, m); err != nil {
				return nil, fmt.Errorf("read %s: column %q: %w", path, cols[i].name, err)
			}
		}
		row += m
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if row != len(rows) {
		return nil, fmt.Errorf("read %s: %d rows, the footer says %d", path, row, n)
	}
	for i := range cols {
		cols[i].finish(base, size, row)
	}
	return rows, nil
}

// checkFileSchema runs Read's schema check on the file's footer.
func checkFileSchema[T any](path string) error {
	fr, err := local.NewLocalFileReader(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer fr.Close()
	pr, err := reader.NewParquetReader(fr, nil, 1)
	if err != nil {
		return fmt.Errorf("read %s: not a readable parquet file: %w", path, err)
	}
	defer pr.ReadStop()
	if err := checkSchema(pr.Footer.Schema, new(T)); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// column is one field of the row type and where its values go.
type column struct {
	name   string
	field  int          // index in the file's Arrow schema
	offset uintptr      // of the field in the row struct
	kind   reflect.Kind // Int32, Int64, Float32, String, or Slice
	elem   reflect.Kind // a slice's element kind
	// A list column's values, all rows', and where each row's end.
	i32  []int32
	i64  []int64
	f32  []float32
	ends []int
}

func columnsOf[T any]() ([]column, error) {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("row type %s is not a struct", t)
	}
	var cols []column
	for i := range t.NumField() {
		sf := t.Field(i)
		name := ""
		for _, part := range strings.Split(sf.Tag.Get("parquet"), ",") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(part), "name="); ok {
				name = v
			}
		}
		if name == "" {
			continue
		}
		c := column{name: name, offset: sf.Offset, kind: sf.Type.Kind()}
		switch c.kind {
		case reflect.Int32, reflect.Int64, reflect.Float32, reflect.String:
		case reflect.Slice:
			c.elem = sf.Type.Elem().Kind()
			if c.elem != reflect.Int32 && c.elem != reflect.Int64 && c.elem != reflect.Float32 {
				return nil, fmt.Errorf("field %s: %s is not supported (use Read)", sf.Name, sf.Type)
			}
		default:
			return nil, fmt.Errorf("field %s: %s is not supported (use Read)", sf.Name, sf.Type)
		}
		cols = append(cols, c)
	}
	return cols, nil
}

func nullRow(a arrow.Array) int {
	for i := range a.Len() {
		if a.IsNull(i) {
			return i
		}
	}
	return -1
}

// fill copies m values of a (rows first..first+m-1) into the rows.
func (c *column) fill(a arrow.Array, base unsafe.Pointer, size uintptr, first, m int) error {
	if a.NullN() > 0 {
		return fmt.Errorf("row %d is null", first+nullRow(a))
	}
	at := func(i int) unsafe.Pointer { return unsafe.Add(base, uintptr(first+i)*size+c.offset) }
	switch c.kind {
	case reflect.Int32:
		v, ok := a.(*array.Int32)
		if !ok {
			return fmt.Errorf("type %s, want int32", a.DataType())
		}
		for i, x := range v.Int32Values() {
			*(*int32)(at(i)) = x
		}
	case reflect.Int64:
		switch v := a.(type) {
		case *array.Int64:
			for i, x := range v.Int64Values() {
				*(*int64)(at(i)) = x
			}
		case *array.Timestamp:
			for i, x := range v.TimestampValues() {
				*(*int64)(at(i)) = int64(x)
			}
		default:
			return fmt.Errorf("type %s, want int64", a.DataType())
		}
	case reflect.Float32:
		v, ok := a.(*array.Float32)
		if !ok {
			return fmt.Errorf("type %s, want float", a.DataType())
		}
		for i, x := range v.Float32Values() {
			*(*float32)(at(i)) = x
		}
	case reflect.String:
		v, ok := a.(*array.String)
		if !ok {
			return fmt.Errorf("type %s, want string", a.DataType())
		}
		for i := range m {
			*(*string)(at(i)) = strings.Clone(v.Value(i))
		}
	case reflect.Slice:
		l, ok := a.(*array.List)
		if !ok {
			return fmt.Errorf("type %s, want a list", a.DataType())
		}
		vals := l.ListValues()
		if vals.NullN() > 0 {
			return fmt.Errorf("a list holds a null")
		}
		lo, _ := l.ValueOffsets(0)
		_, hi := l.ValueOffsets(m - 1)
		switch c.elem {
		case reflect.Int32:
			v, ok := vals.(*array.Int32)
			if !ok {
				return fmt.Errorf("type %s, want list<int32>", a.DataType())
			}
			c.i32 = append(c.i32, v.Int32Values()[lo:hi]...)
		case reflect.Int64:
			switch v := vals.(type) {
			case *array.Int64:
				c.i64 = append(c.i64, v.Int64Values()[lo:hi]...)
			case *array.Timestamp:
				for _, x := range v.TimestampValues()[lo:hi] {
					c.i64 = append(c.i64, int64(x))
				}
			default:
				return fmt.Errorf("type %s, want list<int64>", a.DataType())
			}
		case reflect.Float32:
			v, ok := vals.(*array.Float32)
			if !ok {
				return fmt.Errorf("type %s, want list<float>", a.DataType())
			}
			c.f32 = append(c.f32, v.Float32Values()[lo:hi]...)
		}
		end := 0
		if len(c.ends) > 0 {
			end = c.ends[len(c.ends)-1]
		}
		for i := range m {
			s, e := l.ValueOffsets(i)
			end += int(e - s)
			c.ends = append(c.ends, end)
		}
	}
	return nil
}

// finish points every row's list at its part of the shared values (an
// empty list is an empty, non-nil slice, as Read gives).
func (c *column) finish(base unsafe.Pointer, size uintptr, n int) {
	if c.kind != reflect.Slice {
		return
	}
	start := 0
	for i := range n {
		p := unsafe.Add(base, uintptr(i)*size+c.offset)
		end := c.ends[i]
		switch c.elem {
		case reflect.Int32:
			*(*[]int32)(p) = c.i32[start:end:end]
		case reflect.Int64:
			*(*[]int64)(p) = c.i64[start:end:end]
		case reflect.Float32:
			*(*[]float32)(p) = c.f32[start:end:end]
		}
		start = end
	}
	c.ends = nil
}
