package linalg

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// impl is one way of computing a product with m, n, k > 0 and alpha != 0.
type impl struct {
	name  string
	sgemm sgemmFunc
}

// impls returns every implementation under test: each compiled-in backend,
// and the pure-Go blocking with each micro-kernel, forced serial and forced
// onto 3 goroutines (more than the 2 cores, so that even tiny products
// exercise the row and column splitting; 2 and 3 goroutines share packed
// panels of op(B) from 4*mcMax and 6*mcMax rows).
func impls() []impl {
	blocked := func(kern microKernel, workers int) sgemmFunc {
		return func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			gemmBlocked(kern, workers, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		}
	}
	list := []impl{
		{"go/" + kernelName + "/serial", blocked(kernel, 1)},
		{"go/" + kernelName + "/2workers", blocked(kernel, 2)},
		{"go/" + kernelName + "/3workers", blocked(kernel, 3)},
	}
	if kernelName != "generic" {
		list = append(list,
			impl{"go/generic/serial", blocked(kernelGeneric, 1)},
			impl{"go/generic/3workers", blocked(kernelGeneric, 3)})
	}
	for _, name := range slices.Sorted(maps.Keys(simdKernels)) {
		if name != kernelName {
			list = append(list,
				impl{"go/" + name + "/serial", blocked(simdKernels[name], 1)},
				impl{"go/" + name + "/3workers", blocked(simdKernels[name], 3)})
		}
	}
	for _, name := range Available() {
		b, err := lookup(name)
		if err != nil {
			panic(err)
		}
		list = append(list, impl{"backend/" + name, b.sgemm})
	}
	return list
}

// problem is one product with its inputs; c0 is C before the product.
type problem struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c0       []float32
	lda, ldb, ldc  int
	tol            []float64 // tolerance per element of C, computed once
}

func (p *problem) String() string {
	return fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d alpha=%g beta=%g lda=%d ldb=%d ldc=%d",
		p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.beta, p.lda, p.ldb, p.ldc)
}

// padC is the value stored in C beyond column n, which must survive.
const padC = 12345

