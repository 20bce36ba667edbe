package bert4rec

import (
	"fmt"
	"math/rand/v2"

	"github.com/moviegenie/pipeline/pkg/nn"
)

// Letters used throughout the package (llm.c style):
//
//	V  = number of real items (movies); item ids are movie_idx 1..V,
//	     0 is padding and V+1 the [MASK] token
//	B  = sequences in a batch
//	T  = sequence length (Config.MaxLen)
//	C  = channels (Config.HiddenSize)
//	NH = attention heads, hs = C/NH channels per head
//	F  = feed-forward width (Config.FFNMult·C)
//	N  = real (non-padding) tokens in a batch; position-wise layers run on
//	     these N rows only, packed
//	M  = masked positions in a batch (rows of the output layer)

// Model is a BERT4Rec network: its configuration, its item count and its
// parameters in one flat buffer (nn.Params), with named views.
type Model struct {
	Cfg Config
	V   int // real items
	// MovieIDs is the vocabulary: MovieIDs[i] is the MovieLens movie id of
	// movie_idx i+1. Set by the caller before Save; Load fills it.
	MovieIDs []int32

	P *nn.Params

	itemEmb *nn.Param // [V+2, C] row 0 padding (kept at zero), row V+1 [MASK]
	posEmb  *nn.Param // [T, C]
	embLNg  *nn.Param // [C]
	embLNb  *nn.Param // [C]
	layers  []layerParams
	finLNg  *nn.Param // [C] pre-LN only: final LayerNorm
	finLNb  *nn.Param // [C]
	headW   *nn.Param // [C, C] output transform (dense + GELU + LN), as BERT's masked-LM head
	headB   *nn.Param // [C]
	headLNg *nn.Param // [C]
	headLNb *nn.Param // [C]
	outBias *nn.Param // [V] output bias; the output matrix is itemEmb rows 1..V (tied)

	infer *inferState // ScoreNext's buffers
}

// layerParams are the parameters of one post-LN transformer block.
type layerParams struct {
	qkvW, qkvB   *nn.Param // [C, 3C], [3C]
	projW, projB *nn.Param // [C, C], [C]
	ln1g, ln1b   *nn.Param // [C]
	fcW, fcB     *nn.Param // [C, F], [F]
	fc2W, fc2B   *nn.Param // [F, C], [C]
	ln2g, ln2b   *nn.Param // [C]
}

// NewModel declares and allocates the parameters of a model over V items
// and initialises them from cfg.Seed: weights and embeddings from
// N(0, init_std²), biases zero, layer-norm gains one, the padding row of the
// item embedding zero. It panics on an invalid cfg or V < 1 (validate first).
func NewModel(cfg Config, V int) *Model {
	m := declare(cfg, V)
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x62657274)) // "bert"
	std := float32(cfg.InitStd)
	for _, p := range m.P.List {
		switch {
		case p.NoDecay && len(p.Shape) == 1 && isGain(p.Name):
			for i := range p.W {
				p.W[i] = 1
			}
		case p.NoDecay:
			// biases and layer-norm shifts start at zero
		default:
			nn.InitNormal(p.W, std, rng)
		}
	}
	clear(m.itemEmb.W[:cfg.HiddenSize]) // padding row
	return m
}

// isGain reports whether a parameter name is a layer-norm gain.
func isGain(name string) bool {
	n := len(name)
	return n >= 2 && name[n-2:] == ".g"
}

// declare builds the parameter layout (allocated, zero).
func declare(cfg Config, V int) *Model {
	m := layout(cfg, V)
	m.P.Alloc()
	return m
}

// layout declares the parameters without allocating them: Load checks a
// file's tensors against it first.
func layout(cfg Config, V int) *Model {
	if err := cfg.Validate(); err != nil {
		panic("bert4rec: " + err.Error())
	}
	if V < 1 {
		panic(fmt.Sprintf("bert4rec: %d items", V))
	}
	C, T, F := cfg.HiddenSize, cfg.MaxLen, cfg.FFNMult*cfg.HiddenSize
	p := nn.NewParams()
	noDecay := func(q *nn.Param) *nn.Param { q.NoDecay = true; return q }
	m := &Model{Cfg: cfg, V: V, P: p}
	m.itemEmb = p.Add("item_emb", V+2, C)
	m.posEmb = p.Add("pos_emb", T, C)
	m.embLNg = noDecay(p.Add("emb_ln.g", C))
	m.embLNb = noDecay(p.Add("emb_ln.b", C))
	m.layers = make([]layerParams, cfg.NumLayers)
	for l := range m.layers {
		lp := &m.layers[l]
		name := func(s string) string { return fmt.Sprintf("layer%d.%s", l, s) }
		lp.qkvW = p.Add(name("qkv.w"), C, 3*C)
		lp.qkvB = noDecay(p.Add(name("qkv.b"), 3*C))
		lp.projW = p.Add(name("proj.w"), C, C)
		lp.projB = noDecay(p.Add(name("proj.b"), C))
		lp.ln1g = noDecay(p.Add(name("ln1.g"), C))
		lp.ln1b = noDecay(p.Add(name("ln1.b"), C))
		lp.fcW = p.Add(name("fc.w"), C, F)
		lp.fcB = noDecay(p.Add(name("fc.b"), F))
		lp.fc2W = p.Add(name("fc2.w"), F, C)
		lp.fc2B = noDecay(p.Add(name("fc2.b"), C))
		lp.ln2g = noDecay(p.Add(name("ln2.g"), C))
		lp.ln2b = noDecay(p.Add(name("ln2.b"), C))
	}
	if cfg.Block == PreLN {
		m.finLNg = noDecay(p.Add("final_ln.g", C))
		m.finLNb = noDecay(p.Add("final_ln.b", C))
	}
	m.headW = p.Add("head.w", C, C)
	m.headB = noDecay(p.Add("head.b", C))
	m.headLNg = noDecay(p.Add("head_ln.g", C))
	m.headLNb = noDecay(p.Add("head_ln.b", C))
	m.outBias = noDecay(p.Add("out.b", V))
	return m
}

// MaskID is the token id of [MASK]: V+1.
func (m *Model) MaskID() int32 { return int32(m.V + 1) }

// outW is the tied output matrix [V, C]: the item embedding rows 1..V.
func (m *Model) outW() []float32 {
	C := m.Cfg.HiddenSize
	return m.itemEmb.W[C : (m.V+1)*C]
}

// outG is the gradient view of outW.
func (m *Model) outG() []float32 {
	C := m.Cfg.HiddenSize
	return m.itemEmb.G[C : (m.V+1)*C]
}
