package linalg

import (
	"fmt"
	"testing"
)

func BenchmarkExp(b *testing.B) {
	for _, s := range benchShapes[:6] {
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/w%d", s.name, w), func(b *testing.B) {
				a, bm, c := make([]float32, s.m*s.k), make([]float32, s.k*s.n), make([]float32, s.m*s.n)
				for i := range a {
					a[i] = float32(i%7) - 3
				}
				for i := range bm {
					bm[i] = float32(i%5) - 2
				}
				lda, ldb := s.k, s.n
				if s.transA {
					lda = s.m
				}
				if s.transB {
					ldb = s.k
				}
				for b.Loop() {
					gemmBlocked(kernel, w, s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
				}
				b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