// newProblem makes random inputs; each stride is the stored row length
// plus pad. With integer set the entries are small integers, otherwise
// uniform in [-1, 1). When beta is zero C starts as NaN, which must be
// overwritten.
func newProblem(rng *rand.Rand, transA, transB bool, m, n, k, pad int, alpha, beta float32, integer bool) *problem {
	p := &problem{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta}
	val := func() float32 {
		if integer {
			return float32(rng.IntN(9) - 4)
		}
		return 2*rng.Float32() - 1
	}
	fill := func(rows, cols, ld int, pv float32) []float32 {
		x := make([]float32, (rows-1)*ld+cols)
		for i := range x {
			if i%ld < cols {
				x[i] = val()
			} else {
				x[i] = pv
			}
		}
		return x
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	p.lda, p.ldb, p.ldc = ac+pad, bc+2*pad, n+3*pad
	p.a = fill(ar, ac, p.lda, float32(math.NaN()))
	p.b = fill(br, bc, p.ldb, float32(math.NaN()))
	p.c0 = fill(m, n, p.ldc, padC)
	if beta == 0 {
		for i := range p.c0 {
			if i%p.ldc < n {
				p.c0[i] = float32(math.NaN())
			}
		}
	}
	return p
}

func (p *problem) run(f sgemmFunc) []float32 {
	c := slices.Clone(p.c0)
	f(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, c, p.ldc)
	return c
}

func (p *problem) opA(i, l int) float32 {
	if p.transA {
		return p.a[l*p.lda+i]
	}
	return p.a[i*p.lda+l]
}

func (p *problem) opB(l, j int) float32 {
	if p.transB {
		return p.b[j*p.ldb+l]
	}
	return p.b[l*p.ldb+j]
}

// tolerance returns the largest acceptable |got - want| for C[i][j].
//
// Both the implementation under test and SgemmRef compute
// alpha*Σ_l a_il*b_lj + beta*c_ij with float32 operations in some order.
// For any such order, the classic bound (Higham, Accuracy and Stability of
// Numerical Algorithms, §3.1) is |computed - exact| <= γ_r * mag with
// mag = |alpha|*Σ_l |a_il*b_lj| + |beta*c_ij|, γ_r = r*u/(1-r*u) and r the
// number of successive roundings on the path of one element: at most k-1
// additions and k multiplications (fewer with FMA) for the sum, plus 2 per
// block of k for alpha, beta and the accumulation into C. r = 2k+4 covers
// every implementation here (the k blocks are at least 6 wide in the "go"
// backend); u = 2^-24. Got and want each carry such an error, hence the
// factor 2. A wrong index or a lost block gives errors of order mag, far
// above this.
func (p *problem) tolerance(i, j int) float64 {
	if p.tol == nil {
		p.tol = make([]float64, p.m*p.n)
		for i := range p.m {
			for j := range p.n {
				p.tol[i*p.n+j] = p.computeTolerance(i, j)
			}
		}
	}
	return p.tol[i*p.n+j]
}

func (p *problem) computeTolerance(i, j int) float64 {
	var mag float64
	for l := 0; l < p.k; l++ {
		mag += math.Abs(float64(p.opA(i, l)) * float64(p.opB(l, j)))
	}
	mag *= math.Abs(float64(p.alpha))
	if p.beta != 0 {
		mag += math.Abs(float64(p.beta) * float64(p.c0[i*p.ldc+j]))
	}
	const u = 1.0 / (1 << 24)
	r := float64(2*p.k + 4)
	return 2 * r * u / (1 - r*u) * mag
}

// compare reports elements of got that differ from want by more than the
// tolerance (exactly when exact is set), and any change beyond column n.
func (p *problem) compare(t *testing.T, name string, got, want []float32, exact bool) {
	t.Helper()
	bad := 0
	for i := 0; i < p.m; i++ {
		for j := 0; j < p.ldc && i*p.ldc+j < len(got); j++ {
			g, w := got[i*p.ldc+j], want[i*p.ldc+j]
			if j >= p.n {
				if g != padC {
					t.Errorf("%s %v: C[%d][%d] beyond column n changed: got %g, want %g", name, p, i, j, g, float32(padC))
					bad++
				}
				continue
			}
			diff := math.Abs(float64(g) - float64(w))
			if exact && g != w || !exact && !(diff <= p.tolerance(i, j)) {
				t.Errorf("%s %v: C[%d][%d]: got %g, want %g (diff %g, tolerance %g)", name, p, i, j, g, w, diff, p.tolerance(i, j))
				bad++
			}
			if bad >= 5 {
				t.Fatalf("%s: too many errors", name)
			}
		}
	}
}

// sizes are (m, n, k) triples: ones, odd sizes, exact tiles, and sizes that
// cross every blocking boundary (k > kcMax, m > mcMax, n > ncMax), the last
// two with enough rows for the goroutines to share panels of op(B), packed
// or (in the small product) read in place.
var sizes = [][3]int{
	{1, 1, 1}, {7, 7, 7}, {1, 33, 7}, {33, 1, 129}, {7, 129, 33}, {129, 7, 1},
	{2, 40, 3}, {6, 16, 5}, {50, 50, 32}, {12, 32, 513}, {129, 129, 129},
	{200, 37, 300}, {13, ncMax + 20, 9}, {2 * 3 * mcMax, 23, 70}, {2*3*mcMax + 5, 3, 7},
}

var alphaBetas = [][2]float32{{1, 0}, {0.5, -1.5}, {-2, 1}}

func TestSgemmMatchesRef(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	list := impls()
	for _, sz := range sizes {
		for _, tr := range [4][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			for _, ab := range alphaBetas {
				for _, pad := range []int{0, 3} {
					p := newProblem(rng, tr[0], tr[1], sz[0], sz[1], sz[2], pad, ab[0], ab[1], false)
					want := p.run(SgemmRef)
					for _, im := range list {
						p.compare(t, im.name, p.run(im.sgemm), want, false)
					}
				}
			}
		}
	}
}

// TestSgemmExactIntegers uses small integers, for which every partial sum
// is exact in float32: any correct implementation must then agree with the
// reference bit for bit.
func TestSgemmExactIntegers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	list := impls()
	for _, sz := range sizes {
		for _, tr := range [4][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			for _, ab := range [][2]float32{{1, 0}, {2, -3}} {
				p := newProblem(rng, tr[0], tr[1], sz[0], sz[1], sz[2], 1, ab[0], ab[1], true)
				want := p.run(SgemmRef)
				for _, im := range list {
					p.compare(t, im.name, p.run(im.sgemm), want, true)
				}
			}
		}
	}
}

