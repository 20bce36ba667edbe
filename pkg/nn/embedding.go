package nn

import "fmt"

// EmbeddingForward looks up rows of table [V, C]: out[n] = table[ids[n]] for
// n in [0, N), N = len(ids); out is [N, C]. It panics if an id is outside
// [0, V).
func EmbeddingForward(out []float32, ids []int32, table []float32, C int) {
	N, V := len(ids), len(table)/C
	need("EmbeddingForward", "out", out, N*C)
	parallelFor(N, rowsPerChunk(C), func(lo, hi int) {
		for n := lo; n < hi; n++ {
			id := int(ids[n])
			if id < 0 || id >= V {
				panic(fmt.Sprintf("nn: EmbeddingForward: ids[%d] = %d outside [0, %d)", n, id, V))
			}
			copy(out[n*C:(n+1)*C], table[id*C:(id+1)*C])
		}
	})
}

// EmbeddingBackward accumulates dtable[ids[n]] += dout[n] for every row n.
// Rows whose id equals padID get no gradient, so the padding row of the
// table stays exactly zero-gradient; padID < 0 skips nothing. Work is split
// over channels so repeated ids never race.
func EmbeddingBackward(dtable []float32, ids []int32, dout []float32, C int, padID int32) {
	N, V := len(ids), len(dtable)/C
	need("EmbeddingBackward", "dout", dout, N*C)
	for n, id := range ids {
		if int(id) < 0 || int(id) >= V {
			panic(fmt.Sprintf("nn: EmbeddingBackward: ids[%d] = %d outside [0, %d)", n, id, V))
		}
	}
	parallelFor(C, max(1, grain/max(1, N)), func(lo, hi int) {
		for n, id := range ids {
			if id == padID {
				continue
			}
			d := dtable[int(id)*C+lo : int(id)*C+hi]
			g := dout[n*C+lo : n*C+hi]
			for i := range d {
				d[i] += g[i]
			}
		}
	})
}
