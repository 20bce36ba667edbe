package textembed

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// csr is a sparse rows × cols matrix in compressed sparse row form: row i
// holds the entries ind[ptr[i]:ptr[i+1]] (column indices, ascending) with
// values val[ptr[i]:ptr[i+1]].
type csr struct {
	rows, cols int
	ptr        []int
	ind        []int
	val        []float64
}

// mulDense returns a·x for a dense cols × n matrix x (row-major), a rows × n
// matrix.
func (a *csr) mulDense(x []float64, n int) []float64 {
	y := make([]float64, a.rows*n)
	for i := 0; i < a.rows; i++ {
		yi := y[i*n : (i+1)*n]
		for p := a.ptr[i]; p < a.ptr[i+1]; p++ {
			axpy(a.val[p], x[a.ind[p]*n:(a.ind[p]+1)*n], yi)
		}
	}
	return y
}

// mulTDense returns aᵀ·y for a dense rows × n matrix y, a cols × n matrix.
// Each output row sums its terms in row order, so the result does not
// depend on scheduling.
func (a *csr) mulTDense(y []float64, n int) []float64 {
	z := make([]float64, a.cols*n)
	for i := 0; i < a.rows; i++ {
		yi := y[i*n : (i+1)*n]
		for p := a.ptr[i]; p < a.ptr[i+1]; p++ {
			j := a.ind[p]
			axpy(a.val[p], yi, z[j*n:(j+1)*n])
		}
	}
	return z
}

func (a *csr) frobenius2() float64 {
	var s float64
	for _, v := range a.val {
		s += v * v
	}
	return s
}

func axpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

// truncatedSVD holds the leading singular triplets of a matrix: values in
// descending order and the right singular vectors as the columns of the
// cols × k row-major matrix v.
type truncatedSVD struct {
	values []float64
	v      []float64
	k      int
}

// rankTolerance: components whose singular value is at most rankTolerance
// times the largest are numerically zero and are dropped, so a corpus of
// rank r < k yields r dimensions instead of r real ones and k-r of noise.
const rankTolerance = 1e-6

// randomizedSVD computes the leading k singular values and right singular
// vectors of a by randomized subspace iteration (Halko, Martinsson & Tropp
// 2011, "Finding structure with randomness", Algorithm 4.4 with the
// Rayleigh–Ritz step of Algorithm 5.1):
//
//	Ω  cols × l Gaussian (seeded), l = min(k + oversampling, rows, cols)
//	Q  = A Ω; repeat power times: Q = orth(A Aᵀ Q)  (Q = orth(A Ω) if power is 0)
//	B  = Qᵀ A  (l × cols), kept as Bᵀ = Aᵀ Q
//	B Bᵀ = W Λ Wᵀ (symmetric eigendecomposition, l × l)
//	σ_i = sqrt(λ_i), v_i = Bᵀ w_i / σ_i
//
// When l reaches min(rows, cols), Q spans the whole column space and the
// result is exact up to rounding. Components below rankTolerance·σ_1 are
// dropped, so fewer than k may come back. The signs are fixed so that the
// largest-magnitude entry of each v_i is positive (first such entry on a
// tie), which makes the output independent of the sign conventions inside
// LAPACK.
func randomizedSVD(a *csr, k, oversampling, power int, seed uint64) (*truncatedSVD, error) {
	if k < 1 {
		return nil, fmt.Errorf("svd: want at least 1 component, got %d", k)
	}
	k = min(k, a.rows, a.cols)
	l := min(k+oversampling, a.rows, a.cols)
	rng := rand.New(rand.NewPCG(seed, 0x7465787465))
	omega := make([]float64, a.cols*l)
	for i := range omega {
		omega[i] = rng.NormFloat64()
	}
	q := a.mulDense(omega, l) // rows × l
	for it := 0; it < power; it++ {
		// Q ← A Aᵀ Q. Orthonormalizing once per iteration, on the rows
		// side only, keeps the cost at one rows × l QR per iteration; the
		// growth of one step, (σ_1/σ_l)², stays far inside float64 range.
		q = a.mulDense(a.mulTDense(q, l), l)
		orthonormalize(q, a.rows, l)
	}
	if power == 0 {
		orthonormalize(q, a.rows, l)
	}
	bt := a.mulTDense(q, l) // cols × l = (Qᵀ A)ᵀ
	// G = B Bᵀ = (Bᵀ)ᵀ Bᵀ, l × l.
	g := mat.NewSymDense(l, nil)
	g.SymOuterK(1, mat.NewDense(a.cols, l, bt).T())
	var eig mat.EigenSym
	if !eig.Factorize(g, true) {
		return nil, fmt.Errorf("svd: eigendecomposition of the %d×%d projected Gram matrix did not converge", l, l)
	}
	lambda := eig.Values(nil) // ascending
	var w mat.Dense
	eig.VectorsTo(&w)
	top := lambda[l-1]
	if top <= 0 {
		return nil, fmt.Errorf("svd: the matrix is zero")
	}
	sigma1 := math.Sqrt(top)
	var values []float64
	var cols []int // columns of w, by descending eigenvalue
	for j := l - 1; j >= 0 && len(values) < k; j-- {
		s := math.Sqrt(math.Max(lambda[j], 0))
		if s <= rankTolerance*sigma1 {
			break
		}
		values = append(values, s)
		cols = append(cols, j)
	}
	kk := len(values)
	// Wk Σ⁻¹, l × kk.
	ws := make([]float64, l*kk)
	for c, j := range cols {
		for r := 0; r < l; r++ {
			ws[r*kk+c] = w.At(r, j) / values[c]
		}
	}
	v := make([]float64, a.cols*kk)
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
		blas64.General{Rows: a.cols, Cols: l, Stride: l, Data: bt},
		blas64.General{Rows: l, Cols: kk, Stride: kk, Data: ws},
		0, blas64.General{Rows: a.cols, Cols: kk, Stride: kk, Data: v})
	fixSigns(v, a.cols, kk)
	return &truncatedSVD{values: values, v: v, k: kk}, nil
}

// orthonormalize replaces the columns of the rows × n row-major matrix x by
// an orthonormal basis of their span (Householder QR, thin Q).
// It panics if rows < n.
func orthonormalize(x []float64, rows, n int) {
	if rows < n {
		panic("textembed: orthonormalize: more columns than rows")
	}
	g := blas64.General{Rows: rows, Cols: n, Stride: n, Data: x}
	tau := make([]float64, n)
	work := []float64{0}
	lapack64.Geqrf(g, tau, work, -1)
	lwork := int(work[0])
	lapack64.Orgqr(g, tau, work, -1)
	lwork = max(lwork, int(work[0]), 1)
	work = make([]float64, lwork)
	lapack64.Geqrf(g, tau, work, lwork)
	lapack64.Orgqr(g, tau, work, lwork)
}

// fixSigns flips each column of the rows × k matrix v so that its
// largest-magnitude entry is positive.
func fixSigns(v []float64, rows, k int) {
	for j := 0; j < k; j++ {
		best, at := -1.0, 0
		for i := 0; i < rows; i++ {
			if m := math.Abs(v[i*k+j]); m > best {
				best, at = m, i
			}
		}
		if v[at*k+j] < 0 {
			for i := 0; i < rows; i++ {
				v[i*k+j] = -v[i*k+j]
			}
		}
	}
}
