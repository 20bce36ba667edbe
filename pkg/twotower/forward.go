package twotower

import (
	"fmt"

	"github.com/moviegenie/pipeline/pkg/linalg"
	"github.com/moviegenie/pipeline/pkg/nn"
)

// towerActs are one tower's activations for B rows and, in training,
// their gradients. Layer l has width W_l = widths[l].
type towerActs struct {
	x    []float32   // [B, C0] concatenated input
	h    [][]float32 // [B, W_l] linear outputs
	a    [][]float32 // [B, W_l] ReLU outputs (hidden layers only)
	d    [][]float32 // [B, W_l] after dropout (hidden layers only)
	mask [][]uint8   // [B, W_l] dropout masks
	y    []float32   // [B, D] unit-length output
	norm []float32   // [B] norms of the last layer's rows

	dx         []float32   // [B, C0]
	dh, da, dd [][]float32 // like h, a, d
	dy         []float32   // [B, D] gradient of the loss with respect to y
}

// size makes every buffer hold B rows.
func (ws *towerActs) size(t *mlp, B int, grads bool) {
	L := len(t.widths)
	if len(ws.h) != L {
		ws.h, ws.a, ws.d, ws.mask = make([][]float32, L), make([][]float32, L), make([][]float32, L), make([][]uint8, L)
		ws.dh, ws.da, ws.dd = make([][]float32, L), make([][]float32, L), make([][]float32, L)
	}
	ws.x = growF(ws.x, B*t.in)
	for l, w := range t.widths {
		ws.h[l] = growF(ws.h[l], B*w)
		if l < L-1 {
			ws.a[l], ws.d[l], ws.mask[l] = growF(ws.a[l], B*w), growF(ws.d[l], B*w), growU8(ws.mask[l], B*w)
		}
	}
	D := t.widths[L-1]
	ws.y, ws.norm = growF(ws.y, B*D), growF(ws.norm, B)
	if !grads {
		return
	}
	ws.dx, ws.dy = growF(ws.dx, B*t.in), growF(ws.dy, B*D)
	for l, w := range t.widths {
		ws.dh[l] = growF(ws.dh[l], B*w)
		if l < L-1 {
			ws.da[l], ws.dd[l] = growF(ws.da[l], B*w), growF(ws.dd[l], B*w)
		}
	}
}

// forward runs the MLP on ws.x [B, in] into ws.y [B, D] (unit rows).
// Dropout rate p applies after every hidden ReLU, with masks keyed by seed.
func (t *mlp) forward(ws *towerActs, B int, p float32, seed uint64) {
	in, C := ws.x, t.in
	last := len(t.widths) - 1
	for l, W := range t.widths {
		nn.LinearForward(ws.h[l], in, t.w[l].W, t.b[l].W, B, C, W)
		if l == last {
			nn.L2NormForward(ws.y, ws.norm, ws.h[l], B, W)
			return
		}
		nn.ReLUForward(ws.a[l][:B*W], ws.h[l][:B*W])
		if p == 0 { // no dropout: the next layer reads the ReLU output
			in, C = ws.a[l], W
			continue
		}
		nn.DropoutForward(ws.d[l][:B*W], ws.mask[l], ws.a[l][:B*W], p, seed+uint64(l))
		in, C = ws.d[l], W
	}
}

// backward takes ws.dy and accumulates the MLP's parameter gradients,
// leaving the gradient with respect to the input in ws.dx (overwritten).
func (t *mlp) backward(ws *towerActs, B int, p float32) {
	last := len(t.widths) - 1
	D := t.widths[last]
	clear(ws.dh[last][:B*D])
	nn.L2NormBackward(ws.dh[last], ws.dy, ws.y, ws.norm, B, D)
	for l := last; l >= 0; l-- {
		W := t.widths[l]
		in, din, C := ws.x, ws.dx, t.in
		if l > 0 {
			in, din, C = ws.d[l-1], ws.dd[l-1], t.widths[l-1]
			if p == 0 { // forward skipped dropout: d = a
				in, din = ws.a[l-1], ws.da[l-1]
			}
		}
		clear(din[:B*C])
		nn.LinearBackward(din, t.w[l].G, t.b[l].G, ws.dh[l], in, t.w[l].W, B, C, W)
		if l > 0 {
			n := B * C
			if p > 0 {
				clear(ws.da[l-1][:n])
				nn.DropoutBackward(ws.da[l-1][:n], ws.dd[l-1][:n], ws.mask[l-1], p)
			}
			clear(ws.dh[l-1][:n])
			nn.ReLUBackward(ws.dh[l-1][:n], ws.h[l-1][:n], ws.da[l-1][:n])
		}
	}
}

// gather writes table rows ids[i] [C wide] into column block [off, off+C)
// of the rows of x (row stride ld). The towers' inputs are concatenations
// of several embeddings, so each lookup goes straight to its place in the
// concatenated row (nn.EmbeddingForward writes contiguous rows).
func gather(x []float32, ld, off int, ids []int32, table []float32, C int) {
	V := len(table) / C
	for i, id := range ids {
		if id < 0 || int(id) >= V {
			panic(fmt.Sprintf("twotower: embedding id %d outside [0, %d)", id, V))
		}
		copy(x[i*ld+off:i*ld+off+C], table[int(id)*C:int(id+1)*C])
	}
}

// scatterAdd is gather's backward: dtable[ids[i]] += dx[i, off:off+C].
// Negative ids (a feature not given, see gatherOrMean) are skipped.
func scatterAdd(dtable []float32, ids []int32, dx []float32, ld, off, C int) {
	for i, id := range ids {
		if id < 0 {
			continue
		}
		d, g := dtable[int(id)*C:int(id+1)*C], dx[i*ld+off:i*ld+off+C]
		for k, v := range g {
			d[k] += v
		}
	}
}

