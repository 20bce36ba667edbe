// Package cpufeat says which x86-64 SIMD features the CPU and the
// operating system offer, so that the packages with assembly kernels
// (linalg, nn) choose them at run time from one answer.
package cpufeat
