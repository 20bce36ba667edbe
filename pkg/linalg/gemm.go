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

// microKernel computes the mr×nr tile c = alpha*A·B + beta*c, where
// element (r, p) of the mr×k sliver A is a[r*ars+p*acs], row p of the k×nr
// sliver B is b[p*brs:p*brs+nr], and row r of c is c[r*ldc:r*ldc+nr]. When
// beta is zero c is not read. Packed slivers have ars = 1, acs = mr and
// brs = nr; slivers read in place have the strides of the matrices.
type microKernel func(k int, a []float32, ars, acs int, b []float32, brs int, c []float32, ldc int, alpha, beta float32)

// kernel is the micro-kernel the "go" backend uses, called kernelName:
// the assembly one when the CPU supports it (kernel_amd64.go), else
// kernelGeneric.
var (
	kernel     microKernel = kernelGeneric
	kernelName             = "generic"
)

// simdKernels are the assembly micro-kernels this CPU can run, by name
// (kernel_amd64.go); tests check each against the reference and benchmarks
// compare them.
var simdKernels map[string]microKernel

// sgemmGo is the "go" backend.
func sgemmGo(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	workers := runtime.GOMAXPROCS(0)
	if float64(m)*float64(n)*float64(k) < parallelMinWork {
		workers = 1
	}
	gemmBlocked(kernel, workers, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// workspace holds the buffers and the state of one call of gemmShared,
// reused from call to call through a sync.Pool so that a serial call
// allocates nothing.
type workspace struct {
	b   []float32          // packed kc×nc panel of op(B), shared
	a   [][]float32        // packed mc×kc block of op(A), one per worker
	tmp [][mr * nr]float32 // edge tile, one per worker
	job sharedJob
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
	serial := func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		gemmShared(kern, 1, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
	splitC(workers, mr, nr, serial, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// splitC cuts C along its longer side into one region per worker, rows
// rounded up to a multiple of rowAlign or columns to one of colAlign, and
// computes each region with serial on a goroutine of its own. Each element
// of C is computed by one serial call over the whole of k, so the split
// does not change its summation.
func splitC(workers, rowAlign, colAlign int, serial sgemmFunc, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m >= n {
		rows := roundUp(ceilDiv(m, workers), rowAlign)
		parallelFor(workers, ceilDiv(m, rows), func(_, t int) {
			i0 := t * rows
			ai := i0 * lda // rows of op(A) are rows of a, or columns if transposed
			if transA {
				ai = i0
			}
			serial(transA, transB, min(rows, m-i0), n, k, alpha, a[ai:], lda, b, ldb, beta, c[i0*ldc:], ldc)
		})
		return
	}
	cols := roundUp(ceilDiv(n, workers), colAlign)
	parallelFor(workers, ceilDiv(n, cols), func(_, t int) {
		j0 := t * cols
		bj := j0 // columns of op(B) are columns of b, or rows if transposed
		if transB {
			bj = j0 * ldb
		}
		serial(transA, transB, m, min(cols, n-j0), k, alpha, a, lda, b[bj:], ldb, beta, c[j0:], ldc)
	})
}

// gemmShared computes the product on up to workers goroutines sharing each
// kc×nc panel of op(B); they pack it together, then take blocks of mc rows
// of C in turn, each packing its own block of op(A). Operands that need no
// packing (see choosePacking) are read in place, except for their last,
// partial, sliver.
func gemmShared(kern microKernel, workers int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	// Cut k into equal blocks of at most kcMax.
	kc := ceilDiv(k, ceilDiv(k, kcMax))

	// Row blocks: at most mcMax rows, and a multiple of workers in number
	// so that the goroutines get equal shares.
	mBlocks := ceilDiv(m, mcMax)
	mBlocks = ceilDiv(mBlocks, workers) * workers
	mc := roundUp(ceilDiv(m, mBlocks), mr)
	mBlocks = ceilDiv(m, mc)

	packAllA, packAllB := choosePacking(m, n, k, mBlocks, transB)
	bLen, aLen := kc*nr, kc*mr // partial slivers only
	if packAllB {
		bLen = kc * roundUp(min(n, ncMax), nr)
	}
	if packAllA {
		aLen = kc * mc
	}
	ws := getWorkspace(workers, bLen, aLen)
	defer workspaces.Put(ws)
	j := &ws.job
	*j = sharedJob{
		kern: kern, ws: ws, transA: transA, transB: transB, m: m, k: k,
		alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc,
		mc: mc, packAllA: packAllA, packAllB: packAllB,
	}
	defer func() { *j = sharedJob{} }() // drop references to the caller's slices

	for j.jc = 0; j.jc < n; j.jc += ncMax {
		j.ncur = min(ncMax, n-j.jc)
		nFull := j.ncur / nr * nr // columns in full slivers
		for j.pc = 0; j.pc < k; j.pc += kc {
			j.kcur = min(kc, k-j.pc)
			j.beta = beta
			if j.pc > 0 {
				j.beta = 1
			}
			if packAllB {
				// Each goroutine packs a run of whole slivers.
				nSlivers := ceilDiv(j.ncur, nr)
				j.perPart = ceilDiv(nSlivers, workers)
				if parts := ceilDiv(nSlivers, j.perPart); workers == 1 {
					j.packBPart(0)
				} else {
					parallelFor(workers, parts, func(_, t int) { j.packBPart(t) })
				}
				j.bp = panel{data: ws.b, step: j.kcur * nr, rs: nr}
			} else {
				j.bp = panel{data: b[j.pc*ldb+j.jc:], step: nr, rs: ldb}
				if nFull < j.ncur {
					packB(ws.b, b, ldb, transB, j.pc, j.jc+nFull, j.kcur, j.ncur-nFull)
					j.bp.edge = ws.b
				}
			}
			if workers == 1 {
				for t := range mBlocks {
					j.rowBlock(0, t)
				}
			} else {
				parallelFor(workers, mBlocks, j.rowBlock)
			}
		}
	}
}

// sharedJob is the state of gemmShared: its arguments, its blocking, and
// the current panel (columns jc..jc+ncur, k from pc to pc+kcur).
type sharedJob struct {
	kern               microKernel
	ws                 *workspace
	transA, transB     bool
	m, k               int
	alpha, beta        float32 // beta for the current k block
	a, b, c            []float32
	lda, ldb, ldc      int
	mc                 int
	packAllA, packAllB bool
	jc, ncur, pc, kcur int
	perPart            int   // slivers of op(B) packed by each goroutine
	bp                 panel // the current panel of op(B)
}

// packBPart packs the t-th run of perPart slivers of the current panel of
// op(B).
func (j *sharedJob) packBPart(t int) {
	j0 := t * j.perPart * nr
	packB(j.ws.b[j0*j.kcur:], j.b, j.ldb, j.transB, j.pc, j.jc+j0, j.kcur, min(j.perPart*nr, j.ncur-j0))
}

// rowBlock computes the t-th block of mc rows of C for the current panel,
// on goroutine w.
func (j *sharedJob) rowBlock(w, t int) {
	ic := t * j.mc
	mcur := min(j.mc, j.m-ic)
	abuf := j.ws.a[w]
	var ap panel
	switch {
	case j.packAllA:
		packA(abuf, j.a, j.lda, j.transA, ic, j.pc, mcur, j.kcur)
		ap = panel{data: abuf, step: j.kcur * mr, rs: 1, cs: mr}
	case j.transA:
		ap = panel{data: j.a[j.pc*j.lda+ic:], step: mr, rs: 1, cs: j.lda}
	default:
		ap = panel{data: j.a[ic*j.lda+j.pc:], step: mr * j.lda, rs: j.lda, cs: 1}
	}
	if mFull := mcur / mr * mr; !j.packAllA && mFull < mcur {
		packA(abuf, j.a, j.lda, j.transA, ic+mFull, j.pc, mcur-mFull, j.kcur)
		ap.edge = abuf
	}
	macroKernel(j.kern, j.kcur, mcur, j.ncur, &ap, &j.bp, j.c[ic*j.ldc+j.jc:], j.ldc, j.alpha, j.beta, &j.ws.tmp[w])
}

// choosePacking reports whether to pack all of op(A) and all of op(B), or
// to read their full slivers in place. Packing copies a block into the
// order the micro-kernel reads, so that it streams through contiguous
// memory; it pays when the block is then read many times: a block of
// op(A) once per sliver of op(B), a panel of op(B) once per block of rows
// (mBlocks). In small products (an attention head: 50×32×50) the copies
// would cost as much as the product, and the operands are in L1 or L2
// anyway. A transposed op(B) is always packed: the kernel loads its rows
// as vectors. (Measured: reading op(B) in place when it is used once took
// 128×12800×512 with op(A) transposed from 119 to 149 GFLOP/s on two
// cores; reading op(A) in place in large products was no faster, and
// slower for 1024×1024×1024.)
func choosePacking(m, n, k, mBlocks int, transB bool) (packA, packB bool) {
	if float64(m)*float64(n)*float64(k) < parallelMinWork {
		return false, transB
	}
	return true, transB || mBlocks > 1
}

// panel locates the slivers of a block of op(A) (mr rows each) or op(B)
// (nr columns each) for the micro-kernel. Sliver i starts at data[i*step];
// in it, element (r, p) of an A sliver is at r*rs+p*cs and row p of a B
// sliver at p*rs. If edge is not nil, the last sliver is partial and packed
// there instead.
type panel struct {
	data         []float32
	step, rs, cs int
	edge         []float32
}

// aSliver returns sliver i of an A panel and its strides; partial says
// whether it is the last, partial one.
func (p *panel) aSliver(i int, partial bool) ([]float32, int, int) {
	if partial && p.edge != nil {
		return p.edge, 1, mr
	}
	return p.data[i*p.step:], p.rs, p.cs
}

// bSliver returns sliver i of a B panel and its row stride.
func (p *panel) bSliver(i int, partial bool) ([]float32, int) {
	if partial && p.edge != nil {
		return p.edge, nr
	}
	return p.data[i*p.step:], p.rs
}

// macroKernel multiplies an mcur×kc block of op(A) by a kc×ncols block of
// op(B) into C (starting at c[0], row stride ldc), one mr×nr tile at a
// time.
func macroKernel(kern microKernel, kc, mcur, ncols int, ap, bp *panel, c []float32, ldc int, alpha, beta float32, tmp *[mr * nr]float32) {
	for jr := 0; jr < ncols; jr += nr {
		nb := min(nr, ncols-jr)
		bs, brs := bp.bSliver(jr/nr, nb < nr)
		for ir := 0; ir < mcur; ir += mr {
			mb := min(mr, mcur-ir)
			as, ars, acs := ap.aSliver(ir/mr, mb < mr)
			if mb == mr && nb == nr {
				kern(kc, as, ars, acs, bs, brs, c[ir*ldc+jr:], ldc, alpha, beta)
				continue
			}
			// Edge tile: compute the full tile aside, copy the part inside C.
			kern(kc, as, ars, acs, bs, brs, tmp[:], nr, alpha, 0)
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
func kernelGeneric(k int, a []float32, ars, acs int, b []float32, brs int, c []float32, ldc int, alpha, beta float32) {
	var acc [mr][nr]float32
	for p := 0; p < k; p++ {
		bp := (*[nr]float32)(b[p*brs:])
		for i := range acc {
			ai := a[i*ars+p*acs]
			row := &acc[i]
			for j := range row {
				row[j] += ai * bp[j]
			}
		}
	}
	for i := range acc {
		row := (*[nr]float32)(c[i*ldc:])
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
