//go:build cgo && openblas

package openblas

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

// SetNumThreads sets the number of threads OpenBLAS uses.
func SetNumThreads(n int) {
	C.openblas_set_num_threads(C.int(n))
}

// Sgemm calls cblas_sgemm on row-major matrices. The caller has checked the
// arguments: m, n, k > 0 and the slices are long enough for their strides.
// The pointers passed to C point to float32 data only, which cgo allows.
// It panics if a dimension or stride does not fit the 32-bit interface.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for _, v := range [...]int{m, n, k, lda, ldb, ldc} {
		if v > math.MaxInt32 {
			panic(fmt.Sprintf("linalg/openblas: dimension or stride %d exceeds the 32-bit BLAS interface", v))
		}
	}
	var ta, tb C.enum_CBLAS_TRANSPOSE = C.CblasNoTrans, C.CblasNoTrans
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
