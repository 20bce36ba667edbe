//go:build amd64 && !purego

package nn

// AVX2+FMA kernels (simd_amd64.s) for the exponential-heavy element-wise
// work, 8 floats at a time. n must be a multiple of 8; the Go wrappers in
// fastmath.go and activation.go check bounds and handle the tail.

//go:noescape
func expAVX2(x *float32, n int)

//go:noescape
func geluFwdAVX2(out, in *float32, n int)

//go:noescape
func geluBwdAVX2(din, in, dout *float32, n int)

// cpuid executes CPUID with the given EAX and ECX.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// xgetbv reads extended control register 0.
func xgetbv() (eax, edx uint32)

// useAVX2 selects the assembly kernels; tests switch it off to check the
// pure-Go path against them.
var useAVX2 = hasAVX2FMA()

// hasAVX2FMA reports whether the CPU has AVX2 and FMA and the operating
// system saves the ymm registers.
func hasAVX2FMA() bool {
	if maxLeaf, _, _, _ := cpuid(0, 0); maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 { // XMM and YMM state enabled
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0 // AVX2
}
