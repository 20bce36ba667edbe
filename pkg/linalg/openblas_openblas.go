//go:build cgo && openblas

package linalg

import (
	"runtime"
	"sync"

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

// sgemmOpenBLAS cuts C along its longer side into one part per core and
// computes each with a single-threaded OpenBLAS call. Each element of C is
// still computed by one call over the whole of k, so the split does not
// change the summation.
func sgemmOpenBLAS(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	workers := runtime.GOMAXPROCS(0)
	if float64(m)*float64(n)*float64(k) < parallelMinWork {
		workers = 1
	}
	if workers == 1 {
		openblas.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	var wg sync.WaitGroup
	if m >= n {
		// Rows of C: rows of op(A).
		step := (m + workers - 1) / workers
		for lo := 0; lo < m; lo += step {
			rows := min(step, m-lo)
			aOff := lo * lda // row lo of A
			if transA {
				aOff = lo // column lo of A
			}
			wg.Go(func() {
				openblas.Sgemm(transA, transB, rows, n, k, alpha, a[aOff:], lda, b, ldb, beta, c[lo*ldc:], ldc)
			})
		}
	} else {
		// Columns of C: columns of op(B).
		step := (n + workers - 1) / workers
		for lo := 0; lo < n; lo += step {
			cols := min(step, n-lo)
			bOff := lo // column lo of B
			if transB {
				bOff = lo * ldb // row lo of B
			}
			wg.Go(func() {
				openblas.Sgemm(transA, transB, m, cols, k, alpha, a, lda, b[bOff:], ldb, beta, c[lo:], ldc)
			})
		}
	}
	wg.Wait()
}
