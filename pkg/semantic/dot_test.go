package semantic

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDotRows checks the kernel against a float64 reference, and that the
// assembly and the portable path give the same bits (sizes around the
// 8-float lanes and 4-row groups).
func TestDotRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, d := range []int{1, 7, 8, 9, 16, 31, 64, 512, 515} {
		for _, rows := range []int{0, 1, 3, 4, 5, 9} {
			q := make([]float32, d)
			m := make([]float32, rows*d)
			for i := range q {
				q[i] = rng.Float32()*2 - 1
			}
			for i := range m {
				m[i] = rng.Float32()*2 - 1
			}
			fast := make([]float32, rows)
			dotRows(q, m, fast)
			saved := useAVX2
			useAVX2 = false
			slow := make([]float32, rows)
			dotRows(q, m, slow)
			useAVX2 = saved
			for i := range rows {
				var want float64
				for k := range d {
					want += float64(q[k]) * float64(m[i*d+k])
				}
				if math.Float32bits(fast[i]) != math.Float32bits(slow[i]) {
					t.Errorf("d=%d rows=%d row %d: got %v with the kernel, %v without: want the same bits", d, rows, i, fast[i], slow[i])
				}
				if math.Abs(float64(fast[i])-want) > 1e-4*math.Sqrt(float64(d)) {
					t.Errorf("d=%d rows=%d row %d: got %v, want %v", d, rows, i, fast[i], want)
				}
			}
		}
	}
}

func BenchmarkDotRows(b *testing.B) {
	const d, rows = 512, 1682
	q := make([]float32, d)
	m := make([]float32, rows*d)
	for i := range m {
		m[i] = float32(i%97) / 97
	}
	for i := range q {
		q[i] = float32(i%13) / 13
	}
	out := make([]float32, rows)
	for _, kernel := range []bool{true, false} {
		name := "go"
		if kernel {
			name = "avx2"
		}
		b.Run(name, func(b *testing.B) {
			saved := useAVX2
			useAVX2 = useAVX2 && kernel
			defer func() { useAVX2 = saved }()
			for b.Loop() {
				dotRows(q, m, out)
			}
		})
	}
}
