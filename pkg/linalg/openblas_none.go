//go:build !(cgo && openblas)

package linalg

// openblasBackend is nil: this binary was built without the openblas tag
// (or without cgo).
var openblasBackend *backend
