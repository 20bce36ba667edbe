//go:build amd64 && !purego

package linalg

// kernel6x16 is the AVX2+FMA micro-kernel (kernel_amd64.s): microKernel
// on raw pointers, strides in elements. It reads the 6×k sliver at a, the
// k×16 sliver at b, and 6 rows of 16 floats at c (only when beta != 0)
// before writing them.
//
//go:noescape
func kernel6x16(k int, a *float32, ars, acs int, b *float32, brs int, c *float32, ldc int, alpha, beta float32)

// cpuid executes CPUID with the given EAX and ECX.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// xgetbv reads extended control register 0.
func xgetbv() (eax, edx uint32)

func init() {
	if hasAVX2FMA() {
		kernel, kernelName = kernelAVX2, "avx2"
	}
}

// hasAVX2FMA reports whether the CPU has AVX2 and FMA and the operating
// system saves the ymm registers.
func hasAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const (
		fma     = 1 << 12
		osxsave = 1 << 27
		avx     = 1 << 28
	)
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 { // XMM and YMM state enabled
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx2 = 1 << 5
	return ebx7&avx2 != 0
}

// kernelAVX2 is kernel6x16 behind bounds checks, so that the assembly only
// touches memory inside its slices (all strides are non-negative).
func kernelAVX2(k int, a []float32, ars, acs int, b []float32, brs int, c []float32, ldc int, alpha, beta float32) {
	_ = a[(mr-1)*ars+(k-1)*acs]
	_ = b[(k-1)*brs+nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	kernel6x16(k, &a[0], ars, acs, &b[0], brs, &c[0], ldc, alpha, beta)
}
