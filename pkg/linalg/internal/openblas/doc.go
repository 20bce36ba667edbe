// Package openblas binds cblas_sgemm of the system OpenBLAS through cgo.
// It is compiled only with the build tag openblas; without it the package
// is empty. It lives apart from package linalg because a package using cgo
// cannot also hold Go assembly (linalg's micro-kernel).
package openblas