// gatherOrMean is gather for a categorical user feature that a query may
// leave out: an id < 0 gets the expected embedding Σ_c share[c]·table[c].
func gatherOrMean(x []float32, ld, off int, ids []int32, table []float32, C int, share func() []float32) {
	V := len(table) / C
	for i, id := range ids {
		dst := x[i*ld+off : i*ld+off+C]
		if id >= 0 {
			if int(id) >= V {
				panic(fmt.Sprintf("twotower: embedding id %d outside [0, %d)", id, V))
			}
			copy(dst, table[int(id)*C:int(id+1)*C])
			continue
		}
		clear(dst)
		for c, s := range share() {
			for k, v := range table[c*C : (c+1)*C] {
				dst[k] += s * v
			}
		}
	}
}

// userForward builds the user tower's input [id | gender | age |
// occupation | zip | affinity] for B rows of ub and runs the MLP. A
// negative gender, age, occupation or zip stands for "not given" (see
// gatherOrMean); that only happens outside training.
func (m *Model) userForward(ws *towerActs, ub *userBatch, B int, p float32, seed uint64) {
	E, F, G, CU := m.Cfg.EmbeddingDim, m.Cfg.FeatureDim, m.Sizes.Genres, m.CU()
	x := ws.x
	gather(x, CU, 0, ub.id[:B], m.userEmb.W, E)
	if m.Sizes.NoDemographics {
		for i := 0; i < B; i++ {
			copy(x[i*CU+E:(i+1)*CU], ub.aff[i*G:(i+1)*G])
		}
		m.user.forward(ws, B, p, seed)
		return
	}
	gatherOrMean(x, CU, E, ub.gender[:B], m.genderEmb.W, F, func() []float32 { return m.shares(0) })
	gatherOrMean(x, CU, E+F, ub.age[:B], m.ageEmb.W, F, func() []float32 { return m.shares(1) })
	gatherOrMean(x, CU, E+2*F, ub.occ[:B], m.occEmb.W, F, func() []float32 { return m.shares(2) })
	gatherOrMean(x, CU, E+3*F, ub.zip[:B], m.zipEmb.W, F, func() []float32 { return m.shares(3) })
	for i := 0; i < B; i++ {
		copy(x[i*CU+E+4*F:(i+1)*CU], ub.aff[i*G:(i+1)*G])
	}
	m.user.forward(ws, B, p, seed)
}

// userBackward accumulates the user tower's gradients from ws.dy.
func (m *Model) userBackward(ws *towerActs, ub *userBatch, B int, p float32) {
	E, F, CU := m.Cfg.EmbeddingDim, m.Cfg.FeatureDim, m.CU()
	m.user.backward(ws, B, p)
	scatterAdd(m.userEmb.G, ub.id[:B], ws.dx, CU, 0, E)
	if m.Sizes.NoDemographics {
		return
	}
	scatterAdd(m.genderEmb.G, ub.gender[:B], ws.dx, CU, E, F)
	scatterAdd(m.ageEmb.G, ub.age[:B], ws.dx, CU, E+F, F)
	scatterAdd(m.occEmb.G, ub.occ[:B], ws.dx, CU, E+2*F, F)
	scatterAdd(m.zipEmb.G, ub.zip[:B], ws.dx, CU, E+3*F, F)
}

// itemForward builds the movie tower's input [id | genres | decade |
// text·W] for the movies rows (movie_idx-1) and runs the MLP. text is
// scratch space of B·T floats for the gathered text embeddings.
func (m *Model) itemForward(ws *towerActs, rows []int32, text []float32, p float32, seed uint64) {
	E, F, G, P, T, CI := m.Cfg.EmbeddingDim, m.Cfg.FeatureDim, m.Sizes.Genres, m.Cfg.TextDim, m.Sizes.TextWidth, m.CI()
	mv := m.Movies
	B := len(rows)
	x := ws.x
	gather(x, CI, 0, rows, m.movieEmb.W, E)
	gather(x, CI, E, rows, mv.Genres, G)
	for i, r := range rows {
		d := mv.Decade[r]
		copy(x[i*CI+E+G:i*CI+E+G+F], m.decadeEmb.W[int(d)*F:int(d+1)*F])
	}
	gather(text, T, 0, rows, mv.Text, T)
	linalg.Sgemm(false, false, B, P, T, 1, text, T, m.textW.W, P, 0, x[E+G+F:], CI)
	m.item.forward(ws, B, p, seed)
}

// itemBackward accumulates the movie tower's gradients from ws.dy; text
// must still hold what itemForward gathered.
func (m *Model) itemBackward(ws *towerActs, rows []int32, text []float32, p float32) {
	E, F, G, P, T, CI := m.Cfg.EmbeddingDim, m.Cfg.FeatureDim, m.Sizes.Genres, m.Cfg.TextDim, m.Sizes.TextWidth, m.CI()
	B := len(rows)
	m.item.backward(ws, B, p)
	scatterAdd(m.movieEmb.G, rows, ws.dx, CI, 0, E)
	for i, r := range rows {
		d := m.Movies.Decade[r]
		g, dst := ws.dx[i*CI+E+G:i*CI+E+G+F], m.decadeEmb.G[int(d)*F:int(d+1)*F]
		for k, v := range g {
			dst[k] += v
		}
	}
	// dW += textᵀ·dx[:, text block]
	linalg.Sgemm(true, false, T, P, B, 1, text, T, ws.dx[E+G+F:], CI, 1, m.textW.G, P)
}