// TestSgemmDeterministic checks that every implementation gives
// bit-identical results when run again, and that the pure-Go blocking gives
// the same bits on 1, 2 or 3 goroutines. The second shape, with a long k
// and a small C, is the one where a library might split k between threads;
// it runs on the backends only, and the slow portable kernel is left out,
// to keep the test fast.
func TestSgemmDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	blocked := func(workers int) sgemmFunc {
		return func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			gemmBlocked(kernel, workers, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		}
	}
	for _, sz := range [][3]int{{300, 200, 600}, {40, 70, 20000}} {
		for _, tr := range [4][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			p := newProblem(rng, tr[0], tr[1], sz[0], sz[1], sz[2], 0, 1, 0.5, false)
			for _, im := range impls() {
				if strings.Contains(im.name, "generic") || sz[2] > 1000 && !strings.HasPrefix(im.name, "backend/") {
					continue
				}
				first := p.run(im.sgemm)
				for run := 1; run <= 3; run++ {
					if got := p.run(im.sgemm); !slices.Equal(got, first) {
						t.Errorf("%s %v: run %d differs from run 0", im.name, p, run)
					}
				}
			}
			serial := p.run(blocked(1))
			for workers := 2; workers <= 3; workers++ {
				if got := p.run(blocked(workers)); !slices.Equal(got, serial) {
					t.Errorf("go %v: %d goroutines differ from 1", p, workers)
				}
			}
		}
	}
}

// withBackend runs f with Sgemm dispatching to the backend called name.
func withBackend(t testing.TB, name string, f func()) {
	t.Helper()
	old := Backend()
	if err := SetBackend(name); err != nil {
		t.Fatalf("SetBackend(%q): %v", name, err)
	}
	defer func() {
		if err := SetBackend(old); err != nil {
			t.Fatalf("SetBackend(%q): %v", old, err)
		}
	}()
	f()
}

// TestSgemmDispatch runs Sgemm itself on each backend, including the cases
// it handles before dispatching.
func TestSgemmDispatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	nan := float32(math.NaN())
	for _, name := range Available() {
		withBackend(t, name, func() {
			if got := Backend(); got != name {
				t.Fatalf("Backend() = %q, want %q", got, name)
			}
			for _, sz := range sizes[:10] {
				for _, ab := range alphaBetas {
					p := newProblem(rng, false, true, sz[0], sz[1], sz[2], 2, ab[0], ab[1], false)
					p.compare(t, "Sgemm/"+name, p.run(Sgemm), p.run(SgemmRef), false)
				}
			}
			// k == 0: C = beta*C, with beta == 0 overwriting NaN.
			for _, beta := range []float32{0, 1, -2} {
				c := []float32{1, nan, 3, 4}
				if beta != 0 {
					c[1] = 2
				}
				Sgemm(false, false, 2, 2, 0, 1, nil, 1, nil, 2, beta, c, 2)
				want := []float32{beta * 1, beta * 2, beta * 3, beta * 4}
				if !slices.Equal(c, want) {
					t.Errorf("%s k=0 beta=%g: got %v, want %v", name, beta, c, want)
				}
			}
			// alpha == 0: A and B are not read (NaN there has no effect).
			a := []float32{nan, nan, nan, nan}
			c := []float32{1, 2, 3, 4}
			Sgemm(false, false, 2, 2, 2, 0, a, 2, a, 2, 3, c, 2)
			if want := []float32{3, 6, 9, 12}; !slices.Equal(c, want) {
				t.Errorf("%s alpha=0: got %v, want %v", name, c, want)
			}
			// m == 0 and n == 0: nothing to do, nil slices accepted.
			Sgemm(false, false, 0, 5, 5, 1, nil, 5, nil, 5, 0, nil, 5)
			Sgemm(true, true, 5, 0, 5, 1, nil, 5, nil, 5, 0, nil, 1)
		})
	}
}

func TestSgemmPanics(t *testing.T) {
	x := make([]float32, 12)
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"negative m", func() { Sgemm(false, false, -1, 2, 2, 1, x, 2, x, 2, 0, x, 2) }, "negative dimension"},
		{"short a", func() { Sgemm(false, false, 4, 2, 4, 1, x, 4, x, 2, 0, x, 2) }, "len(a) = 12, need 16"},
		{"short b transposed", func() { Sgemm(false, true, 2, 4, 4, 1, x, 4, x, 4, 0, x, 4) }, "len(b) = 12, need 16"},
		{"short c", func() { Sgemm(false, false, 3, 5, 2, 1, x, 2, x, 5, 0, x, 5) }, "len(c) = 12, need 15"},
		{"small lda", func() { Sgemm(true, false, 3, 2, 2, 1, x, 2, x, 2, 0, x, 2) }, "lda = 2 < 3"},
		{"small ldc", func() { Sgemm(false, false, 2, 3, 2, 1, x, 2, x, 3, 0, x, 2) }, "ldc = 2 < 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, "linalg: ") || !strings.Contains(msg, tt.want) {
					t.Errorf("panic: got %v, want a linalg: panic containing %q", r, tt.want)
				}
			}()
			tt.call()
		})
	}
}

