package textembed

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randomCSR returns a rows × cols sparse matrix with about density·cols
// nonzeros per row, and the same matrix dense. Column j's values are scaled
// by decay^j so the spectrum decays as in TF-IDF matrices.
func randomCSR(rows, cols int, density, decay float64, seed uint64) (*csr, *mat.Dense) {
	rng := rand.New(rand.NewPCG(seed, 1))
	a := &csr{rows: rows, cols: cols, ptr: []int{0}}
	d := mat.NewDense(rows, cols, nil)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			if rng.Float64() < density {
				v := rng.NormFloat64() * math.Pow(decay, float64(j))
				a.ind = append(a.ind, j)
				a.val = append(a.val, v)
				d.Set(i, j, v)
			}
		}
		a.ptr = append(a.ptr, len(a.ind))
	}
	return a, d
}

func exactSVD(t *testing.T, d *mat.Dense) ([]float64, *mat.Dense) {
	t.Helper()
	var svd mat.SVD
	if !svd.Factorize(d, mat.SVDThin) {
		t.Fatal("reference SVD failed")
	}
	var v mat.Dense
	svd.VTo(&v)
	return svd.Values(nil), &v
}

// TestSVDExactWhenSamplingEverything: with l = min(rows, cols) the range
// finder spans the whole column space, so values and vectors must match
// gonum's dense SVD to rounding.
func TestSVDExactWhenSamplingEverything(t *testing.T) {
	for _, c := range []struct{ rows, cols, k int }{{30, 50, 10}, {50, 30, 30}, {40, 40, 40}} {
		a, d := randomCSR(c.rows, c.cols, 0.3, 0.97, 7)
		got, err := randomizedSVD(a, c.k, 1000, 1, 42)
		if err != nil {
			t.Fatal(err)
		}
		want, v := exactSVD(t, d)
		if got.k != c.k {
			t.Fatalf("%dx%d: got %d components, want %d", c.rows, c.cols, got.k, c.k)
		}
		var worstVal, worstVec float64
		for i := 0; i < c.k; i++ {
			worstVal = math.Max(worstVal, math.Abs(got.values[i]-want[i])/want[0])
			var dot float64
			for r := 0; r < c.cols; r++ {
				dot += got.v[r*got.k+i] * v.At(r, i)
			}
			worstVec = math.Max(worstVec, 1-math.Abs(dot))
		}
		if worstVal > 1e-10 || worstVec > 1e-8 {
			t.Errorf("%dx%d k=%d: largest value gap %.3g (tolerance 1e-10), largest 1-|cos| of vectors %.3g (tolerance 1e-8)", c.rows, c.cols, c.k, worstVal, worstVec)
		}
	}
}

// TestSVDApproximatesLeadingValues: sampling k+10 of 400 columns with two
// power iterations finds the leading values of a decaying spectrum.
func TestSVDApproximatesLeadingValues(t *testing.T) {
	a, d := randomCSR(300, 400, 0.05, 0.97, 3)
	got, err := randomizedSVD(a, 20, 10, 2, 42)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := exactSVD(t, d)
	for i := 0; i < 10; i++ {
		if rel := math.Abs(got.values[i]-want[i]) / want[i]; rel > 1e-3 {
			t.Errorf("value %d: got %.6f, want %.6f (relative gap %.2g, tolerance 1e-3)", i, got.values[i], want[i], rel)
		}
	}
	for i := 1; i < got.k; i++ {
		if got.values[i] > got.values[i-1] {
			t.Fatalf("values not descending at %d: %v", i, got.values[:i+1])
		}
	}
}

func TestSVDVectorsOrthonormalAndSignFixed(t *testing.T) {
	a, _ := randomCSR(100, 150, 0.1, 0.99, 5)
	got, err := randomizedSVD(a, 16, 8, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	k := got.k
	var worst float64
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			var dot float64
			for r := 0; r < a.cols; r++ {
				dot += got.v[r*k+i] * got.v[r*k+j]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			worst = math.Max(worst, math.Abs(dot-want))
		}
		col := make([]float64, a.cols)
		for r := range col {
			col[r] = got.v[r*k+i]
		}
		at := 0
		for r := range col {
			if math.Abs(col[r]) > math.Abs(col[at]) {
				at = r
			}
		}
		if col[at] < 0 {
			t.Errorf("vector %d: largest entry %g is negative", i, col[at])
		}
	}
	if worst > 1e-10 {
		t.Errorf("VᵀV differs from I by %.3g, tolerance 1e-10", worst)
	}
}

// TestSVDRankDeficient: a matrix of rank 3 yields 3 components, not k.
func TestSVDRankDeficient(t *testing.T) {
	base, _ := randomCSR(3, 20, 0.5, 1, 9)
	a := &csr{rows: 12, cols: 20, ptr: []int{0}}
	for i := 0; i < 12; i++ {
		r := i % 3
		for p := base.ptr[r]; p < base.ptr[r+1]; p++ {
			a.ind = append(a.ind, base.ind[p])
			a.val = append(a.val, base.val[p]*float64(1+i/3))
		}
		a.ptr = append(a.ptr, len(a.ind))
	}
	got, err := randomizedSVD(a, 8, 4, 2, 42)
	if err != nil {
		t.Fatal(err)
	}
	if got.k != 3 {
		t.Errorf("got %d components of a rank-3 matrix, want 3 (values %v)", got.k, got.values)
	}
}

func TestSVDDeterministic(t *testing.T) {
	a, _ := randomCSR(80, 120, 0.1, 0.99, 11)
	x, _ := randomizedSVD(a, 12, 6, 2, 42)
	y, _ := randomizedSVD(a, 12, 6, 2, 42)
	if !slices.Equal(x.values, y.values) || !slices.Equal(x.v, y.v) {
		t.Error("same seed, different results")
	}
}

func TestSVDZeroMatrix(t *testing.T) {
	a := &csr{rows: 3, cols: 4, ptr: []int{0, 0, 0, 0}}
	if _, err := randomizedSVD(a, 2, 1, 1, 1); err == nil {
		t.Error("got nil error for a zero matrix")
	}
}
