//go:build cgo && openblas

package linalg

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>

// Declared again in case cblas.h is not OpenBLAS's own.
void openblas_set_num_threads(int num_threads);
*/
import "C"

import (
	"fmt"
	"math"
)

// openblasThreads is the number of threads OpenBLAS may use: the two cores
// of the machine the pipeline runs on.
const openblasThreads = 2

var openblasBackend = newOpenBLAS()

func newOpenBLAS() *backend {
	C.openblas_set_num_threads(openblasThreads)
	return &backend{name: "openblas", sgemm: sgemmOpenBLAS}
}

// sgemmOpenBLAS calls cblas_sgemm. Arguments are checked by Sgemm, so the
// slices are non-empty and long enough; the pointers passed to C point to
// float32 data only, which cgo allows.
func sgemmOpenBLAS(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for _, v := range [...]int{m, n, k, lda, ldb, ldc} {
		if v > math.MaxInt32 {
			panic(fmt.Sprintf("linalg: openblas: dimension or stride %d exceeds the 32-bit BLAS interface", v))
		}
	}
	ta, tb := C.enum_CBLAS_TRANSPOSE(C.CblasNoTrans), C.enum_CBLAS_TRANSPOSE(C.CblasNoTrans)
	if transA {
		ta = C.CblasTrans
	}
	if transB {
		tb = C.CblasTrans
	}
	C.cblas_sgemm(C.CblasRowMajor, ta, tb, C.blasint(m), C.blasint(n), C.blasint(k),
		C.float(alpha), (*C.float)(&a[0]), C.blasint(lda),
		(*C.float)(&b[0]), C.blasint(ldb),
		C.float(beta), (*C.float)(&c[0]), C.blasint(ldc))
}
