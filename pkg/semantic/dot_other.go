//go:build !amd64 || purego

package semantic

// useAVX2 is false: this build has no assembly.
var useAVX2 = false

func dotRowsBody(q, m []float32, stride int, out []float32) { dotRowsGo(q, m, stride, out) }
