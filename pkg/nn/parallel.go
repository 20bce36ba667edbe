package nn

import (
	"runtime"
	"sync"
)

// parallelFor calls fn on disjoint ranges [lo, hi) covering [0, n), one range
// per worker, using up to GOMAXPROCS goroutines. Each range holds at least
// minChunk items, so small jobs run serially on the calling goroutine with no
// goroutine overhead. fn must only write to data owned by its range.
func parallelFor(n, minChunk int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	if minChunk < 1 {
		minChunk = 1
	}
	workers := runtime.GOMAXPROCS(0)
	if w := n / minChunk; w < workers {
		workers = w
	}
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	wg.Add(workers - 1)
	for w := 1; w < workers; w++ {
		lo, hi := w*n/workers, (w+1)*n/workers
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	fn(0, n/workers)
	wg.Wait()
}

// scratch hands out reusable float32 buffers so that per-call temporaries
// (attention scores, logits chunks) do not churn the garbage collector.
var scratchPool sync.Pool

// getScratch returns a buffer of length n (contents undefined).
func getScratch(n int) *[]float32 {
	if v := scratchPool.Get(); v != nil {
		b := v.(*[]float32)
		if cap(*b) >= n {
			*b = (*b)[:n]
			return b
		}
	}
	b := make([]float32, n)
	return &b
}

// putScratch returns a buffer obtained from getScratch.
func putScratch(b *[]float32) { scratchPool.Put(b) }
