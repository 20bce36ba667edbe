//go:build amd64 && !purego

package cpufeat

// AVX2FMA is true when the CPU has AVX2 and FMA and the operating system
// saves the ymm registers: the assembly kernels may run.
var AVX2FMA = hasAVX2FMA()

// AVX512F is true when, besides AVX2FMA, the CPU has AVX-512 Foundation
// and the operating system saves the zmm registers and the opmasks.
var AVX512F = AVX2FMA && hasAVX512F()

// cpuid executes CPUID with the given EAX and ECX.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// xgetbv reads extended control register 0.
func xgetbv() (eax, edx uint32)

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

func hasAVX512F() bool {
	if xcr0, _ := xgetbv(); xcr0&0xe6 != 0xe6 { // + opmask, ZMM0-15 upper halves, ZMM16-31
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<16) != 0 // AVX512F
}

// purego is false: this build has the assembly.
const purego = false
