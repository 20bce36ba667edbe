package bert4rec

import (
	"github.com/moviegenie/pipeline/pkg/linalg"
	"github.com/moviegenie/pipeline/pkg/nn"
)

// workspace holds every activation and activation gradient of one batch,
// reused from step to step: buffers grow to the largest batch seen and are
// never freed, so a training run allocates only in its first steps.
//
// The blocks run on the N packed rows, except the last one after its
// attention: only its M masked rows feed the head, so its projection,
// layer norms and feed-forward run on those M rows alone (exactly the same
// result, a fraction of the work).
type workspace struct {
	train bool // allocate the gradient buffers

	// Embedding: emb = itemEmb[ids] + posEmb[pos]; x0 = dropout(LN(emb)).
	emb, embLN, x0   []float32 // [N, C]
	embMean, embRstd []float32 // [N]
	x0Mask           []uint8   // [N, C]
	posBuf           []float32 // [N, C] position embeddings
	layers           []layerActs
	ones             []uint8   // attention key mask: every key real
	g4               []float32 // [n, F] GELU output (recomputed in backward)
	ht, hg, hl       []float32 // [M, C] head: dense, GELU, LN (its input is the last block's output)
	hMean, hRstd     []float32 // [M]
	iota             []int32   // [M] 0..M-1

	dA, dB, dRes, dTmp []float32 // [N, C] gradient scratch
	dAtt               []float32 // [N, C]
	dQKV               []float32 // [N, 3C]
	dF1, dF2           []float32 // [N, F]
	dht, dhg, dhl      []float32 // [M, C]
	dhm                []float32 // [M, C] gradient of the last block's output
}

// layerActs are one block's saved activations. n is N for every block but
// the last, whose post-attention rows are the M masked ones.
type layerActs struct {
	qkv              []float32 // [N, 3C]
	att              []float32 // [attLen] attention probabilities, group by group
	attOut           []float32 // [N, C] attention output (heads side by side)
	attIn, xIn       []float32 // [M, C] last block: attOut and the block input at the masked rows
	res1             []float32 // [n, C] x + dropout(attOut·Wo + bo)
	ln1              []float32 // [n, C] LN1(res1)
	fc               []float32 // [n, F] ln1·W1 + b1 (GELU input)
	res2             []float32 // [n, C] ln1 + dropout(GELU(fc)·W2 + b2)
	ln2              []float32 // [n, C] LN2(res2): the block's output
	ln1Mean, ln1Rstd []float32 // [n]
	ln2Mean, ln2Rstd []float32 // [n]
	mask1, mask2     []uint8   // [n, C] dropout masks
}

func grow[E any](buf []E, n int) []E {
	if cap(buf) < n {
		return make([]E, n)
	}
	return buf[:n]
}

