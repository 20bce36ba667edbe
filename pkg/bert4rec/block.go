package bert4rec

import "github.com/moviegenie/pipeline/pkg/nn"

// Block layouts (Config.Block).
const (
	// PostLN is BERT's and the original BERT4Rec's block: LayerNorm after
	// each residual addition.
	PostLN = "post_ln"
	// PreLN normalises the input of each sublayer instead and adds a final
	// LayerNorm after the last block (as GPT-2; the layout of most PyTorch
	// BERT4Rec ports), which trains more easily at high learning rates.
	PreLN = "pre_ln"
)

// blockInput is the input of block l: the embeddings or the previous
// block's output.
func (m *Model) blockInput(ws *workspace, l int) []float32 {
	if l == 0 {
		return ws.x0
	}
	if m.Cfg.Block == PreLN {
		return ws.layer(l - 1).res2
	}
	return ws.layer(l - 1).ln2
}

// attend computes qkv = in·Wqkv + bqkv and the attention of every row,
// group by group, into a.attOut. In the last block it then gathers the
// masked rows of the attention output and of the block input x into
// a.attIn and a.xIn, and returns those with n = M; otherwise it returns
// a.attOut and x with n = N.
func (m *Model) attend(ws *workspace, b *batch, l int, a *layerActs, in, x []float32) (att, res []float32, n int) {
	C, NH, N := m.Cfg.HiddenSize, m.Cfg.NumHeads, b.N
	lp := &m.layers[l]
	nn.LinearForward(a.qkv, in, lp.qkvW.W, lp.qkvB.W, N, C, 3*C)
	for _, g := range b.groups {
		nn.AttentionForward(a.attOut[g.off*C:], a.att[g.attOff:], a.qkv[g.off*3*C:], ws.ones, g.count, g.L, C, NH)
	}
	if l < len(m.layers)-1 {
		return a.attOut, x, N
	}
	gatherRows(a.attIn, a.attOut, b.rows, C)
	gatherRows(a.xIn, x, b.rows, C)
	return a.attIn, a.xIn, b.M
}

// postLNForward runs block l in the post-LN layout and returns its output
// (a.ln2: N rows, or M in the last block):
//
//	res1 = x + dropout(Attention(x·Wqkv + bqkv)·Wo + bo);  ln1 = LN1(res1)
//	res2 = ln1 + dropout(GELU(ln1·W1 + b1)·W2 + b2);      ln2 = LN2(res2)
func (m *Model) postLNForward(ws *workspace, b *batch, l int, x []float32, p float32, step uint64) []float32 {
	cfg := m.Cfg
	C, F := cfg.HiddenSize, cfg.FFNMult*cfg.HiddenSize
	lp, a := &m.layers[l], ws.layer(l)
	att, in, n := m.attend(ws, b, l, a, x, x)
	nn.LinearForward(a.res1, att, lp.projW.W, lp.projB.W, n, C, C)
	nn.DropoutForward(a.res1[:n*C], a.mask1, a.res1[:n*C], p, dropoutSeed(cfg.Seed, step, 1+2*l))
	addInto(a.res1[:n*C], in[:n*C])
	nn.LayerNormForward(a.ln1, a.ln1Mean, a.ln1Rstd, a.res1, lp.ln1g.W, lp.ln1b.W, n, C)
	nn.LinearForward(a.fc, a.ln1, lp.fcW.W, lp.fcB.W, n, C, F)
	nn.GELUForward(ws.g4[:n*F], a.fc[:n*F])
	nn.LinearForward(a.res2, ws.g4, lp.fc2W.W, lp.fc2B.W, n, F, C)
	nn.DropoutForward(a.res2[:n*C], a.mask2, a.res2[:n*C], p, dropoutSeed(cfg.Seed, step, 2+2*l))
	addInto(a.res2[:n*C], a.ln1[:n*C])
	nn.LayerNormForward(a.ln2, a.ln2Mean, a.ln2Rstd, a.res2, lp.ln2g.W, lp.ln2b.W, n, C)
	return a.ln2
}

