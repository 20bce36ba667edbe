package nn

import (
	"fmt"
	"runtime"
	"sync"
)

// grain is the amount of element-wise work (in elements touched) below which
// splitting across goroutines costs more than it saves.
const grain = 1 << 14

// rowsPerChunk returns the minimum number of rows of the given width to
// hand to one goroutine.
func rowsPerChunk(width int) int { return max(1, grain/max(1, width)) }

// workersFor is the number of ranges parallelFor splits n items into.
func workersFor(n, minChunk int) int {
	if n <= 0 {
		return 0
	}
	w := min(runtime.GOMAXPROCS(0), n/max(1, minChunk))
	return max(w, 1)
}

// parallelFor calls fn on disjoint ranges [lo, hi) covering [0, n), one range
// per worker, using up to GOMAXPROCS goroutines. Each range holds at least
// minChunk items, so small jobs run serially on the calling goroutine with no
// goroutine overhead. fn must only write to data owned by its range.
func parallelFor(n, minChunk int, fn func(lo, hi int)) {
	parallelForW(n, minChunk, func(_, lo, hi int) { fn(lo, hi) })
}

// simdWidth is the number of float32 lanes the amd64 kernels of this
// package handle at a time.
const simdWidth = 8

// parallelForElems is parallelFor over the elements of a vector, with every
// range boundary at a multiple of simdWidth. The SIMD kernels leave the
// tail of a range to Go code, which rounds differently (no fused
// multiply-add); with boundaries wherever n/workers falls, which elements
// took which path, and so the result, would depend on GOMAXPROCS.
func parallelForElems(n, minChunk int, fn func(lo, hi int)) {
	groups := (n + simdWidth - 1) / simdWidth
	parallelFor(groups, max(1, minChunk/simdWidth), func(lo, hi int) {
		fn(lo*simdWidth, min(hi*simdWidth, n))
	})
}

// parallelForW is parallelFor that also passes the worker index w in
// [0, workersFor(n, minChunk)). The split depends on GOMAXPROCS: a caller
// must not let a result depend on it (no per-worker partial sums; keep
// partial sums per fixed block, as LayerNormBackward does).
func parallelForW(n, minChunk int, fn func(w, lo, hi int)) {
	workers := workersFor(n, minChunk)
	if workers == 0 {
		return
	}
	if workers == 1 {
		fn(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	wg.Add(workers - 1)
	for w := 1; w < workers; w++ {
		lo, hi := w*n/workers, (w+1)*n/workers
		go func() {
			defer wg.Done()
			fn(w, lo, hi)
		}()
	}
	fn(0, 0, n/workers)
	wg.Wait()
}

// scratchPool hands out reusable float32 buffers so that per-call
// temporaries (attention scores, logits chunks) do not churn the garbage
// collector.
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

// need panics if a buffer is shorter than a layer needs (programmer error).
func need(fn, name string, buf []float32, n int) {
	if len(buf) < n {
		panic(fmt.Sprintf("nn: %s: %s has length %d, need %d", fn, name, len(buf), n))
	}
}

// needOpt is need for an optional (nil-able) buffer.
func needOpt(fn, name string, buf []float32, n int) {
	if buf != nil {
		need(fn, name, buf, n)
	}
}