// ensure sizes the buffers for a batch.
func (ws *workspace) ensure(m *Model, b *batch) {
	C, F := m.Cfg.HiddenSize, m.Cfg.FFNMult*m.Cfg.HiddenSize
	N, M := b.N, b.M
	L := m.Cfg.NumLayers
	sets := L
	if !ws.train {
		sets = 1 // inference keeps no activations for a backward pass: one set serves every block
	}
	if len(ws.layers) != sets {
		ws.layers = make([]layerActs, sets)
	}
	ws.emb, ws.embLN, ws.x0 = grow(ws.emb, N*C), grow(ws.embLN, N*C), grow(ws.x0, N*C)
	ws.embMean, ws.embRstd = grow(ws.embMean, N), grow(ws.embRstd, N)
	ws.x0Mask, ws.posBuf = grow(ws.x0Mask, N*C), grow(ws.posBuf, N*C)
	maxRows := 0
	for _, g := range b.groups {
		maxRows = max(maxRows, g.count*g.L)
	}
	if len(ws.ones) < maxRows {
		ws.ones = make([]uint8, maxRows)
		for i := range ws.ones {
			ws.ones[i] = 1
		}
	}
	for l := range ws.layers {
		a := &ws.layers[l]
		n := N
		if l == L-1 || !ws.train {
			a.attIn, a.xIn = grow(a.attIn, M*C), grow(a.xIn, M*C)
		}
		if l == L-1 && ws.train {
			n = M
		}
		a.qkv, a.att, a.attOut = grow(a.qkv, N*3*C), grow(a.att, b.attLen), grow(a.attOut, N*C)
		a.res1, a.ln1, a.fc = grow(a.res1, n*C), grow(a.ln1, n*C), grow(a.fc, n*F)
		a.res2, a.ln2 = grow(a.res2, n*C), grow(a.ln2, n*C)
		a.ln1Mean, a.ln1Rstd = grow(a.ln1Mean, n), grow(a.ln1Rstd, n)
		a.ln2Mean, a.ln2Rstd = grow(a.ln2Mean, n), grow(a.ln2Rstd, n)
		a.mask1, a.mask2 = grow(a.mask1, n*C), grow(a.mask2, n*C)
	}
	ws.g4 = grow(ws.g4, N*F)
	ws.ht, ws.hg, ws.hl = grow(ws.ht, M*C), grow(ws.hg, M*C), grow(ws.hl, M*C)
	ws.hMean, ws.hRstd = grow(ws.hMean, M), grow(ws.hRstd, M)
	if len(ws.iota) < M {
		ws.iota = make([]int32, M)
		for i := range ws.iota {
			ws.iota[i] = int32(i)
		}
	}
	if ws.train {
		ws.dA, ws.dB, ws.dRes, ws.dTmp = grow(ws.dA, N*C), grow(ws.dB, N*C), grow(ws.dRes, N*C), grow(ws.dTmp, N*C)
		ws.dAtt, ws.dQKV = grow(ws.dAtt, N*C), grow(ws.dQKV, N*3*C)
		ws.dF1, ws.dF2 = grow(ws.dF1, N*F), grow(ws.dF2, N*F)
		ws.dht, ws.dhg, ws.dhl, ws.dhm = grow(ws.dht, M*C), grow(ws.dhg, M*C), grow(ws.dhl, M*C), grow(ws.dhm, M*C)
	}
}

// layer returns block l's activations: its own in training, the one shared
// set at inference.
func (ws *workspace) layer(l int) *layerActs {
	if !ws.train {
		return &ws.layers[0]
	}
	return &ws.layers[l]
}

// dropoutSeed derives the seed of one dropout site at one step from the
// run's seed, so that every mask is reproducible.
func dropoutSeed(seed int64, step uint64, site int) uint64 {
	z := uint64(seed)*0x9E3779B97F4A7C15 ^ (step+1)*0xBF58476D1CE4E5B9 ^ uint64(site+1)*0x94D049BB133111EB
	z ^= z >> 31
	return z
}