// preLNForward runs block l in the pre-LN layout and returns its output
// (a.res2: N rows, or M in the last block):
//
//	ln1 = LN1(x);    res1 = x + dropout(Attention(ln1·Wqkv + bqkv)·Wo + bo)
//	ln2 = LN2(res1); res2 = res1 + dropout(GELU(ln2·W1 + b1)·W2 + b2)
func (m *Model) preLNForward(ws *workspace, b *batch, l int, x []float32, p float32, step uint64) []float32 {
	cfg := m.Cfg
	C, F, N := cfg.HiddenSize, cfg.FFNMult*cfg.HiddenSize, b.N
	lp, a := &m.layers[l], ws.layer(l)
	nn.LayerNormForward(a.ln1, a.ln1Mean, a.ln1Rstd, x, lp.ln1g.W, lp.ln1b.W, N, C)
	att, in, n := m.attend(ws, b, l, a, a.ln1, x)
	nn.LinearForward(a.res1, att, lp.projW.W, lp.projB.W, n, C, C)
	nn.DropoutForward(a.res1[:n*C], a.mask1, a.res1[:n*C], p, dropoutSeed(cfg.Seed, step, 1+2*l))
	addInto(a.res1[:n*C], in[:n*C])
	nn.LayerNormForward(a.ln2, a.ln2Mean, a.ln2Rstd, a.res1, lp.ln2g.W, lp.ln2b.W, n, C)
	nn.LinearForward(a.fc, a.ln2, lp.fcW.W, lp.fcB.W, n, C, F)
	nn.GELUForward(ws.g4[:n*F], a.fc[:n*F])
	nn.LinearForward(a.res2, ws.g4, lp.fc2W.W, lp.fc2B.W, n, F, C)
	nn.DropoutForward(a.res2[:n*C], a.mask2, a.res2[:n*C], p, dropoutSeed(cfg.Seed, step, 2+2*l))
	addInto(a.res2[:n*C], a.res1[:n*C])
	return a.res2
}

// attendBackward is the backward pass of attend and of the projection
// that follows it: given dProj (the gradient of the projection output, n
// rows) and dRes (the gradient reaching the block input through the
// residual, n rows), it accumulates the parameter gradients of the
// projection, attention and qkv, leaves in dX [N, C] the residual
// gradient (scattered back to all N rows in the last block) and in dIn
// [N, C] the gradient of the qkv input (accumulated; dIn may be dX).
func (m *Model) attendBackward(ws *workspace, b *batch, l int, a *layerActs, dProj, dRes, dX, dIn, in []float32) {
	C, NH, N, M := m.Cfg.HiddenSize, m.Cfg.NumHeads, b.N, b.M
	lp := &m.layers[l]
	dAtt := ws.dAtt[:N*C]
	clear(dAtt)
	if l == len(m.layers)-1 {
		dAttM := ws.dA[:M*C] // free in the last block (dOut and dX are elsewhere)
		clear(dAttM)
		nn.LinearBackward(dAttM, lp.projW.G, lp.projB.G, dProj, a.attIn, lp.projW.W, M, C, C)
		scatterAddRows(dAtt, dAttM, b.rows, C)
		clear(dX)
		scatterAddRows(dX, dRes, b.rows, C)
	} else {
		nn.LinearBackward(dAtt, lp.projW.G, lp.projB.G, dProj, a.attOut, lp.projW.W, N, C, C)
		copy(dX, dRes)
	}
	dQKV := ws.dQKV[:N*3*C]
	clear(dQKV)
	for _, g := range b.groups {
		nn.AttentionBackward(dQKV[g.off*3*C:], dAtt[g.off*C:], a.qkv[g.off*3*C:], a.att[g.attOff:], ws.ones, g.count, g.L, C, NH)
	}
	nn.LinearBackward(dIn, lp.qkvW.G, lp.qkvB.G, dQKV, in, lp.qkvW.W, N, C, 3*C)
}

// rowsOf is the number of post-attention rows of block l: M in the last
// block, N elsewhere.
func (m *Model) rowsOf(b *batch, l int) int {
	if l == len(m.layers)-1 {
		return b.M
	}
	return b.N
}

