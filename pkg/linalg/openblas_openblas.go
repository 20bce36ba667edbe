//go:build cgo && openblas

package linalg

import "github.com/moviegenie/pipeline/pkg/linalg/internal/openblas"

// openblasThreads is the number of threads OpenBLAS may use: the two cores
// of the machine the pipeline runs on.
const openblasThreads = 2

var openblasBackend = newOpenBLAS()

func newOpenBLAS() *backend {
	openblas.SetNumThreads(openblasThreads)
	return &backend{name: "openblas", sgemm: openblas.Sgemm}
}