// forward runs the network on batch b up to the head output ws.hl [M, C]
// at the masked rows. With dropout (training) the masks are drawn from
// (Cfg.Seed, step).
func (m *Model) forward(ws *workspace, b *batch, dropout bool, step uint64) {
	ws.ensure(m, b)
	cfg := m.Cfg
	C, F, NH, N, M := cfg.HiddenSize, cfg.FFNMult*cfg.HiddenSize, cfg.NumHeads, b.N, b.M
	p := float32(0)
	if dropout {
		p = float32(cfg.Dropout)
	}
	// Embeddings: LN(item + position), dropout.
	nn.EmbeddingForward(ws.emb[:N*C], b.ids, m.itemEmb.W, C)
	nn.EmbeddingForward(ws.posBuf[:N*C], b.pos, m.posEmb.W, C)
	addInto(ws.emb[:N*C], ws.posBuf[:N*C])
	nn.LayerNormForward(ws.embLN, ws.embMean, ws.embRstd, ws.emb, m.embLNg.W, m.embLNb.W, N, C)
	nn.DropoutForward(ws.x0[:N*C], ws.x0Mask, ws.embLN[:N*C], p, dropoutSeed(cfg.Seed, step, 0))

	x := ws.x0
	for l := range m.layers {
		lp, a := &m.layers[l], ws.layer(l)
		// Self-attention over every row, group by group (no padding).
		nn.LinearForward(a.qkv, x, lp.qkvW.W, lp.qkvB.W, N, C, 3*C)
		for _, g := range b.groups {
			nn.AttentionForward(a.attOut[g.off*C:], a.att[g.attOff:], a.qkv[g.off*3*C:], ws.ones, g.count, g.L, C, NH)
		}
		att, in, n := a.attOut, x, N
		if l == len(m.layers)-1 { // only the masked rows go on
			gatherRows(a.attIn, a.attOut, b.rows, C)
			gatherRows(a.xIn, x, b.rows, C)
			att, in, n = a.attIn, a.xIn, M
		}
		// Projection, dropout, residual, LN (post-LN, as BERT).
		nn.LinearForward(a.res1, att, lp.projW.W, lp.projB.W, n, C, C)
		nn.DropoutForward(a.res1[:n*C], a.mask1, a.res1[:n*C], p, dropoutSeed(cfg.Seed, step, 1+2*l))
		addInto(a.res1[:n*C], in[:n*C])
		nn.LayerNormForward(a.ln1, a.ln1Mean, a.ln1Rstd, a.res1, lp.ln1g.W, lp.ln1b.W, n, C)
		// Feed-forward: GELU(ln1·W1 + b1)·W2 + b2, dropout, residual, LN.
		nn.LinearForward(a.fc, a.ln1, lp.fcW.W, lp.fcB.W, n, C, F)
		nn.GELUForward(ws.g4[:n*F], a.fc[:n*F])
		nn.LinearForward(a.res2, ws.g4, lp.fc2W.W, lp.fc2B.W, n, F, C)
		nn.DropoutForward(a.res2[:n*C], a.mask2, a.res2[:n*C], p, dropoutSeed(cfg.Seed, step, 2+2*l))
		addInto(a.res2[:n*C], a.ln1[:n*C])
		nn.LayerNormForward(a.ln2, a.ln2Mean, a.ln2Rstd, a.res2, lp.ln2g.W, lp.ln2b.W, n, C)
		x = a.ln2
	}

	// Head on the masked rows (x is now [M, C]): LN(GELU(x·Wh + bh)).
	nn.LinearForward(ws.ht, x, m.headW.W, m.headB.W, M, C, C)
	nn.GELUForward(ws.hg[:M*C], ws.ht[:M*C])
	nn.LayerNormForward(ws.hl, ws.hMean, ws.hRstd, ws.hg, m.headLNg.W, m.headLNb.W, M, C)
}

// logits writes out [M, V] = hl·outWᵀ + outBias: the score of every item at
// every masked row of the last forward pass.
func (m *Model) logits(out []float32, ws *workspace, M int) {
	C, V := m.Cfg.HiddenSize, m.V
	for i := 0; i < M; i++ {
		copy(out[i*V:(i+1)*V], m.outBias.W)
	}
	linalg.Sgemm(false, true, M, V, C, 1, ws.hl, C, m.outW(), C, 1, out, V)
}

