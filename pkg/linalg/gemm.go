package linalg

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Blocking of the pure-Go backend. The micro-kernel computes an mr×nr tile
// of C from a packed mr×kc sliver of op(A) and a packed kc×nr sliver of
// op(B). kcMax keeps one B sliver (16 KiB) plus one A sliver in L1, mcMax
// keeps a packed A block (168 KiB) in L2, and ncMax keeps the packed B
// panel (4 MiB) in L3.
const (
	mr    = 6
	nr    = 16
	kcMax = 256
	mcMax = 168
	ncMax = 4080

	// parallelMinWork is the number of multiply-adds (m*n*k) from which a
	// product is spread over goroutines. Below it (about 25 µs of work on
	// one core) waking a second goroutine and waiting for it costs about
	// as much as it saves (measured: 64×128×64 is faster serial, 96×128×96
	// faster on two cores).
	parallelMinWork = 1 << 20
)

// microKernel computes the mr×nr tile c = alpha*a·b + beta*c, where a is a
// packed mr×k sliver (column after column), b a packed k×nr sliver (row
// after row) and c has row stride ldc. When beta is zero c is not read.
type microKernel func(k int, a, b, c []float32, ldc int, alpha, beta float32)

// kernel is the micro-kernel the "go" backend uses: the assembly one when
// the CPU supports it (kernel_amd64.go), else kernelGeneric.
var kernel microKernel = kernelGeneric

