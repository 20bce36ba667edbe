package twotower

import (
	"math"

	"github.com/moviegenie/pipeline/pkg/nn"
)

// optimizer updates a model with AdamW: nn.AdamW on the dense parameters
// (Model.P) and, on the id-embedding tables (Model.Emb), either nn.AdamW
// as well or, with Config.LazyEmbeddings, the same update restricted to
// the rows the step's batch used (lazy Adam, as TensorFlow's
// LazyAdamOptimizer and PyTorch's SparseAdam, with decoupled weight decay
// on those rows). A batch of 256 pairs uses about a fifth of the rows, so
// the lazy update does a fifth of the work, and a row's moments only move
// when the row has a gradient.
type optimizer struct {
	dense, emb       *nn.AdamW // emb is nil in lazy mode
	lazy             bool
	beta1, beta2, wd float32
	tables           []*nn.Param // Model.Emb.List
	m, v             [][]float32 // lazy moments, laid out like each table
	t                int         // steps taken (bias correction)
	mark             [][]bool    // per table: row used in this step
	rows             [][]int32   // per table: rows used in this step
}

func newOptimizer(mo *Model) *optimizer {
	c := mo.Cfg
	b1, b2, wd := float32(c.Beta1), float32(c.Beta2), float32(c.WeightDecay)
	o := &optimizer{dense: nn.NewAdamW(mo.P, b1, b2, adamEps, wd), lazy: c.LazyEmbeddings, beta1: b1, beta2: b2, wd: wd}
	if !o.lazy {
		o.emb = nn.NewAdamW(mo.Emb, b1, b2, adamEps, wd)
		return o
	}
	o.tables = mo.Emb.List
	for _, q := range o.tables {
		o.m = append(o.m, make([]float32, len(q.W)))
		o.v = append(o.v, make([]float32, len(q.W)))
		o.mark = append(o.mark, make([]bool, q.Shape[0]))
		o.rows = append(o.rows, nil)
	}
	return o
}

// use records that the step's batch reads rows ids of table k.
func (o *optimizer) use(k int, ids []int32) {
	if !o.lazy {
		return
	}
	for _, id := range ids {
		if !o.mark[k][id] {
			o.mark[k][id] = true
			o.rows[k] = append(o.rows[k], id)
		}
	}
}

// zeroGrad clears every gradient before a step: all of Model.P and, in
// lazy mode, the rows of the embedding tables the last step used (no
// other row ever receives a gradient).
func (o *optimizer) zeroGrad(mo *Model) {
	mo.P.ZeroGrad()
	if !o.lazy {
		mo.Emb.ZeroGrad()
		return
	}
	for k, q := range o.tables {
		C := q.Shape[1]
		for _, r := range o.rows[k] {
			clear(q.G[int(r)*C : int(r+1)*C])
			o.mark[k][r] = false
		}
		o.rows[k] = o.rows[k][:0]
	}
}

// step applies one AdamW update with learning rate lr.
func (o *optimizer) step(mo *Model, lr float32) {
	o.dense.Step(mo.P, lr)
	if !o.lazy {
		o.emb.Step(mo.Emb, lr)
		return
	}
	o.t++
	b1, b2, wd := o.beta1, o.beta2, o.wd
	ibc1 := float32(1 / (1 - math.Pow(float64(b1), float64(o.t))))
	ibc2 := float32(1 / (1 - math.Pow(float64(b2), float64(o.t))))
	for k, q := range o.tables {
		C := q.Shape[1]
		for _, r := range o.rows[k] {
			lo, hi := int(r)*C, int(r+1)*C
			w := q.W[lo:hi]
			g, m, v := q.G[lo:hi][:len(w)], o.m[k][lo:hi][:len(w)], o.v[k][lo:hi][:len(w)]
			for i, wi := range w {
				gi := g[i]
				mi := b1*m[i] + (1-b1)*gi
				vi := b2*v[i] + (1-b2)*gi*gi
				m[i], v[i] = mi, vi
				w[i] = wi - lr*(mi*ibc1/(float32(math.Sqrt(float64(vi*ibc2)))+adamEps)+wd*wi)
			}
		}
	}
}
