package nn

import (
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/modelfile"
)

func TestAdamWHandComputed(t *testing.T) {
	p := NewParams()
	w := p.Add("w", 2)
	b := p.Add("b", 1)
	b.NoDecay = true
	p.Alloc()
	copy(w.W, []float32{1, -2})
	b.W[0] = 0.5
	opt := NewAdamW(p, 0.9, 0.999, 1e-8, 0.1)
	// Expected values worked out by hand from the update rule in the doc
	// comment (lr 0.01). Step 1: bias-corrected m/sqrt(v) is sign(g), so
	// w = w − lr·(sign(g) + λ·w): 1 − 0.01·1.1, −2 − 0.01·(−1.2), 0.5 − 0.01.
	steps := []struct {
		gw   []float32
		gb   float32
		want []float64
	}{
		{[]float32{0.1, -0.3}, 0.2, []float64{0.989, -1.988, 0.49}},
		{[]float32{-0.05, 0.4}, 0, []float64{0.985347631, -1.987947104, 0.483299418}},
	}
	for i, s := range steps {
		copy(w.G, s.gw)
		b.G[0] = s.gb
		opt.Step(p, 0.01)
		got := []float32{w.W[0], w.W[1], b.W[0]}
		if d := maxAbsDiff(got, s.want); !(d <= 1e-6) {
			t.Errorf("step %d: got %v, want %v", i+1, got, s.want)
		}
	}
	if opt.Steps() != 2 {
		t.Errorf("Steps: got %d, want 2", opt.Steps())
	}
}

func TestAdamWIndependentOfWorkers(t *testing.T) {
	build := func() (*Params, *AdamW) {
		p := NewParams()
		p.Add("a", 300, 200)
		p.Add("b", 7).NoDecay = true
		p.Add("c", 50000)
		p.Add("d", 3).NoDecay = true
		p.Alloc()
		rng := newRNG(13)
		InitNormal(p.Data, 1, rng)
		InitNormal(p.Grad, 1, rng)
		return p, NewAdamW(p, 0.9, 0.99, 1e-8, 0.05)
	}
	p1, o1 := build()
	p2, o2 := build()
	old := runtime.GOMAXPROCS(1)
	o1.Step(p1, 0.1)
	o1.Step(p1, 0.1)
	runtime.GOMAXPROCS(max(old, 3))
	o2.Step(p2, 0.1)
	o2.Step(p2, 0.1)
	runtime.GOMAXPROCS(old)
	if !slices.Equal(p1.Data, p2.Data) {
		t.Errorf("AdamW result depends on the number of workers")
	}
	// NoDecay really skips decay: with zero gradient only decayed params move.
	p3, o3 := build()
	clear(p3.Grad)
	before := slices.Clone(p3.Data)
	o3.Step(p3, 0.1)
	for _, q := range p3.List {
		moved := !slices.Equal(q.W, before[q.off:q.off+q.size])
		if moved == q.NoDecay {
			t.Errorf("param %s (NoDecay %v): moved %v with zero gradient", q.Name, q.NoDecay, moved)
		}
	}
}

func TestScheduleLR(t *testing.T) {
	base := Schedule{Peak: 1e-3, Warmup: 10, Total: 110, MinRatio: 0.1}
	tests := []struct {
		decay string
		step  int
		want  float64
	}{
		{"linear", 0, 1e-4}, {"linear", 4, 5e-4}, {"linear", 9, 1e-3}, {"linear", 10, 1e-3},
		{"linear", 60, 5.5e-4}, {"linear", 110, 1e-4}, {"linear", 500, 1e-4},
		{"cosine", 0, 1e-4}, {"cosine", 10, 1e-3}, {"cosine", 35, 8.681980515e-4},
		{"cosine", 60, 5.5e-4}, {"cosine", 110, 1e-4}, {"cosine", 500, 1e-4},
		{"none", 0, 1e-4}, {"none", 60, 1e-3}, {"none", 500, 1e-3}, {"", 60, 1e-3},
	}
	for _, tc := range tests {
		s := base
		s.Decay = tc.decay
		if got := s.LR(tc.step); !(math.Abs(float64(got)-tc.want) <= 1e-9) {
			t.Errorf("%q step %d: got %.9g, want %.9g", tc.decay, tc.step, got, tc.want)
		}
	}
	noWarm := Schedule{Peak: 2, Total: 4, Decay: "linear"}
	for step, want := range []float32{2, 1.5, 1, 0.5, 0} {
		if got := noWarm.LR(step); !(math.Abs(float64(got-want)) <= 1e-6) {
			t.Errorf("no warm-up, step %d: got %v, want %v", step, got, want)
		}
	}
	if err := (Schedule{Decay: "exp"}).Validate(); err == nil || !strings.Contains(err.Error(), `"exp"`) {
		t.Errorf("Validate(decay exp): got %v, want an error naming it", err)
	}
	if err := base.Validate(); err != nil {
		t.Errorf("Validate(valid): %v", err)
	}
}

