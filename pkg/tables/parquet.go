// Package tables defines the rows of the pipeline's parquet tables and reads
// and writes them. The row types are the contract between stages: process
// writes data/processed/*.parquet with them, and features, the trainers and
// dbsetup read them back. Reading checks the file's schema against the row
// type first, so a table with a missing or mistyped column fails with an
// error naming the file and the column instead of yielding zeros.
package tables

import (
	"fmt"
	"os"
	"strings"

	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/reader"
	"github.com/xitongsys/parquet-go/schema"
	"github.com/xitongsys/parquet-go/writer"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
)

// Write writes rows to path as a parquet file (snappy-compressed), via a
// temporary file renamed into place. T must be a struct with parquet tags.
func Write[T any](path string, rows []T) error {
	return atomicfile.WriteFileWith(path, func(f *os.File) error {
		pw, err := writer.NewParquetWriterFromWriter(f, new(T), 2)
		if err != nil {
			return fmt.Errorf("parquet schema: %w", err)
		}
		pw.RowGroupSize = 64 << 20
		pw.CompressionType = parquet.CompressionCodec_SNAPPY
		for i := range rows {
			if err := pw.Write(rows[i]); err != nil {
				return fmt.Errorf("row %d: %w", i, err)
			}
		}
		return pw.WriteStop()
	})
}

// Read reads every row of the parquet file at path into []T, after checking
// that the file has each column of T with the same physical type. A table
// without rows is an error (a table that may be empty: ReadMaybeEmpty).
func Read[T any](path string) ([]T, error) { return read[T](path, false) }

// ReadMaybeEmpty is Read for the tables a dataset may leave without rows:
// occupations.parquet and tags.parquet without demographics or tags, and
// genres.parquet when no movie has a genre.
func ReadMaybeEmpty[T any](path string) ([]T, error) { return read[T](path, true) }

func read[T any](path string, allowEmpty bool) ([]T, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	fr, err := local.NewLocalFileReader(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer fr.Close()
	pr, err := reader.NewParquetReader(fr, nil, 1)
	if err != nil {
		return nil, fmt.Errorf("read %s: not a readable parquet file: %w", path, err)
	}
	defer pr.ReadStop()
	if err := checkSchema(pr.Footer.Schema, new(T)); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	n := int(pr.GetNumRows())
	if n == 0 {
		if allowEmpty {
			return []T{}, nil
		}
		return nil, fmt.Errorf("read %s: table is empty", path)
	}
	// Re-open with the row type so values decode into T.
	fr2, err := local.NewLocalFileReader(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer fr2.Close()
	pr2, err := reader.NewParquetReader(fr2, new(T), 2)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer pr2.ReadStop()
	rows := make([]T, n)
	if err := pr2.Read(&rows); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return rows, nil
}

// checkSchema compares the leaf columns of the file with those of the row
// type: each expected column must exist with the same physical type.
func checkSchema(file []*parquet.SchemaElement, obj any) error {
	sh, err := schema.NewSchemaHandlerFromStruct(obj)
	if err != nil {
		return fmt.Errorf("row type schema: %w", err)
	}
	// The handler's elements carry Go field names; the file has the
	// parquet names, which the handler keeps in Infos.
	wantElems := make([]*parquet.SchemaElement, len(sh.SchemaElements))
	for i, e := range sh.SchemaElements {
		c := *e
		c.Name = sh.Infos[i].ExName
		wantElems[i] = &c
	}
	have := map[string]*parquet.SchemaElement{}
	for _, l := range leaves(file) {
		have[l.path] = l.elem
	}
	for _, w := range leaves(wantElems) {
		h, ok := have[w.path]
		if !ok {
			return fmt.Errorf("column %q: missing", w.path)
		}
		if h.Type != nil && w.elem.Type != nil && *h.Type != *w.elem.Type {
			return fmt.Errorf("column %q: type %s, want %s", w.path, h.Type, w.elem.Type)
		}
	}
	return nil
}

type leaf struct {
	path string
	elem *parquet.SchemaElement
}

// leaves lists the leaf columns in schema order, each with its dotted path
// (names lower-cased; list wrappers kept as they are named).
func leaves(elems []*parquet.SchemaElement) []leaf {
	var out []leaf
	i := 1 // element 0 is the root
	var walk func(prefix string)
	walk = func(prefix string) {
		e := elems[i]
		i++
		name := strings.ToLower(e.GetName())
		if prefix != "" {
			name = prefix + "." + name
		}
		if e.NumChildren == nil || *e.NumChildren == 0 {
			out = append(out, leaf{name, e})
			return
		}
		for c := int32(0); c < *e.NumChildren; c++ {
			walk(name)
		}
	}
	for i < len(elems) {
		walk("")
	}
	return out
}
