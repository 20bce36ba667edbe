package db

import (
	"encoding/binary"
	"fmt"
	"math"
)

// EncodeVector writes v as little-endian IEEE-754 float32 values into dst
// (grown if too short) and returns the 4*len(v) bytes written: the layout of
// movie_embeddings.vector.
func EncodeVector(dst []byte, v []float32) []byte {
	if cap(dst) < 4*len(v) {
		dst = make([]byte, 4*len(v))
	}
	dst = dst[:4*len(v)]
	for i, x := range v {
		binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(x))
	}
	return dst
}

// DecodeVector reads a movie_embeddings.vector blob into dst (grown if too
// short) and returns the values. A blob whose length is not a multiple of 4
// is an error.
func DecodeVector(dst []float32, blob []byte) ([]float32, error) {
	if len(blob)%4 != 0 {
		return nil, fmt.Errorf("vector blob of %d bytes: not a whole number of float32 values", len(blob))
	}
	n := len(blob) / 4
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(blob[4*i:]))
	}
	return dst, nil
}
