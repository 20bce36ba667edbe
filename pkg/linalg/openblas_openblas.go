//go:build cgo && openblas

package linalg

import (
	"runtime"

	"github.com/moviegenie/pipeline/pkg/linalg/internal/openblas"
)

// OpenBLAS runs single-threaded; sgemmOpenBLAS splits a large product
// between goroutines itself. OpenBLAS's own threads spin for a long while
// after each call (THREAD_TIMEOUT), and in a training step the next thing
// is often Go code running on both cores: the spinning took up to a fifth
// of the CPU time of a BERT4Rec epoch and made it slower than the pure-Go
// backend.
var openblasBackend = newOpenBLAS()

func newOpenBLAS() *backend {
	openblas.SetNumThreads(1)
	return &backend{name: "openblas", sgemm: sgemmOpenBLAS}
}

// sgemmOpenBLAS computes a large product as one single-threaded OpenBLAS
// call per core, on C cut along its longer side (splitC).
func sgemmOpenBLAS(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	workers := runtime.GOMAXPROCS(0)
	if float64(m)*float64(n)*float64(k) < parallelMinWork {
		workers = 1
	}
	splitC(workers, 1, 1, openblas.Sgemm, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
