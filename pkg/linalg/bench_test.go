package linalg

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/moviegenie/pipeline/pkg/cputime"
)

// benchShape is one product C[M×N] = op(A)[M×K]·op(B)[K×N].
type benchShape struct {
	name           string
	transA, transB bool
	m, k, n        int
}

// benchShapes are the products the trainers run, named M×K×N for
// C[M×N] = op(A)[M×K]·op(B)[K×N]. The _TN and _NT entries are the two
// backward products of the first shape: dB = Aᵀ·dC (128×12800×512) and
// dA = dC·Bᵀ (12800×512×128), with the operands stored as in the forward
// pass. The 50×32×50 products are the size of one attention head (T = 50,
// head width 32); _NT is its Q·Kᵀ.
var benchShapes = []benchShape{
	{"12800x128x512", false, false, 12800, 128, 512},
	{"128x12800x512_TN", true, false, 128, 12800, 512},
	{"12800x512x128_NT", false, true, 12800, 512, 128},
	{"12800x512x128", false, false, 12800, 512, 128},
	{"12800x128x1684", false, false, 12800, 128, 1684},
	{"1024x1024x1024", false, false, 1024, 1024, 1024},
	{"50x32x50", false, false, 50, 32, 50},
	{"50x32x50_NT", false, true, 50, 32, 50},
}

// operands returns seeded random op(A) and op(B) of the shape, stored as
// its transposes say, an output C, and the leading dimensions.
func (s benchShape) operands() (a, b, c []float32, lda, ldb int) {
	rng := rand.New(rand.NewPCG(1, uint64(s.m*s.k*s.n)))
	rand32 := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = 2*rng.Float32() - 1
		}
		return x
	}
	lda, ldb = s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	return rand32(s.m * s.k), rand32(s.k * s.n), make([]float32, s.m*s.n), lda, ldb
}

// BenchmarkSgemm times Sgemm (beta = 0) on each backend compiled in, and
// reports GFLOP/s counting 2*M*N*K floating-point operations per product.
//
// It also reports GFLOP/cpu-s: the same operations divided by the CPU time
// the whole process used meanwhile (all threads). On a machine shared with other jobs, wall-clock GFLOP/s
// drops when the scheduler gives the benchmark less than its cores;
// GFLOP/cpu-s does not, and times the cores used (2 for the large shapes)
// it estimates the rate on an idle machine.
func BenchmarkSgemm(b *testing.B) {
	for _, backend := range Available() {
		for _, s := range benchShapes {
			b.Run(fmt.Sprintf("%s/%s", backend, s.name), func(b *testing.B) {
				a, bm, c, lda, ldb := s.operands()
				var cpu time.Duration
				withBackend(b, backend, func() {
					cpu = -cputime.Process()
					for b.Loop() {
						Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
					}
					cpu += cputime.Process()
				})
				flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				if cpu > 0 {
					b.ReportMetric(flops/cpu.Seconds()/1e9, "GFLOP/cpu-s")
				}
			})
		}
	}
}

// BenchmarkKernels runs the blocked product on one goroutine with each
// assembly micro-kernel the CPU has (AVX2; AVX-512 where present) on the
// model shapes, for choosing the default kernel.
func BenchmarkKernels(b *testing.B) {
	for _, name := range slices.Sorted(maps.Keys(simdKernels)) {
		kern := simdKernels[name]
		for _, s := range benchShapes[:4] {
			b.Run(name+"/"+s.name, func(b *testing.B) {
				a, bm, c, lda, ldb := s.operands()
				b.ResetTimer()
				cpu := -cputime.Process()
				for range b.N {
					gemmBlocked(kern, 1, s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
				}
				cpu += cputime.Process()
				flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
				b.ReportMetric(flops/cpu.Seconds()/1e9, "GFLOP/cpu-s")
			})
		}
	}
}
