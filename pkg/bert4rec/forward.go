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
	g4               []float32 // [N, F] GELU output (recomputed in backward, then reused for d(fc))
	fin              []float32 // [M, C] pre-LN: final LN of the last block's output
	finMean, finRstd []float32 // [M]
	headIn           []float32 // [M, C] the head's input (the last block's output, or fin)
	ht, hg, hl       []float32 // [M, C] head: dense, GELU, LN
	hMean, hRstd     []float32 // [M]
	iota             []int32   // [M] 0..M-1

	// Sampled softmax (Config.SampledSoftmax): the step's shared negatives
	// (classes, movie_idx-1) and their log-Q correction ([V], nil for a
	// uniform proposal). neg nil takes the full softmax.
	neg  []int32
	logQ []float32

	dA, dB, dRes, dTmp []float32 // [N, C] gradient scratch
	dAtt, dH           []float32 // [N, C]
	dFin               []float32 // [M, C]
	dQKV               []float32 // [N, 3C]
	dF1                []float32 // [N, F] gradient of the GELU output
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
	ln1              []float32 // [n, C] LN1(res1); pre-LN: [N, C] LN1(x)
	fc               []float32 // [n, F] ln1·W1 + b1 (GELU input)
	res2             []float32 // [n, C] ln1 + dropout(GELU(fc)·W2 + b2); pre-LN: the block's output
	ln2              []float32 // [n, C] LN2(res2): the block's output; pre-LN: LN2(res1)
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
	maxRows := 0
	for _, g := range b.groups {
		maxRows = max(maxRows, g.count*g.L)
	}
	ws.reserve(m, b.N, b.M, b.attLen, maxRows)
}

// reserve sizes the buffers for N rows, M masked rows, attLen attention
// probabilities per block and attention groups of up to maxRows rows.
// Reserving the largest sizes first means no buffer is reallocated later.
func (ws *workspace) reserve(m *Model, N, M, attLen, maxRows int) {
	C, F := m.Cfg.HiddenSize, m.Cfg.FFNMult*m.Cfg.HiddenSize
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
		a.qkv, a.att, a.attOut = grow(a.qkv, N*3*C), grow(a.att, attLen), grow(a.attOut, N*C)
		a.res1, a.ln1, a.fc = grow(a.res1, n*C), grow(a.ln1, N*C), grow(a.fc, n*F)
		a.res2, a.ln2 = grow(a.res2, n*C), grow(a.ln2, n*C)
		a.ln1Mean, a.ln1Rstd = grow(a.ln1Mean, N), grow(a.ln1Rstd, N) // pre-LN: before attention, all rows
		a.ln2Mean, a.ln2Rstd = grow(a.ln2Mean, n), grow(a.ln2Rstd, n)
		a.mask1, a.mask2 = grow(a.mask1, n*C), grow(a.mask2, n*C)
	}
	ws.g4 = grow(ws.g4, N*F)
	ws.ht, ws.hg, ws.hl = grow(ws.ht, M*C), grow(ws.hg, M*C), grow(ws.hl, M*C)
	ws.hMean, ws.hRstd = grow(ws.hMean, M), grow(ws.hRstd, M)
	ws.fin, ws.finMean, ws.finRstd = grow(ws.fin, M*C), grow(ws.finMean, M), grow(ws.finRstd, M)
	if len(ws.iota) < M {
		ws.iota = make([]int32, M)
		for i := range ws.iota {
			ws.iota[i] = int32(i)
		}
	}
	if ws.train {
		ws.dA, ws.dB, ws.dRes, ws.dTmp = grow(ws.dA, N*C), grow(ws.dB, N*C), grow(ws.dRes, N*C), grow(ws.dTmp, N*C)
		ws.dAtt, ws.dQKV, ws.dH = grow(ws.dAtt, N*C), grow(ws.dQKV, N*3*C), grow(ws.dH, N*C)
		ws.dFin = grow(ws.dFin, M*C)
		ws.dF1 = grow(ws.dF1, N*F)
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
	C, N, M := cfg.HiddenSize, b.N, b.M
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
		if cfg.Block == PreLN {
			x = m.preLNForward(ws, b, l, x, p, step)
		} else {
			x = m.postLNForward(ws, b, l, x, p, step)
		}
	}
	if cfg.Block == PreLN { // final LN, as GPT-2's ln_f
		nn.LayerNormForward(ws.fin, ws.finMean, ws.finRstd, x, m.finLNg.W, m.finLNb.W, M, C)
		x = ws.fin
	}

	// Head on the masked rows (x is now [M, C]): LN(GELU(x·Wh + bh)).
	ws.headIn = x
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
	C, N, M := cfg.HiddenSize, b.N, b.M
	L := len(m.layers)
	p := float32(0)
	if dropout {
		p = float32(cfg.Dropout)
	}
	// Output layer (tied to the item embedding) and loss.
	dhl := ws.dhl[:M*C]
	clear(dhl)
	var loss float32
	if ws.neg != nil {
		loss = nn.SampledSoftmaxCrossEntropy(ws.hl[:M*C], ws.iota[:M], b.targets, m.outW(), m.outBias.W, C, m.V, ws.neg, ws.logQ, dhl, m.outG(), m.outBias.G)
	} else {
		loss = nn.SmoothedSoftmaxCrossEntropy(ws.hl[:M*C], ws.iota[:M], b.targets, m.outW(), m.outBias.W, C, m.V, float32(cfg.LabelSmoothing), dhl, m.outG(), m.outBias.G)
	}
	// Head.
	clear(ws.dhg[:M*C])
	nn.LayerNormBackward(ws.dhg, m.headLNg.G, m.headLNb.G, dhl, ws.hg, m.headLNg.W, ws.hMean, ws.hRstd, M, C)
	clear(ws.dht[:M*C])
	nn.GELUBackward(ws.dht[:M*C], ws.ht[:M*C], ws.dhg[:M*C])
	dOut := ws.dhm[:M*C]
	clear(dOut)
	nn.LinearBackward(dOut, m.headW.G, m.headB.G, ws.dht, ws.headIn, m.headW.W, M, C, C)
	if cfg.Block == PreLN {
		dFin := ws.dFin[:M*C]
		clear(dFin)
		nn.LayerNormBackward(dFin, m.finLNg.G, m.finLNb.G, dOut, ws.layers[L-1].res2, m.finLNg.W, ws.finMean, ws.finRstd, M, C)
		dOut = dFin
	}

	// Blocks: dOut is the gradient of a block's output; each call leaves
	// the gradient of its input in dX, which becomes the next dOut.
	dX := ws.dB[:N*C]
	for l := L - 1; l >= 0; l-- {
		if cfg.Block == PreLN {
			m.preLNBackward(ws, b, l, dOut, dX, p)
		} else {
			m.postLNBackward(ws, b, l, dOut, dX, p)
		}
		if l == L-1 {
			dOut = ws.dA[:N*C] // free again: it held d(attention) rows of the last block
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