func TestSetBackend(t *testing.T) {
	avail := Available()
	if len(avail) == 0 || avail[0] != "go" {
		t.Fatalf("Available() = %v, want go first", avail)
	}
	hasOpenBLAS := slices.Contains(avail, "openblas")

	old := Backend()
	err := SetBackend("cuda")
	if err == nil || !strings.Contains(err.Error(), `unknown backend "cuda"`) {
		t.Errorf("SetBackend(cuda): got error %v, want unknown backend", err)
	}
	if got := Backend(); got != old {
		t.Errorf("after failed SetBackend: Backend() = %q, want %q", got, old)
	}
	err = SetBackend("openblas")
	if hasOpenBLAS && err != nil {
		t.Errorf("SetBackend(openblas): %v", err)
	}
	if !hasOpenBLAS && (err == nil || !strings.Contains(err.Error(), "not compiled in")) {
		t.Errorf("SetBackend(openblas) without the tag: got error %v, want not compiled in", err)
	}
	if err := SetBackend(old); err != nil {
		t.Fatal(err)
	}

	auto := "go" // the project's kernel, even when OpenBLAS is compiled in
	tests := []struct {
		env, want string
		wantErr   bool
	}{
		{"", auto, false},
		{"go", "go", false},
		{"openblas", map[bool]string{true: "openblas", false: "go"}[hasOpenBLAS], !hasOpenBLAS},
		{"OpenBLAS", "go", true},
		{"mkl", "go", true},
	}
	for _, tt := range tests {
		b, err := chooseBackend(tt.env)
		if b.name != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("chooseBackend(%q): got %q, %v; want %q, error %v", tt.env, b.name, err, tt.want, tt.wantErr)
		}
	}
}

// TestEnvBackend runs this test binary again with MOVIEGENIE_BLAS set, to
// check the choice made at start-up and its one-line warning.
func TestEnvBackend(t *testing.T) {
	if os.Getenv("LINALG_TEST_CHILD") == "1" {
		fmt.Printf("backend=%s\ndescribe=%s\n", Backend(), Describe())
		return
	}
	auto := "go"
	tests := []struct {
		env, want string
		warn      bool
	}{
		{"", auto, false},
		{"go", "go", false},
		{"blas", "go", true},
	}
	for _, tt := range tests {
		cmd := exec.Command(os.Args[0], "-test.run=^TestEnvBackend$", "-test.count=1")
		cmd.Env = append(os.Environ(), "LINALG_TEST_CHILD=1", EnvBackend+"="+tt.env)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s=%q: %v\n%s%s", EnvBackend, tt.env, err, stdout.String(), stderr.String())
		}
		if want := "backend=" + tt.want + "\n"; !strings.Contains(stdout.String(), want) {
			t.Errorf("%s=%q: got output %q, want it to contain %q", EnvBackend, tt.env, stdout.String(), want)
		}
		// Describe names the backend and why: the default, or the variable.
		why := "default"
		if tt.env != "" {
			why = EnvBackend + "=" + tt.env
		}
		if want := "describe=" + tt.want + " ("; !strings.Contains(stdout.String(), want) || !strings.Contains(stdout.String(), why) {
			t.Errorf("%s=%q: got output %q, want a description starting %q and saying %q", EnvBackend, tt.env, stdout.String(), want, why)
		}
		lines := strings.Count(stderr.String(), "\n")
		if tt.warn && (lines != 1 || !strings.HasPrefix(stderr.String(), "linalg: "+EnvBackend+"=")) {
			t.Errorf("%s=%q: got stderr %q, want one warning line", EnvBackend, tt.env, stderr.String())
		}
		if !tt.warn && lines != 0 {
			t.Errorf("%s=%q: got stderr %q, want none", EnvBackend, tt.env, stderr.String())
		}
	}
}

// TestSIMDKernelsAgree: every assembly micro-kernel the CPU runs (AVX2,
// and AVX-512 where present) gives the same bits as the default one, on
// products with edge tiles, transposes, alpha and beta: the kernel the CPU
// picks never changes a trained model.
func TestSIMDKernelsAgree(t *testing.T) {
	if len(simdKernels) < 2 {
		t.Skipf("this CPU runs %d assembly kernels (%v): nothing to compare", len(simdKernels), slices.Sorted(maps.Keys(simdKernels)))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sh := range []struct{ m, n, k int }{{6, 16, 1}, {7, 17, 5}, {50, 32, 50}, {300, 200, 300}, {13, 300, 700}} {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}} {
			p := newProblem(rng, tr[0], tr[1], sh.m, sh.n, sh.k, 3, 0.7, 0.5, false)
			want := p.run(func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
				gemmBlocked(kernel, 1, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
			})
			for name, kern := range simdKernels {
				got := p.run(func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
					gemmBlocked(kern, 2, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
				})
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s, kernel %s: C[%d] = %v, %s kernel %v", p, name, i, got[i], kernelName, want[i])
					}
				}
			}
		}
	}
}
