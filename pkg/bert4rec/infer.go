package bert4rec

import (
	"fmt"
	"math"

	"github.com/moviegenie/pipeline/pkg/linalg"
	"github.com/moviegenie/pipeline/pkg/nn"
)

// Scorer scores histories as ScoreNext does, for serving: the same
// network, with less work in the last block. Only the scoring positions
// (the [MASK]s after each history) feed the head, and in the last block
// nothing else reads the other positions' outputs, so there it computes
// the keys and values of every position but the query, the attention,
// and everything after it for the scoring position alone. The earlier
// blocks run on every position, as they must. The scores equal
// ScoreNext's within float rounding (the attention of the last block adds
// in another order). A Scorer holds its buffers: one goroutine at a time.
type Scorer struct {
	m    *Model
	ws   workspace
	b    batch
	seqs []seqInput

	inM, q, kv, probs, logits []float32
}

// NewScorer returns a Scorer of m.
func NewScorer(m *Model) *Scorer { return &Scorer{m: m} }

// Score writes into out [len(histories), V] the score of every movie as
// the next one after each history (movie_idx 1..V, oldest first; the
// latest MaxLen-1 count). It panics on an empty history or a movie_idx
// out of range, as ScoreNext does.
func (s *Scorer) Score(histories [][]int32, out []float32) {
	m := s.m
	V, T, B := m.V, m.Cfg.MaxLen, min(m.Cfg.BatchSize, scoreBatch)
	n := m.scoreMasks()
	if len(out) < len(histories)*V {
		panic(fmt.Sprintf("bert4rec: Scorer.Score: out has %d floats, need %d", len(out), len(histories)*V))
	}
	if len(s.seqs) < B {
		s.seqs = make([]seqInput, B)
	}
	for i0 := 0; i0 < len(histories); i0 += B {
		hs := histories[i0:min(len(histories), i0+B)]
		for k, h := range hs {
			for _, it := range h {
				if it < 1 || int(it) > V {
					panic(fmt.Sprintf("bert4rec: Scorer.Score: movie_idx %d outside 1..%d", it, V))
				}
			}
			nextInputs(&s.seqs[k], h, T, V, n)
		}
		s.b.pack(s.seqs[:len(hs)], T, V, m.Cfg.NumHeads)
		s.forward()
		s.logits = grow(s.logits, s.b.M*V)
		m.logits(s.logits, &s.ws, s.b.M)
		placeScores(out[i0*V:], s.logits, s.b.seqOf, n, V)
	}
}

// forward is Model.forward without dropout, up to ws.hl [M, C], with the
// last block on the scoring rows.
func (s *Scorer) forward() {
	m, ws, b := s.m, &s.ws, &s.b
	ws.ensure(m, b)
	cfg := m.Cfg
	C, F, N, M := cfg.HiddenSize, cfg.FFNMult*cfg.HiddenSize, b.N, b.M
	L := len(m.layers)
	nn.EmbeddingForward(ws.emb[:N*C], b.ids, m.itemEmb.W, C)
	nn.EmbeddingForward(ws.posBuf[:N*C], b.pos, m.posEmb.W, C)
	addInto(ws.emb[:N*C], ws.posBuf[:N*C])
	nn.LayerNormForward(ws.embLN, ws.embMean, ws.embRstd, ws.emb, m.embLNg.W, m.embLNb.W, N, C)
	x := ws.embLN[:N*C] // dropout is the identity at inference
	for l := 0; l < L-1; l++ {
		if cfg.Block == PreLN {
			x = m.preLNForward(ws, b, l, x, 0, 0)
		} else {
			x = m.postLNForward(ws, b, l, x, 0, 0)
		}
	}

	// The last block. Its input x aliases the shared activations written
	// below: take the scoring rows out first.
	lp, a := &m.layers[L-1], ws.layer(L-1)
	gatherRows(a.xIn, x, b.rows, C)
	in := x // the attention's input: x, or LN1(x) in the pre-LN layout
	if cfg.Block == PreLN {
		nn.LayerNormForward(a.ln1, a.ln1Mean, a.ln1Rstd, x, lp.ln1g.W, lp.ln1b.W, N, C)
		in = a.ln1[:N*C]
	}
	s.attendLast(lp, in, a.attIn)
	res1, xIn := a.res1[:M*C], a.xIn[:M*C]
	nn.LinearForward(res1, a.attIn[:M*C], lp.projW.W, lp.projB.W, M, C, C)
	addInto(res1, xIn)
	var out []float32
	if cfg.Block == PreLN {
		nn.LayerNormForward(a.ln2, a.ln2Mean, a.ln2Rstd, res1, lp.ln2g.W, lp.ln2b.W, M, C)
		nn.LinearForward(a.fc, a.ln2, lp.fcW.W, lp.fcB.W, M, C, F)
		nn.GELUForward(ws.g4[:M*F], a.fc[:M*F])
		nn.LinearForward(a.res2, ws.g4, lp.fc2W.W, lp.fc2B.W, M, F, C)
		addInto(a.res2[:M*C], res1)
		nn.LayerNormForward(ws.fin, ws.finMean, ws.finRstd, a.res2, m.finLNg.W, m.finLNb.W, M, C)
		out = ws.fin
	} else {
		nn.LayerNormForward(a.ln1, a.ln1Mean, a.ln1Rstd, res1, lp.ln1g.W, lp.ln1b.W, M, C)
		nn.LinearForward(a.fc, a.ln1, lp.fcW.W, lp.fcB.W, M, C, F)
		nn.GELUForward(ws.g4[:M*F], a.fc[:M*F])
		nn.LinearForward(a.res2, ws.g4, lp.fc2W.W, lp.fc2B.W, M, F, C)
		addInto(a.res2[:M*C], a.ln1[:M*C])
		nn.LayerNormForward(a.ln2, a.ln2Mean, a.ln2Rstd, a.res2, lp.ln2g.W, lp.ln2b.W, M, C)
		out = a.ln2
	}
	// Head: LN(GELU(out·Wh + bh)).
	ws.headIn = out
	nn.LinearForward(ws.ht, out, m.headW.W, m.headB.W, M, C, C)
	nn.GELUForward(ws.hg[:M*C], ws.ht[:M*C])
	nn.LayerNormForward(ws.hl, ws.hMean, ws.hRstd, ws.hg, m.headLNg.W, m.headLNb.W, M, C)
}

