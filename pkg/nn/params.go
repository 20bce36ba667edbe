package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/moviegenie/pipeline/pkg/modelfile"
)

// Param is one named tensor of a model. W and G are views into
// Params.Data and Params.Grad; they are nil until Params.Alloc.
type Param struct {
	Name    string
	Shape   []int
	W, G    []float32 // views into Params.Data / Params.Grad, valid after Alloc
	NoDecay bool      // AdamW skips weight decay (biases, layer-norm, ...)

	off, size int // position in the flat buffers
}

// Params holds every parameter of a model in one flat buffer (Data) and its
// gradient in a second buffer with the same layout (Grad). List keeps the
// parameters in the order they were added, which is also their order in the
// buffers and in saved model files.
type Params struct {
	Data, Grad []float32
	List       []*Param

	byName map[string]*Param
	total  int
	alloc  bool
}

// NewParams returns an empty parameter set.
func NewParams() *Params {
	return &Params{byName: make(map[string]*Param)}
}

// Add declares a parameter of the given shape. It must be called before
// Alloc; it panics on a duplicate name, after Alloc, or on a non-positive
// dimension. Set NoDecay on the result to exempt it from weight decay.
func (p *Params) Add(name string, shape ...int) *Param {
	if p.alloc {
		panic(fmt.Sprintf("nn: Params.Add(%q) after Alloc", name))
	}
	if _, dup := p.byName[name]; dup {
		panic(fmt.Sprintf("nn: duplicate parameter name %q", name))
	}
	size := 1
	for _, d := range shape {
		if d <= 0 {
			panic(fmt.Sprintf("nn: parameter %q has shape %v: dimensions must be positive", name, shape))
		}
		size *= d
	}
	q := &Param{Name: name, Shape: slices.Clone(shape), off: p.total, size: size}
	p.total += size
	p.List = append(p.List, q)
	p.byName[name] = q
	return q
}

// Alloc allocates the flat Data and Grad buffers (zeroed) and points every
// parameter's W and G at its slice of them. It panics if called twice.
func (p *Params) Alloc() {
	if p.alloc {
		panic("nn: Params.Alloc called twice")
	}
	p.alloc = true
	p.Data = make([]float32, p.total)
	p.Grad = make([]float32, p.total)
	for _, q := range p.List {
		q.W = p.Data[q.off : q.off+q.size : q.off+q.size]
		q.G = p.Grad[q.off : q.off+q.size : q.off+q.size]
	}
}

// ZeroGrad sets every gradient to zero.
func (p *Params) ZeroGrad() { clear(p.Grad) }

// Get returns the parameter called name, or nil if there is none.
func (p *Params) Get(name string) *Param { return p.byName[name] }

// Len returns the total number of parameter elements.
func (p *Params) Len() int { return p.total }

// Tensors returns the parameters as model-file tensors, in List order. The
// Data of each tensor is a view of Params.Data (not a copy): write it out
// before changing the parameters.
func (p *Params) Tensors() []modelfile.Tensor {
	ts := make([]modelfile.Tensor, len(p.List))
	for i, q := range p.List {
		ts[i] = modelfile.Tensor{Name: q.Name, Shape: slices.Clone(q.Shape), Data: q.W}
	}
	return ts
}

// Load copies saved tensors into the parameters. Every parameter must be
// present exactly once with the same shape, and no unknown tensor may appear;
// otherwise Load returns an error naming the first problem and leaves the
// parameters unchanged. Order does not matter. If the parameters are not
// allocated yet, Load allocates them only once every check has passed, so
// that a model file's header cannot make a reader allocate more than the
// tensors the file really holds.
func (p *Params) Load(ts []modelfile.Tensor) error {
	seen := make(map[string]bool, len(ts))
	for _, t := range ts {
		q := p.byName[t.Name]
		if q == nil {
			return fmt.Errorf("load parameters: unexpected tensor %q (model has no such parameter)", t.Name)
		}
		if seen[t.Name] {
			return fmt.Errorf("load parameters: tensor %q appears twice", t.Name)
		}
		seen[t.Name] = true
		if !slices.Equal(t.Shape, q.Shape) {
			return fmt.Errorf("load parameters: tensor %q has shape %v, model wants %v", t.Name, t.Shape, q.Shape)
		}
		if len(t.Data) != q.size {
			return fmt.Errorf("load parameters: tensor %q has %d values, shape %v wants %d", t.Name, len(t.Data), q.Shape, q.size)
		}
	}
	for _, q := range p.List {
		if !seen[q.Name] {
			return fmt.Errorf("load parameters: tensor %q missing", q.Name)
		}
	}
	if !p.alloc {
		p.Alloc()
	}
	for _, t := range ts {
		copy(p.byName[t.Name].W, t.Data)
	}
	return nil
}

// InitNormal fills w with draws from N(0, std²).
func InitNormal(w []float32, std float32, rng *rand.Rand) {
	for i := range w {
		w[i] = std * float32(rng.NormFloat64())
	}
}

// InitUniform fills w with draws from U(−limit, limit).
func InitUniform(w []float32, limit float32, rng *rand.Rand) {
	for i := range w {
		w[i] = limit * float32(2*rng.Float64()-1)
	}
}

// InitXavier fills w with Glorot/Xavier uniform draws, U(−a, a) with
// a = sqrt(6/(fanIn+fanOut)) (Glorot & Bengio 2010), as PyTorch's
// xavier_uniform_.
func InitXavier(w []float32, fanIn, fanOut int, rng *rand.Rand) {
	InitUniform(w, float32(math.Sqrt(6/float64(fanIn+fanOut))), rng)
}
