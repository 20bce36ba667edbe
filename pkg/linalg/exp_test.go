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

func BenchmarkExpPack(b *testing.B) {
	m, k := 12800, 512
	a := make([]float32, m*k)
	ap := alignedFloats(168 * 256)
	for _, tr := range []bool{false, true} {
		b.Run(fmt.Sprintf("A/t=%v", tr), func(b *testing.B) {
			for b.Loop() {
				for pc := 0; pc < k; pc += 256 {
					for ic := 0; ic < m; ic += 168 {
						mcur := min(168, m-ic)
						if tr {
							packA(ap, a, m, tr, ic%128, pc, 128, 256)
						} else {
							packA(ap, a, k, tr, ic, pc, mcur, 256)
						}
					}
				}
			}
			b.ReportMetric(float64(m*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gfloat/s")
		})
		b.Run(fmt.Sprintf("B/t=%v", tr), func(b *testing.B) {
			bp := alignedFloats(256 * 4096)
			for b.Loop() {
				for pc := 0; pc < k; pc += 256 {
					for jc := 0; jc < m; jc += 4080 {
						ncur := min(4080, m-jc)
						if tr {
							packB(bp, a, k, tr, pc, jc, 256, ncur)
						} else {
							packB(bp, a, m, tr, pc, jc, 256, ncur)
						}
					}
				}
			}
			b.ReportMetric(float64(m*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gfloat/s")
		})
	}
}

func BenchmarkExpCopy(b *testing.B) {
	for _, n := range []int{12800 * 512, 168 * 256} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			x, y := make([]float32, n), make([]float32, n)
			for b.Loop() {
				copy(y, x)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gfloat/s")
		})
	}
}

func BenchmarkExpThresh(b *testing.B) {
	for _, s := range [][3]int{{64, 128, 64}, {96, 128, 96}, {128, 128, 128}, {200, 64, 200}} {
		for _, w := range []int{1, 2} {
			m, k, n := s[0], s[1], s[2]
			b.Run(fmt.Sprintf("%dx%dx%d/w%d", m, k, n, w), func(b *testing.B) {
				a, bm, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
				for b.Loop() {
					gemmBlocked(kernel, w, false, false, m, n, k, 1, a, k, bm, n, 0, c, n)
				}
			})
		}
	}
}
