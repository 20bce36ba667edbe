package nn

import "math"

// expf returns e^x in float32 precision (within 2 ulp of the correctly
// rounded result for normal outputs; tested against math.Exp). Results that
// would be subnormal (x < -87.3) are flushed to 0; x > 88.7 gives +Inf; NaN
// gives NaN. It is several times faster than float32(math.Exp(float64(x))),
// which matters in softmax and GELU over millions of elements.
//
// Method: x = k·ln2 + r with |r| <= ln2/2 (Cody–Waite split of ln2), a
// degree-7 Taylor polynomial for e^r (truncation < 6e-9 relative), and 2^k
// built directly in the exponent bits.
func expf(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693145751953125       // ln2 with the low bits cleared: k*ln2hi is exact
		ln2lo = 1.42860682030941723e-06 // ln2 - ln2hi
		hiLim = 88.72283
		loLim = -87.33654 // e^loLim is the smallest normal float32
	)
	if !(x < hiLim) { // also true for NaN
		if x != x {
			return x
		}
		return float32(math.Inf(1))
	}
	if x < loLim {
		return 0
	}
	kf := x * log2e
	// round to nearest
	var k int32
	if kf >= 0 {
		k = int32(kf + 0.5)
	} else {
		k = int32(kf - 0.5)
	}
	fk := float32(k)
	r := (x - fk*ln2hi) - fk*ln2lo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040)))))))
	// 2^k; k is in [-126, 128]. For k = 128 split the scaling in two.
	if k > 127 {
		return p * 2 * math.Float32frombits(uint32(k-1+127)<<23)
	}
	return p * math.Float32frombits(uint32(k+127)<<23)
}

// tanhf returns tanh(x) in float32 with an absolute error below 3e-7, via
// tanh(x) = sign(x)·(1 − 2/(e^{2|x|}+1)).
func tanhf(x float32) float32 {
	a := x
	if a < 0 {
		a = -a
	}
	if a > 9.1 { // 1 − tanh(9.1) < 2^-25: rounds to 1
		a = 1
	} else {
		a = 1 - 2/(expf(2*a)+1)
	}
	if x < 0 {
		return -a
	}
	return a
}

// sqrtf is float32 square root (the compiler emits a single SQRTSS).
func sqrtf(x float32) float32 { return float32(math.Sqrt(float64(x))) }
