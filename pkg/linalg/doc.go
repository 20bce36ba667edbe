// Package linalg holds the float32 matrix product the neural-network code
// runs on. Everything is row-major.
//
// Sgemm is the one entry point. It checks its arguments, handles the trivial
// cases (m or n zero; k or alpha zero) itself, and hands the rest to the
// selected backend:
//
//   - "go": pure Go, always available, no cgo. The product is cut into
//     blocks that fit the caches (kc×nc panels of op(B) for L3, mc×kc blocks
//     of op(A) for L2), the blocks are packed into contiguous 6-row and
//     16-column slivers, and a 6×16 micro-kernel multiplies one A sliver by
//     one B sliver into a tile of C held in registers. On amd64 CPUs with
//     AVX2 and FMA the micro-kernel is Go assembly (kernel_amd64.s, 12 ymm
//     accumulators), on those with AVX-512 its zmm twin (kernel512_amd64.s,
//     6 accumulators, the same fused multiply-adds per element of C, so the
//     same bits, and faster: BenchmarkKernels); elsewhere, or with the
//     build tag purego, a portable Go loop does the same job several times
//     slower. Small products (under
//     2^20 multiply-adds, such as the 50×32×50 products of an attention
//     head) run on the calling goroutine, without goroutines or
//     allocation, and read their operands in place instead of packing
//     them. Larger ones are spread over runtime.GOMAXPROCS(0) goroutines:
//     by blocks of rows of C sharing each packed panel of op(B) when C has
//     many rows, else by cutting C along its longer side.
//     Each element of C is summed in the same order however the work is
//     split, so results are bit-identical from run to run and between
//     serial and parallel execution (tested).
//   - "openblas": cblas_sgemm from the system OpenBLAS through cgo
//     (internal/openblas), single-threaded, a large product cut into one
//     part per core by Go (OpenBLAS's own threads spin after each call and
//     took CPU from the Go code between products). It is compiled
//     only with the build tag openblas (go build -tags openblas);
//     scripts/blas-tags.sh prints that tag when OpenBLAS's header and
//     library are installed. Its results are bit-identical from run to run
//     too (tested), but not bit-identical to the "go" backend's: the two
//     sum in different orders.
//
// Why two backends: OpenBLAS is the usual reference for speed, but it
// needs cgo and a system library; the pure-Go backend keeps every binary
// buildable anywhere with `go build`, and on the shapes the trainers use
// the two are within tens of percent of each other, the faster one
// depending on the machine (BenchmarkSgemm in bench_test.go measures both).
//
// Selection: the pure-Go backend, even when OpenBLAS is compiled in. Its
// results are the same bits on every CPU with AVX2 and FMA and on any core
// count, while OpenBLAS chooses a kernel per CPU model (the Haswell and
// Zen kernels round differently from the SkylakeX one) and a product cut
// per core rounds with the core count, so a model trained with it depends
// on the machine. The environment variable MOVIEGENIE_BLAS=go|openblas,
// read once at start-up, overrides this; an unknown or unavailable value
// prints one warning line to stderr and falls back to "go". Describe says
// which backend runs and why, for the stages' logs. SetBackend changes the
// backend at run time and returns an error for an unknown or unavailable
// name; Available lists the backends compiled in.
//
// SgemmRef is the naive triple loop that the tests compare every backend
// against.
package linalg
