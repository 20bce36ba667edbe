package nn

import "math"

// expSlice replaces every x in s by e^x, in float32 precision: within 2 ulp
// of the correctly rounded result for x in [-87.3, 88] (tested against
// math.Exp). Inputs are clamped to that range first, so very negative x give
// about 1.2e-38 rather than 0 (callers that need exact zeros, such as masked
// softmax entries, set them afterwards) and x > 88 gives e^88 rather than
// +Inf. NaN stays NaN.
//
// It works on slices so that the body runs with no call per element, and on
// amd64 with AVX2 and FMA 8 lanes at a time (simd_amd64.s); it is many times
// faster than float32(math.Exp(float64(x))), which matters in softmax and
// GELU over millions of elements.
//
// Method: x = k·ln2 + r with |r| <= ln2/2 (k by the add-and-subtract 1.5·2²³
// rounding trick, ln2 split Cody–Waite style), a degree-7 Taylor polynomial
// for e^r evaluated by Estrin's scheme (truncation < 6e-9 relative), and
// 2^k built directly in the exponent bits.
func expSlice(s []float32) {
	if useAVX2 && len(s) >= 8 {
		n8 := len(s) &^ 7
		expAVX2(&s[0], n8)
		s = s[n8:]
	}
	expSliceGo(s)
}

// expSliceGo is the pure-Go expSlice (the AVX2 kernel in simd_amd64.s does
// the same steps 8 lanes at a time, with fused multiply-adds).
func expSliceGo(s []float32) {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693145751953125       // ln2 with low bits cleared: k*ln2hi is exact
		ln2lo = 1.42860682030941723e-06 // ln2 − ln2hi
		round = 12582912                // 1.5·2²³: adding it rounds to an integer
		lo    = -87.33654               // e^lo is the smallest normal float32
		hi    = 88                      // keeps k <= 127
	)
	for i, x := range s {
		x = min(max(x, lo), hi)
		fk := (x*log2e + round) - round
		r := (x - fk*ln2hi) - fk*ln2lo
		r2 := r * r
		p := (1 + r) + r2*((1.0/2+r*(1.0/6))+r2*((1.0/24+r*(1.0/120))+r2*(1.0/720+r*(1.0/5040))))
		s[i] = p * math.Float32frombits(uint32(int32(fk)+127)<<23)
	}
}

// sqrtf is float32 square root (the compiler emits a single SQRTSS).
func sqrtf(x float32) float32 { return float32(math.Sqrt(float64(x))) }