// postLNBackward accumulates block l's parameter gradients given dOut,
// the gradient of its output, and writes the gradient of its input into
// dX [N, C]. dOut is overwritten.
func (m *Model) postLNBackward(ws *workspace, b *batch, l int, dOut, dX []float32, p float32) {
	cfg := m.Cfg
	C, F := cfg.HiddenSize, cfg.FFNMult*cfg.HiddenSize
	lp, a := &m.layers[l], ws.layer(l)
	n := m.rowsOf(b, l)
	x := m.blockInput(ws, l)
	// LN2, residual, dropout, fc2, GELU, fc.
	dRes := ws.dRes[:n*C]
	clear(dRes)
	nn.LayerNormBackward(dRes, lp.ln2g.G, lp.ln2b.G, dOut, a.res2, lp.ln2g.W, a.ln2Mean, a.ln2Rstd, n, C)
	dLn1 := dOut[:n*C] // dOut is no longer needed: reuse it for d(ln1)
	copy(dLn1, dRes)
	dTmp := ws.dTmp[:n*C]
	clear(dTmp)
	nn.DropoutBackward(dTmp, dRes, a.mask2, p)
	m.ffnBackward(ws, lp, a, dTmp, dLn1, a.ln1, n, C, F)
	// LN1, residual, dropout, projection, attention, qkv.
	clear(dRes)
	nn.LayerNormBackward(dRes, lp.ln1g.G, lp.ln1b.G, dLn1, a.res1, lp.ln1g.W, a.ln1Mean, a.ln1Rstd, n, C)
	clear(dTmp)
	nn.DropoutBackward(dTmp, dRes, a.mask1, p)
	m.attendBackward(ws, b, l, a, dTmp, dRes, dX, dX, x)
}

// preLNBackward is postLNBackward for the pre-LN layout.
func (m *Model) preLNBackward(ws *workspace, b *batch, l int, dOut, dX []float32, p float32) {
	cfg := m.Cfg
	C, F, N := cfg.HiddenSize, cfg.FFNMult*cfg.HiddenSize, b.N
	lp, a := &m.layers[l], ws.layer(l)
	n := m.rowsOf(b, l)
	x := m.blockInput(ws, l)
	// Feed-forward sublayer: res2 = res1 + dropout(FFN(LN2(res1))).
	dRes1 := ws.dRes[:n*C]
	copy(dRes1, dOut[:n*C])
	dTmp := ws.dTmp[:n*C]
	clear(dTmp)
	nn.DropoutBackward(dTmp, dOut[:n*C], a.mask2, p)
	dH := ws.dH[:n*C]
	clear(dH)
	m.ffnBackward(ws, lp, a, dTmp, dH, a.ln2, n, C, F)
	nn.LayerNormBackward(dRes1, lp.ln2g.G, lp.ln2b.G, dH, a.res1, lp.ln2g.W, a.ln2Mean, a.ln2Rstd, n, C)
	// Attention sublayer: res1 = x + dropout(Attention(LN1(x))·Wo + bo).
	clear(dTmp)
	nn.DropoutBackward(dTmp, dRes1, a.mask1, p)
	dH = ws.dH[:N*C]
	clear(dH)
	m.attendBackward(ws, b, l, a, dTmp, dRes1, dX, dH, a.ln1)
	nn.LayerNormBackward(dX, lp.ln1g.G, lp.ln1b.G, dH, x, lp.ln1g.W, a.ln1Mean, a.ln1Rstd, N, C)
}

// ffnBackward is the backward pass of GELU(in·W1 + b1)·W2 + b2 on n rows
// given dY, the gradient of its output: it accumulates the parameter
// gradients and adds the gradient of in to dIn.
func (m *Model) ffnBackward(ws *workspace, lp *layerParams, a *layerActs, dY, dIn, in []float32, n, C, F int) {
	g4, dG := ws.g4[:n*F], ws.dF1[:n*F]
	nn.GELUForward(g4, a.fc[:n*F]) // recompute the fc2 input
	clear(dG)
	nn.LinearBackward(dG, lp.fc2W.G, lp.fc2B.G, dY, g4, lp.fc2W.W, n, F, C)
	dFC := g4 // the GELU output is no longer needed: reuse it for d(fc)
	clear(dFC)
	nn.GELUBackward(dFC, a.fc[:n*F], dG)
	nn.LinearBackward(dIn, lp.fcW.G, lp.fcB.G, dFC, in, lp.fcW.W, n, C, F)
}
