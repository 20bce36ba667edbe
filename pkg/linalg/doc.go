// Package linalg holds the float32 matrix product the neural-network code
// runs on. Everything is row-major.
//
// Sgemm is the one entry point. It checks its arguments, handles the trivial
// cases (m, n == 0; k == 0 or alpha == 0) itself, and hands the rest to the
// selected backend:
//
//   - "go": pure Go, always available. The product is cut into blocks that
//     fit the caches (kc×nc panels of op(B), mc×kc blocks of op(A)), each
//     block is packed into contiguous 6-row / 16-column slivers, and a 6×16
//     micro-kernel multiplies one A sliver by one B sliver. On amd64 CPUs
//     with AVX2 and FMA the micro-kernel is Go assembly (12 ymm
//     accumulators); elsewhere a portable Go loop does the same job, slower.
//     Products of at least 2^20 multiply-adds are spread over
//     runtime.GOMAXPROCS(0) goroutines, by blocks of rows of C (or of columns
//     when C has too few rows); smaller ones, such as the 50×32×50 products
//     of an attention head, run on the calling goroutine so that they pay no
//     synchronisation. Every element of C is summed in the same order
//     whatever the number of goroutines, so results are bit-identical from
//     run to run and between serial and parallel execution.
//   - "openblas": cblas_sgemm from the system OpenBLAS through cgo, with
//     OpenBLAS limited to 2 threads. It is compiled only with the build tag
//     openblas (go build -tags openblas; scripts/blas-tags.sh prints the tag
//     when the library is installed). Its results are also bit-identical
//     from run to run (tested), but not bit-identical to the "go" backend.
//
// Why two backends: OpenBLAS is the fastest option where it is installed,
// but it needs cgo and a system library; the pure-Go backend keeps every
// binary buildable anywhere and is within reach of OpenBLAS on the shapes
// the trainers use (see the benchmarks in bench_test.go).
//
// Selection: OpenBLAS when compiled in, otherwise pure Go. The environment
// variable MOVIEGENIE_BLAS=go|openblas, read once at start-up, overrides
// this; an unknown or unavailable value prints one warning line to stderr
// and falls back to "go". SetBackend changes the backend at run time and
// returns an error for an unknown or unavailable name.
//
// SgemmRef is the naive triple loop that the tests compare every backend
// against.
package linalg
