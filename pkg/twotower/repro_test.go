package twotower

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/moviegenie/pipeline/pkg/linalg"
)

// TestTrainIndependentOfGOMAXPROCS trains a model big enough for the
// matrix products and layers to split their work across goroutines (a
// batch of 256 through 128-wide towers) with 1, 2 and 3 threads: with the
// default matrix backend the model files are byte-identical, so a model
// trained on a 2-core machine is the one trained on a 64-core one. (With
// OpenBLAS they are not: it cuts products per core, and picks its kernel
// per CPU model.)
func TestTrainIndependentOfGOMAXPROCS(t *testing.T) {
	if linalg.Backend() != "go" {
		t.Skipf("backend %s: only the default backend gives the same bits on any core count", linalg.Backend())
	}
	w := newWorld(400, 120, 7)
	train := func(procs int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		cfg := DefaultConfig()
		cfg.EmbeddingDim, cfg.UserLayers, cfg.ItemLayers = 128, []int{128, 64}, []int{128, 64}
		cfg.BatchSize, cfg.Epochs, cfg.Dropout = 256, 2, 0.1
		m := newTiny(t, cfg, w)
		if _, err := Train(m, w.pairs, Options{}); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "m.bin")
		if err := m.Save(path); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	want := train(1)
	for _, procs := range []int{2, 3} {
		if got := train(procs); !bytes.Equal(got, want) {
			t.Errorf("GOMAXPROCS %d: model file differs from the one trained on 1 thread", procs)
		}
	}
	if len(w.pairs) < 2*256 {
		t.Fatalf("%d pairs: want several batches of 256", len(w.pairs))
	}
}
