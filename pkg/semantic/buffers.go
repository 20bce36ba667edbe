package semantic

import "sync"

// buffers are one search's per-movie scratch slices, reused from search
// to search (bufPool): a query fills some ten slices as long as the
// catalogue, and allocating them anew made the garbage collector a large
// share of a server's search time. Every slice handed out is zeroed;
// nothing of a Response refers to one.
type buffers struct {
	f64              [][]float64
	f32              [][]float32
	bools            [][]bool
	ints             [][]int
	n64, n32, nb, ni int // slices handed out since the last reset
}

var bufPool = sync.Pool{New: func() any { return new(buffers) }}

func getBuffers() *buffers { return bufPool.Get().(*buffers) }

// release makes every slice handed out free again and returns b to the
// pool.
func (b *buffers) release() {
	b.n64, b.n32, b.nb, b.ni = 0, 0, 0, 0
	bufPool.Put(b)
}

func take[E any](list *[][]E, used *int, n int) []E {
	if *used == len(*list) {
		*list = append(*list, nil)
	}
	x := (*list)[*used]
	if cap(x) < n {
		x = make([]E, n)
		(*list)[*used] = x
	}
	*used++
	x = x[:n]
	clear(x)
	return x
}

func (b *buffers) float64s(n int) []float64 { return take(&b.f64, &b.n64, n) }
func (b *buffers) float32s(n int) []float32 { return take(&b.f32, &b.n32, n) }
func (b *buffers) boolSlice(n int) []bool   { return take(&b.bools, &b.nb, n) }

// intSlice returns an empty slice with room for n ints.
func (b *buffers) intSlice(n int) []int { return take(&b.ints, &b.ni, n)[:0] }
