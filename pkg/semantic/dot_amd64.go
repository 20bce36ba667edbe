//go:build amd64 && !purego

package semantic

import "github.com/moviegenie/pipeline/pkg/cpufeat"

// dot4AVX2 sets out[0..3] to the lane-ordered sums (dotRows) of q's n
// floats (n a positive multiple of 8) with four rows of m, stride floats
// apart (dot_amd64.s).
//
//go:noescape
func dot4AVX2(q, m *float32, n, stride int, out *float32)

// dot1AVX2 is dot4AVX2 for one row.
//
//go:noescape
func dot1AVX2(q, m *float32, n int, out *float32)

// useAVX2 is whether dotRowsBody runs the assembly; the tests switch it
// to compare both paths.
var useAVX2 = cpufeat.AVX2FMA

func dotRowsBody(q, m []float32, stride int, out []float32) {
	if !useAVX2 {
		dotRowsGo(q, m, stride, out)
		return
	}
	n, rows := len(q), len(out)
	_ = m[(rows-1)*stride+n-1] // every row in bounds
	i := 0
	for ; i+4 <= rows; i += 4 {
		dot4AVX2(&q[0], &m[i*stride], n, stride, &out[i])
	}
	for ; i < rows; i++ {
		dot1AVX2(&q[0], &m[i*stride], n, &out[i])
	}
}
