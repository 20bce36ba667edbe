package nn

import (
	"fmt"
	"math"
)

// AdamW is Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled
// Weight Decay Regularization", ICLR 2019), with bias-corrected moments
// (Kingma & Ba 2015). As in PyTorch's torch.optim.AdamW the decay is scaled
// by the learning rate: for each element, at step t (from 1),
//
//	m = β1·m + (1−β1)·g
//	v = β2·v + (1−β2)·g²
//	w = w − lr·( m/(1−β1^t) / (sqrt(v/(1−β2^t)) + eps) + λ·w )
//
// with λ = WeightDecay, or 0 for parameters marked NoDecay.
type AdamW struct {
	Beta1, Beta2, Eps, WeightDecay float32

	m, v []float32 // first and second moments, laid out like Params.Data
	t    int       // steps taken
}

// NewAdamW returns an optimiser for p (which must be allocated) with zeroed
// moments.
func NewAdamW(p *Params, beta1, beta2, eps, weightDecay float32) *AdamW {
	return &AdamW{
		Beta1: beta1, Beta2: beta2, Eps: eps, WeightDecay: weightDecay,
		m: make([]float32, p.Len()), v: make([]float32, p.Len()),
	}
}

// Steps returns the number of steps taken so far.
func (o *AdamW) Steps() int { return o.t }

// Step applies one update to p.Data using p.Grad and learning rate lr. It
// panics if p is not the parameter set the optimiser was made for (by size).
func (o *AdamW) Step(p *Params, lr float32) {
	if len(p.Data) != len(o.m) {
		panic(fmt.Sprintf("nn: AdamW.Step: parameters have %d elements, optimiser was made for %d", len(p.Data), len(o.m)))
	}
	o.t++
	b1, b2, eps := o.Beta1, o.Beta2, o.Eps
	// 1/(1−β^t), so the loop multiplies instead of dividing.
	ibc1 := float32(1 / (1 - math.Pow(float64(b1), float64(o.t))))
	ibc2 := float32(1 / (1 - math.Pow(float64(b2), float64(o.t))))
	parallelFor(len(p.Data), 1<<15, func(lo, hi int) {
		for _, q := range p.List {
			a, b := max(lo, q.off), min(hi, q.off+q.size)
			if a >= b {
				continue
			}
			wd := o.WeightDecay
			if q.NoDecay {
				wd = 0
			}
			w, g, m, v := p.Data[a:b], p.Grad[a:b], o.m[a:b], o.v[a:b]
			for i := range w {
				gi := g[i]
				mi := b1*m[i] + (1-b1)*gi
				vi := b2*v[i] + (1-b2)*gi*gi
				m[i], v[i] = mi, vi
				w[i] -= lr * (mi*ibc1/(sqrtf(vi*ibc2)+eps) + wd*w[i])
			}
		}
	})
}

// clipBlock is the fixed block size of ClipGradNorm's partial sums, so the
// norm does not depend on the number of workers.
const clipBlock = 1 << 15

// ClipGradNorm scales all gradients so that their global L2 norm is at most
// maxNorm, as PyTorch's clip_grad_norm_ (factor maxNorm/(norm+1e-6) when
// norm > maxNorm). It returns the norm before clipping, computed in float64.
// maxNorm <= 0 only measures. A NaN or Inf gradient gives a NaN or Inf norm
// and no clipping, so the caller can detect it and skip the step.
func ClipGradNorm(p *Params, maxNorm float32) float32 {
	g := p.Grad
	nb := (len(g) + clipBlock - 1) / clipBlock
	part := make([]float64, nb)
	parallelFor(nb, 2, func(lo, hi int) {
		for blk := lo; blk < hi; blk++ {
			var s float64
			for _, x := range g[blk*clipBlock : min(len(g), (blk+1)*clipBlock)] {
				s += float64(x) * float64(x)
			}
			part[blk] = s
		}
	})
	var ss float64
	for _, s := range part {
		ss += s
	}
	norm := math.Sqrt(ss)
	if maxNorm > 0 && norm > float64(maxNorm) {
		c := float32(float64(maxNorm) / (norm + 1e-6))
		parallelFor(len(g), grain, func(lo, hi int) {
			for i := range g[lo:hi] {
				g[lo+i] *= c
			}
		})
	}
	return float32(norm)
}
