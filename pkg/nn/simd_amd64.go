//go:build amd64 && !purego

package nn

import "github.com/moviegenie/pipeline/pkg/cpufeat"

// AVX2+FMA kernels (simd_amd64.s) for the exponential-heavy element-wise
// work, 8 floats at a time. n must be a multiple of 8; the Go wrappers in
// fastmath.go and activation.go check bounds and handle the tail.

//go:noescape
func expAVX2(x *float32, n int)

//go:noescape
func geluFwdAVX2(out, in *float32, n int)

//go:noescape
func geluBwdAVX2(din, in, dout *float32, n int)

// useAVX2 selects the assembly kernels; tests switch it off to check the
// pure-Go path against them.
var useAVX2 = cpufeat.AVX2FMA