func TestClipGradNorm(t *testing.T) {
	build := func() *Params {
		p := NewParams()
		p.Add("a", 1)
		p.Add("b", 70000) // spans several partial-sum blocks
		p.Alloc()
		p.Grad[0] = 3
		p.Grad[len(p.Grad)-1] = 4
		return p
	}
	tests := []struct {
		maxNorm float32
		want    [2]float64
	}{
		{0, [2]float64{3, 4}},
		{10, [2]float64{3, 4}},
		{1, [2]float64{0.6, 0.8}},
	}
	for _, tc := range tests {
		p := build()
		norm := ClipGradNorm(p, tc.maxNorm)
		if !(math.Abs(float64(norm)-5) <= 1e-6) {
			t.Errorf("maxNorm %v: got norm %v, want 5", tc.maxNorm, norm)
		}
		got := []float32{p.Grad[0], p.Grad[len(p.Grad)-1]}
		if d := maxAbsDiff(got, tc.want[:]); !(d <= 1e-6) {
			t.Errorf("maxNorm %v: got gradients %v, want %v", tc.maxNorm, got, tc.want)
		}
	}
}

func TestParams(t *testing.T) {
	p := NewParams()
	emb := p.Add("emb", 4, 3)
	bias := p.Add("bias", 5)
	if emb.W != nil {
		t.Errorf("W before Alloc: got %v, want nil", emb.W)
	}
	p.Alloc()
	if p.Len() != 17 || len(p.Data) != 17 || len(p.Grad) != 17 {
		t.Fatalf("Len %d, len(Data) %d, len(Grad) %d; want 17", p.Len(), len(p.Data), len(p.Grad))
	}
	emb.W[0], bias.W[4], bias.G[4] = 1, 2, 3
	if p.Data[0] != 1 || p.Data[16] != 2 || p.Grad[16] != 3 {
		t.Errorf("views do not alias the flat buffers")
	}
	if cap(emb.W) != 12 {
		t.Errorf("cap(emb.W) = %d, want 12 (appends must not spill into the next parameter)", cap(emb.W))
	}
	if p.Get("bias") != bias || p.Get("nope") != nil {
		t.Errorf("Get: wrong result")
	}
	p.ZeroGrad()
	if bias.G[4] != 0 {
		t.Errorf("ZeroGrad left %v", bias.G[4])
	}
	for name, f := range map[string]func(){
		"duplicate":   func() { q := NewParams(); q.Add("x", 1); q.Add("x", 2) },
		"after Alloc": func() { p.Add("late", 1) },
		"zero dim":    func() { NewParams().Add("z", 3, 0) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestParamsSaveLoad(t *testing.T) {
	mk := func() *Params {
		p := NewParams()
		p.Add("emb", 4, 3)
		p.Add("bias", 5).NoDecay = true
		p.Alloc()
		return p
	}
	src := mk()
	InitNormal(src.Data, 1, newRNG(14))
	path := filepath.Join(t.TempDir(), "m.bin")
	if err := modelfile.Write(path, "test", 1, nil, src.Tensors()); err != nil {
		t.Fatal(err)
	}
	ts, err := modelfile.Read(path, "test", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	dst := mk()
	if err := dst.Load(ts); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(src.Data, dst.Data) {
		t.Errorf("loaded parameters differ from saved ones")
	}

	good := src.Tensors()
	bad := []struct {
		name string
		ts   []modelfile.Tensor
		want string
	}{
		{"wrong shape", []modelfile.Tensor{good[0], {Name: "bias", Shape: []int{6}, Data: make([]float32, 6)}}, `"bias" has shape [6], model wants [5]`},
		{"missing", good[:1], `tensor "bias" missing`},
		{"unexpected", append(slices.Clone(good), modelfile.Tensor{Name: "extra", Shape: []int{1}, Data: []float32{1}}), `unexpected tensor "extra"`},
		{"twice", append(slices.Clone(good), good[0]), `"emb" appears twice`},
	}
	for _, tc := range bad {
		d := mk()
		err := d.Load(tc.ts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one containing %q", tc.name, err, tc.want)
		}
		if slices.ContainsFunc(d.Data, func(x float32) bool { return x != 0 }) {
			t.Errorf("%s: failed Load changed the parameters", tc.name)
		}
	}
}
