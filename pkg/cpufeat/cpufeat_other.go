//go:build !amd64 || purego

package cpufeat

// AVX2FMA is false: this build has no x86-64 assembly.
const AVX2FMA = false

// AVX512F is false: this build has no x86-64 assembly.
const AVX512F = false

// purego marks a build without assembly.
const purego = true
