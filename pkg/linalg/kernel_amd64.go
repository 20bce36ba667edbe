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

// kernel6x16avx512 is kernel6x16 on zmm registers (kernel512_amd64.s):
// the same operations per element of C, so the same results.
//
//go:noescape
func kernel6x16avx512(k int, a *float32, ars, acs int, b *float32, brs int, c *float32, ldc int, alpha, beta float32)

func init() {
	if cpufeat.AVX2FMA {
		kernel, kernelName = kernelAVX2, "avx2"
		simdKernels = map[string]microKernel{"avx2": kernelAVX2}
	}
	// AVX-512 where the CPU has it: the same bits, measured 8-11% more
	// GFLOP per CPU-second than AVX2 on the four BERT4Rec training shapes
	// (BenchmarkKernels, Intel Xeon, one goroutine, medians of 5).
	if cpufeat.AVX512F {
		simdKernels["avx512"] = kernelAVX512
		kernel, kernelName = kernelAVX512, "avx512"
	}
}

// kernelAVX512 is kernel6x16avx512 behind the bounds checks of kernelAVX2.
func kernelAVX512(k int, a []float32, ars, acs int, b []float32, brs int, c []float32, ldc int, alpha, beta float32) {
	_ = a[(mr-1)*ars+(k-1)*acs]
	_ = b[(k-1)*brs+nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	kernel6x16avx512(k, &a[0], ars, acs, &b[0], brs, &c[0], ldc, alpha, beta)
}

// kernelAVX2 is kernel6x16 behind bounds checks, so that the assembly only
// touches memory inside its slices (all strides are non-negative).
func kernelAVX2(k int, a []float32, ars, acs int, b []float32, brs int, c []float32, ldc int, alpha, beta float32) {
	_ = a[(mr-1)*ars+(k-1)*acs]
	_ = b[(k-1)*brs+nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	kernel6x16(k, &a[0], ars, acs, &b[0], brs, &c[0], ldc, alpha, beta)
}