// lossBackward computes the mean cross-entropy of the last forward pass
// (which must have been over b) and accumulates every parameter gradient
// into m.P.Grad. dropout says whether that pass used dropout (its masks
// are reused).
func (m *Model) lossBackward(ws *workspace, b *batch, dropout bool) float32 {
	cfg := m.Cfg
	C, F, NH, N, M := cfg.HiddenSize, cfg.FFNMult*cfg.HiddenSize, cfg.NumHeads, b.N, b.M
	L := len(m.layers)
	p := float32(0)
	if dropout {
		p = float32(cfg.Dropout)
	}
	// Output layer (tied to the item embedding) and loss.
	dhl := ws.dhl[:M*C]
	clear(dhl)
	loss := nn.SoftmaxCrossEntropy(ws.hl[:M*C], ws.iota[:M], b.targets, m.outW(), m.outBias.W, C, m.V, dhl, m.outG(), m.outBias.G)
	// Head.
	clear(ws.dhg[:M*C])
	nn.LayerNormBackward(ws.dhg, m.headLNg.G, m.headLNb.G, dhl, ws.hg, m.headLNg.W, ws.hMean, ws.hRstd, M, C)
	clear(ws.dht[:M*C])
	nn.GELUBackward(ws.dht[:M*C], ws.ht[:M*C], ws.dhg[:M*C])
	dOut := ws.dhm[:M*C]
	clear(dOut)
	nn.LinearBackward(dOut, m.headW.G, m.headB.G, ws.dht, ws.layers[L-1].ln2, m.headW.W, M, C, C)

	dX := ws.dB[:N*C]
	for l := L - 1; l >= 0; l-- {
		lp, a := &m.layers[l], &ws.layers[l]
		x := ws.x0
		if l > 0 {
			x = ws.layers[l-1].ln2
		}
		last := l == L-1
		att, n := a.attOut, N
		if last {
			att, n = a.attIn, M
		}
		// LN2, residual, dropout, fc2, GELU, fc (on n rows).
		dRes := ws.dRes[:n*C]
		clear(dRes)
		nn.LayerNormBackward(dRes, lp.ln2g.G, lp.ln2b.G, dOut, a.res2, lp.ln2g.W, a.ln2Mean, a.ln2Rstd, n, C)
		dLn1 := dOut // dOut is no longer needed: reuse it for d(ln1)
		copy(dLn1, dRes)
		dTmp := ws.dTmp[:n*C]
		clear(dTmp)
		nn.DropoutBackward(dTmp, dRes, a.mask2, p)
		nn.GELUForward(ws.g4[:n*F], a.fc[:n*F]) // recompute the fc2 input
		clear(ws.dF1[:n*F])
		nn.LinearBackward(ws.dF1, lp.fc2W.G, lp.fc2B.G, dTmp, ws.g4, lp.fc2W.W, n, F, C)
		clear(ws.dF2[:n*F])
		nn.GELUBackward(ws.dF2[:n*F], a.fc[:n*F], ws.dF1[:n*F])
		nn.LinearBackward(dLn1, lp.fcW.G, lp.fcB.G, ws.dF2, a.ln1, lp.fcW.W, n, C, F)
		// LN1, residual, dropout, projection.
		clear(dRes)
		nn.LayerNormBackward(dRes, lp.ln1g.G, lp.ln1b.G, dLn1, a.res1, lp.ln1g.W, a.ln1Mean, a.ln1Rstd, n, C)
		clear(dTmp)
		nn.DropoutBackward(dTmp, dRes, a.mask1, p)
		dAtt := ws.dAtt[:N*C]
		if last {
			// Back from the masked rows to all N rows.
			dAttM := ws.dA[:M*C]
			clear(dAttM)
			nn.LinearBackward(dAttM, lp.projW.G, lp.projB.G, dTmp, att, lp.projW.W, M, C, C)
			clear(dAtt)
			scatterAddRows(dAtt, dAttM, b.rows, C)
			clear(dX)
			scatterAddRows(dX, dRes, b.rows, C)
		} else {
			clear(dAtt)
			nn.LinearBackward(dAtt, lp.projW.G, lp.projB.G, dTmp, att, lp.projW.W, N, C, C)
			copy(dX, dRes)
		}
		// Attention and qkv over every row.
		dQKV := ws.dQKV[:N*3*C]
		clear(dQKV)
		for _, g := range b.groups {
			nn.AttentionBackward(dQKV[g.off*3*C:], dAtt[g.off*C:], a.qkv[g.off*3*C:], a.att[g.attOff:], ws.ones, g.count, g.L, C, NH)
		}
		nn.LinearBackward(dX, lp.qkvW.G, lp.qkvB.G, dQKV, x, lp.qkvW.W, N, C, 3*C)
		if last {
			dOut = ws.dA[:N*C]
		}
		dOut, dX = dX, dOut[:N*C]
	}
	// Embeddings.
	dTmp := ws.dTmp[:N*C]
	clear(dTmp)
	nn.DropoutBackward(dTmp, dOut, ws.x0Mask, p)
	dEmb := dX
	clear(dEmb)
	nn.LayerNormBackward(dEmb, m.embLNg.G, m.embLNb.G, dTmp, ws.emb, m.embLNg.W, ws.embMean, ws.embRstd, N, C)
	nn.EmbeddingBackward(m.itemEmb.G, b.ids, dEmb, C, 0)
	nn.EmbeddingBackward(m.posEmb.G, b.pos, dEmb, C, -1)
	return loss
}

// gatherRows copies rows[i] of src [·, C] to row i of dst [len(rows), C].
func gatherRows(dst, src []float32, rows []int32, C int) {
	for i, r := range rows {
		copy(dst[i*C:(i+1)*C], src[int(r)*C:(int(r)+1)*C])
	}
}

// scatterAddRows adds row i of src [len(rows), C] to row rows[i] of dst.
func scatterAddRows(dst, src []float32, rows []int32, C int) {
	for i, r := range rows {
		addInto(dst[int(r)*C:(int(r)+1)*C], src[i*C:(i+1)*C])
	}
}

// addInto sets dst[i] += src[i].
func addInto(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}
