//go:build !amd64 || purego

package nn

// Without the amd64 assembly everything runs the pure-Go loops.
var useAVX2 = false

func expAVX2(x *float32, n int)                 { panic("nn: no AVX2 kernels in this build") }
func geluFwdAVX2(out, in *float32, n int)       { panic("nn: no AVX2 kernels in this build") }
func geluBwdAVX2(din, in, dout *float32, n int) { panic("nn: no AVX2 kernels in this build") }
