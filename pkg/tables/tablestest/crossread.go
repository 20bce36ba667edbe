// Package tablestest reads parquet files with Apache Arrow, for tests only.
//
// The pipeline writes its tables with xitongsys/parquet-go. Reading them
// back with the same library would hide a file that only that library
// understands; arrow-go is a second, independent implementation, so a file
// it reads correctly is one other tools (DuckDB, pandas) can read too.
// No command imports this package, which keeps arrow-go out of the
// binaries.
package tablestest

import (
	"context"
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// ReadArrow reads the parquet file at path with Apache Arrow's reader. The
// table is released when the test ends.
func ReadArrow(t testing.TB, path string) arrow.Table {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	pf, err := file.NewParquetReader(f)
	if err != nil {
		t.Fatalf("arrow cannot open %s: %v", path, err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatalf("arrow cannot read %s: %v", path, err)
	}
	t.Cleanup(tbl.Release)
	return tbl
}

// Column returns the column called name. It must be a single chunk, so
// that row i of the table is row i of the array.
func Column(t testing.TB, tbl arrow.Table, name string) arrow.Array {
	t.Helper()
	idx := tbl.Schema().FieldIndices(name)
	if len(idx) != 1 {
		t.Fatalf("arrow sees no column %q in %v", name, tbl.Schema())
	}
	chunks := tbl.Column(idx[0]).Data()
	if n := len(chunks.Chunks()); n != 1 {
		t.Fatalf("column %q: got %d chunks, want 1", name, n)
	}
	return chunks.Chunk(0)
}