// sgemmGo is the "go" backend.
func sgemmGo(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	workers := runtime.GOMAXPROCS(0)
	if float64(m)*float64(n)*float64(k) < parallelMinWork {
		workers = 1
	}
	gemmBlocked(kernel, workers, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// workspace holds the packing buffers of one call.
type workspace struct {
	b   []float32          // packed kc×nc panel of op(B), shared
	a   [][]float32        // packed mc×kc block of op(A), one per worker
	tmp [][mr * nr]float32 // edge tile, one per worker
}

var workspaces sync.Pool

func getWorkspace(workers, bLen, aLen int) *workspace {
	ws, _ := workspaces.Get().(*workspace)
	if ws == nil {
		ws = &workspace{}
	}
	if len(ws.b) < bLen {
		ws.b = alignedFloats(bLen)
	}
	for len(ws.a) < workers {
		ws.a = append(ws.a, nil)
	}
	for w := 0; w < workers; w++ {
		if len(ws.a[w]) < aLen {
			ws.a[w] = alignedFloats(aLen)
		}
	}
	if len(ws.tmp) < workers {
		ws.tmp = make([][mr * nr]float32, workers)
	}
	return ws
}

// alignedFloats returns n float32s starting on a 64-byte boundary.
func alignedFloats(n int) []float32 {
	const align = 64 / 4
	buf := make([]float32, n+align)
	off := int(uintptr(unsafe.Pointer(&buf[0]))%64) / 4
	if off != 0 {
		off = align - off
	}
	return buf[off : off+n : off+n]
}

// gemmBlocked computes the product with the given micro-kernel on up to
// workers goroutines. Each element of C is accumulated in the same order
// (k blocks in increasing order, each summed by one kernel call) whatever
// workers is, so the result does not depend on it.
//
// With many row blocks, the goroutines share each packed panel of op(B)
// and take row blocks in turn (gemmShared). Otherwise C is cut along its
// longer side into one region per goroutine, each computed independently:
// that repacks the smaller operand once per region but needs no
// synchronisation, where sharing would need two per k block.
func gemmBlocked(kern microKernel, workers int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if workers <= 1 || ceilDiv(m, mcMax) >= 2*workers {
		gemmShared(kern, workers, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if m >= n {
		rows := roundUp(ceilDiv(m, workers), mr)
		parallelFor(workers, ceilDiv(m, rows), func(_, t int) {
			i0 := t * rows
			ai := i0 * lda // rows of op(A) are rows of a, or columns if transposed
			if transA {
				ai = i0
			}
			gemmShared(kern, 1, transA, transB, min(rows, m-i0), n, k, alpha, a[ai:], lda, b, ldb, beta, c[i0*ldc:], ldc)
		})
		return
	}
	cols := roundUp(ceilDiv(n, workers), nr)
	parallelFor(workers, ceilDiv(n, cols), func(_, t int) {
		j0 := t * cols
		bj := j0 // columns of op(B) are columns of b, or rows if transposed
		if transB {
			bj = j0 * ldb
		}
		gemmShared(kern, 1, transA, transB, m, min(cols, n-j0), k, alpha, a, lda, b[bj:], ldb, beta, c[j0:], ldc)
	})
}

// gemmShared computes the product on up to workers goroutines sharing each
// packed kc×nc panel of op(B); they pack it together, then take blocks of
// mc rows of C in turn, each packing its own block of op(A).
func gemmShared(kern microKernel, workers int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	// Cut k into equal blocks of at most kcMax.
	kc := ceilDiv(k, ceilDiv(k, kcMax))

	// Row blocks: at most mcMax rows, and a multiple of workers in number
	// so that the goroutines get equal shares.
	mBlocks := ceilDiv(m, mcMax)
	mBlocks = ceilDiv(mBlocks, workers) * workers
	mc := roundUp(ceilDiv(m, mBlocks), mr)
	mBlocks = ceilDiv(m, mc)

	nc := min(n, ncMax)
	ws := getWorkspace(workers, kc*roundUp(nc, nr), kc*mc)
	defer workspaces.Put(ws)

	for jc := 0; jc < n; jc += ncMax {
		ncur := min(ncMax, n-jc)
		nSlivers := ceilDiv(ncur, nr)
		// Each goroutine packs a run of whole slivers.
		slPerPart := ceilDiv(nSlivers, workers)
		for pc := 0; pc < k; pc += kc {
			kcur := min(kc, k-pc)
			betaCur := beta
			if pc > 0 {
				betaCur = 1
			}
			bp := ws.b
			parallelFor(workers, ceilDiv(nSlivers, slPerPart), func(_, t int) {
				j0 := t * slPerPart * nr
				packB(bp[j0*kcur:], b, ldb, transB, pc, jc+j0, kcur, min(slPerPart*nr, ncur-j0))
			})
			parallelFor(workers, mBlocks, func(w, t int) {
				ic := t * mc
				mcur := min(mc, m-ic)
				ap := ws.a[w]
				packA(ap, a, lda, transA, ic, pc, mcur, kcur)
				macroKernel(kern, kcur, mcur, ncur, ap, bp, c[ic*ldc+jc:], ldc, alpha, betaCur, &ws.tmp[w])
			})
		}
	}
}

// macroKernel multiplies a packed mcur×kc block of op(A) by packed kc×ncols
// slivers of op(B) into C (starting at c[0], row stride ldc).
func macroKernel(kern microKernel, kc, mcur, ncols int, ap, bp, c []float32, ldc int, alpha, beta float32, tmp *[mr * nr]float32) {
	for jr := 0; jr < ncols; jr += nr {
		nb := min(nr, ncols-jr)
		bs := bp[(jr/nr)*kc*nr:]
		for ir := 0; ir < mcur; ir += mr {
			mb := min(mr, mcur-ir)
			as := ap[(ir/mr)*kc*mr:]
			if mb == mr && nb == nr {
				kern(kc, as, bs, c[ir*ldc+jr:], ldc, alpha, beta)
				continue
			}
			// Edge tile: compute the full tile aside, copy the part inside C.
			kern(kc, as, bs, tmp[:], nr, alpha, 0)
			for i := 0; i < mb; i++ {
				row := c[(ir+i)*ldc+jr : (ir+i)*ldc+jr+nb]
				t := tmp[i*nr : i*nr+nb]
				if beta == 0 {
					copy(row, t)
					continue
				}
				for j := range row {
					row[j] = t[j] + beta*row[j]
				}
			}
		}
	}
}

// packA packs rows ic..ic+mcur and columns pc..pc+kc of op(A) into ap as
// mr-row slivers, each stored column after column (kc groups of mr
// values), the last one padded with zero rows.
func packA(ap, a []float32, lda int, transA bool, ic, pc, mcur, kc int) {
	full := mcur / mr * mr // rows in full slivers
	if transA {
		// op(A)[i][p] = a[p*lda+i]: row pc+p of a holds column p of op(A)
		// for all the rows, contiguous.
		for p := 0; p < kc; p++ {
			src := a[(pc+p)*lda+ic : (pc+p)*lda+ic+mcur]
			s := 0
			for ; s < full; s += mr {
				d := ap[s*kc+p*mr : s*kc+p*mr+mr : s*kc+p*mr+mr]
				v := src[s : s+mr : s+mr]
				d[0], d[1], d[2], d[3], d[4], d[5] = v[0], v[1], v[2], v[3], v[4], v[5]
			}
			if s < mcur {
				d := ap[s*kc+p*mr : s*kc+p*mr+mr]
				copy(d, src[s:])
				clear(d[mcur-s:])
			}
		}
		return
	}
	// op(A)[i][p] = a[i*lda+p]: read mr rows side by side.
	for s := 0; s < full; s += mr {
		dst := ap[s*kc : s*kc+kc*mr]
		i0 := ic + s
		r0 := a[(i0+0)*lda+pc:][:kc]
		r1 := a[(i0+1)*lda+pc:][:kc]
		r2 := a[(i0+2)*lda+pc:][:kc]
		r3 := a[(i0+3)*lda+pc:][:kc]
		r4 := a[(i0+4)*lda+pc:][:kc]
		r5 := a[(i0+5)*lda+pc:][:kc]
		for p := 0; p < kc; p++ {
			d := (*[mr]float32)(dst[p*mr:])
			d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
		}
	}
	if full < mcur {
		dst := ap[full*kc : full*kc+kc*mr]
		clear(dst)
		for r := 0; r < mcur-full; r++ {
			src := a[(ic+full+r)*lda+pc : (ic+full+r)*lda+pc+kc]
			for p, v := range src {
				dst[p*mr+r] = v
			}
		}
	}
}

// packB packs rows pc..pc+kc and columns j0..j0+cols of op(B) into bp as
// nr-column slivers, each stored row after row (kc groups of nr values),
// the last one padded with zero columns.
func packB(bp, b []float32, ldb int, transB bool, pc, j0, kc, cols int) {
	full := cols / nr * nr // columns in full slivers
	if !transB {
		// Read each row of b once, left to right, dealing it out to the
		// slivers.
		for p := 0; p < kc; p++ {
			src := b[(pc+p)*ldb+j0 : (pc+p)*ldb+j0+cols]
			j := 0
			for ; j < full; j += nr {
				copy(bp[j*kc+p*nr:j*kc+p*nr+nr], src[j:j+nr])
			}
			if j < cols {
				d := bp[j*kc+p*nr : j*kc+p*nr+nr]
				copy(d, src[j:])
				clear(d[cols-j:])
			}
		}
		return
	}
	// op(B)[p][j] = b[j*ldb+p]: row j0+j of b holds column j of op(B).
	if full < cols {
		clear(bp[full*kc : full*kc+kc*nr])
	}
	for j := 0; j < cols; j++ {
		src := b[(j0+j)*ldb+pc : (j0+j)*ldb+pc+kc]
		d := bp[j/nr*nr*kc+j%nr:]
		for p, v := range src {
			d[p*nr] = v
		}
	}
}

// kernelGeneric is the portable micro-kernel.
func kernelGeneric(k int, a, b, c []float32, ldc int, alpha, beta float32) {
	var acc [mr][nr]float32
	for p := 0; p < k; p++ {
		bp := (*[nr]float32)(b[p*nr : p*nr+nr])
		ap := (*[mr]float32)(a[p*mr : p*mr+mr])
		for i := range acc {
			ai := ap[i]
			row := &acc[i]
			for j := range row {
				row[j] += ai * bp[j]
			}
		}
	}
	for i := range acc {
		row := c[i*ldc : i*ldc+nr]
		for j := range row {
			if beta == 0 {
				row[j] = alpha * acc[i][j]
			} else {
				row[j] = alpha*acc[i][j] + beta*row[j]
			}
		}
	}
}

// parallelFor runs fn(w, t) for t in [0, n) on up to workers goroutines
// (the caller's included), w being the index of the goroutine running it.
// Goroutines take the next t as they finish, so a core slowed by other
// work gets fewer tasks.
func parallelFor(workers, n int, fn func(w, t int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for t := 0; t < n; t++ {
			fn(0, t)
		}
		return
	}
	var next atomic.Int64
	run := func(w int) {
		for {
			t := int(next.Add(1)) - 1
			if t >= n {
				return
			}
			fn(w, t)
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Go(func() { run(w) })
	}
	run(0)
	wg.Wait()
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func roundUp(a, b int) int { return ceilDiv(a, b) * b }
