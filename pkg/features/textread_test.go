package features

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// TestReadTextEmbeddings reads what tables.Write wrote, across several
// record batches, as tables.Read does; a file without the embedding
// column is an error naming it.
func TestReadTextEmbeddings(t *testing.T) {
	dir := t.TempDir()
	var rows []TextEmbedding
	for i := range 10000 {
		e := make([]float32, 7)
		for k := range e {
			e[k] = float32(i*7+k) / 3
		}
		rows = append(rows, TextEmbedding{MovieIdx: int32(i + 1), MovieID: int32(3*i + 2), Embedding: e})
	}
	path := filepath.Join(dir, TextEmbeddingsFile)
	if err := tables.Write(path, rows); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTextEmbeddings(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rows) {
		t.Fatalf("got %d rows (first %+v), want %d (first %+v)", len(got), got[0], len(rows), rows[0])
	}
	// Appending to one vector must not overwrite the next.
	_ = append(got[0].Embedding, 99)
	if got[1].Embedding[0] != rows[1].Embedding[0] {
		t.Errorf("vectors share spare capacity")
	}

	type noEmbedding struct {
		MovieIdx int32 `parquet:"name=movie_idx, type=INT32"`
		MovieID  int32 `parquet:"name=movie_id, type=INT32"`
	}
	bad := filepath.Join(dir, "bad.parquet")
	if err := tables.Write(bad, []noEmbedding{{1, 2}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadTextEmbeddings(bad); err == nil || !strings.Contains(err.Error(), `bad.parquet: column "embedding" is missing`) {
		t.Errorf("got error %v, want one naming the file and the missing column", err)
	}
}
