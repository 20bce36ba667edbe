package linalg

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkCPU(b *testing.B) {
	shapes := append(benchShapes, struct {
		name           string
		transA, transB bool
		m, k, n        int
	}{"64x128x64", false, false, 64, 128, 64}, struct {
		name           string
		transA, transB bool
		m, k, n        int
	}{"96x128x96", false, false, 96, 128, 96})
	for _, s := range shapes {
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
				t0 := cpuTime()
				for b.Loop() {
					gemmBlocked(kernel, w, s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
				}
				cpu := cpuTime() - t0
				f := 2 * float64(s.m*s.n*s.k) * float64(b.N)
				b.ReportMetric(f/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				b.ReportMetric(f/cpu.Seconds()/1e9, "cpuGFLOP/s")
			})
		}
	}
}
