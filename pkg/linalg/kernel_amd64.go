//go:build amd64 && !purego

package linalg

import "github.com/moviegenie/pipeline/pkg/cpufeat"

// kernel6x16 is the AVX2+FMA micro-kernel (kernel_amd64.s): microKernel
// on raw pointers, strides in elements. It reads the 6×k sliver at a, the
// k×16 sliver at b, and 6 rows of 16 floats at c (only when beta != 0)
// before writing them.
//
//go:noescape
func kernel6x16(k int, a *float32, ars, acs int, b *float32, brs int, c *float32, ldc int, alpha, beta float32)

func init() {
	if cpufeat.AVX2FMA {
		kernel, kernelName = kernelAVX2, "avx2"
	}
}

// kernelAVX2 is kernel6x16 behind bounds checks, so that the assembly only
// touches memory inside its slices (all strides are non-negative).
func kernelAVX2(k int, a []float32, ars, acs int, b []float32, brs int, c []float32, ldc int, alpha, beta float32) {
	_ = a[(mr-1)*ars+(k-1)*acs]
	_ = b[(k-1)*brs+nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	kernel6x16(k, &a[0], ars, acs, &b[0], brs, &c[0], ldc, alpha, beta)
}