// attendLast writes into att [M, C] the last block's attention output at
// the scoring rows: keys and values of every row of each sequence (in is
// the attention input [N, C]), the query of the scoring row only.
func (s *Scorer) attendLast(lp *layerParams, in, att []float32) {
	m, b := s.m, &s.b
	C, NH, N, M := m.Cfg.HiddenSize, m.Cfg.NumHeads, b.N, b.M
	hs := C / NH
	C2, C3 := 2*C, 3*C
	// kv [N, 2C] = in·W[:, C:3C] + b[C:3C]; q [M, C] = in[rows]·W[:, :C] + b[:C].
	s.kv = grow(s.kv, N*C2)
	for r := 0; r < N; r++ {
		copy(s.kv[r*C2:(r+1)*C2], lp.qkvB.W[C:C3])
	}
	linalg.Sgemm(false, false, N, C2, C, 1, in, C, lp.qkvW.W[C:], C3, 1, s.kv, C2)
	s.inM, s.q = grow(s.inM, M*C), grow(s.q, M*C)
	gatherRows(s.inM, in, b.rows, C)
	for r := 0; r < M; r++ {
		copy(s.q[r*C:(r+1)*C], lp.qkvB.W[:C])
	}
	linalg.Sgemm(false, false, M, C, C, 1, s.inM, C, lp.qkvW.W, C3, 1, s.q, C)

	scale := float32(1 / math.Sqrt(float64(hs)))
	for i := 0; i < M; i++ {
		start, L := s.sequenceOf(int(b.rows[i]))
		s.probs = grow(s.probs, L)
		p := s.probs
		for h := 0; h < NH; h++ {
			q := s.q[i*C+h*hs : i*C+(h+1)*hs]
			top := float32(math.Inf(-1))
			for j := 0; j < L; j++ {
				k := s.kv[(start+j)*C2+h*hs : (start+j)*C2+(h+1)*hs]
				var d float32
				for c := range q {
					d += q[c] * k[c]
				}
				p[j] = d * scale
				top = max(top, p[j])
			}
			var sum float32
			for j := range p {
				p[j] = float32(math.Exp(float64(p[j] - top)))
				sum += p[j]
			}
			o := att[i*C+h*hs : i*C+(h+1)*hs]
			clear(o)
			for j := 0; j < L; j++ {
				w := p[j] / sum
				v := s.kv[(start+j)*C2+C+h*hs : (start+j)*C2+C+(h+1)*hs]
				for c := range o {
					o[c] += w * v[c]
				}
			}
		}
	}
}

// sequenceOf returns the first packed row and the length of the sequence
// holding packed row r.
func (s *Scorer) sequenceOf(r int) (start, L int) {
	for _, g := range s.b.groups {
		if r >= g.off && r < g.off+g.count*g.L {
			return g.off + (r-g.off)/g.L*g.L, g.L
		}
	}
	panic(fmt.Sprintf("bert4rec: packed row %d in no group", r))
}
