package linalg

import "fmt"

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices,
// where op(X) is X or its transpose. op(A) is m×k, op(B) is k×n, C is m×n;
// lda, ldb, ldc are the row strides of A, B and C as stored. When beta is
// zero, C is overwritten and its old contents (even NaN) are ignored; when k
// is zero or alpha is zero, A and B are not read. Elements of C beyond
// column n of each row (up to ldc) are never touched.
//
// Sgemm runs on the selected backend (see Backend). It is safe for
// concurrent use on distinct outputs. It panics if a dimension is negative,
// a stride is smaller than the row it strides over, or a slice is too short.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	current.Load().sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SgemmRef is the plain reference for Sgemm: the same contract, computed by
// a triple loop in float32 with one sum per element of C in increasing k.
// It does no argument checking beyond Go's bounds checks.
func SgemmRef(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}

// checkArgs panics unless every element Sgemm may touch lies inside its
// slice. The fast backends rely on it: they index with unchecked pointers.
func checkArgs(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("linalg: Sgemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	if m == 0 || n == 0 {
		return
	}
	checkMatrix("c", m, n, c, ldc)
	if k == 0 {
		return
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	checkMatrix("a", ar, ac, a, lda)
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix("b", br, bc, b, ldb)
}

// checkMatrix panics unless x holds a rows×cols row-major matrix with row
// stride ld (rows, cols > 0).
func checkMatrix(name string, rows, cols int, x []float32, ld int) {
	if ld < cols {
		panic(fmt.Sprintf("linalg: Sgemm: ld%s = %d < %d columns", name, ld, cols))
	}
	if need := (rows-1)*ld + cols; len(x) < need {
		panic(fmt.Sprintf("linalg: Sgemm: len(%s) = %d, need %d for %d×%d with stride %d", name, len(x), need, rows, cols, ld))
	}
}

// scaleC sets C = beta*C, writing zeros when beta is zero.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		switch beta {
		case 0:
			clear(row)
		case 1:
		default:
			for j := range row {
				row[j] *= beta
			}
		}
	}
}
