package nn

import (
	"fmt"
	"math"

	"github.com/moviegenie/pipeline/pkg/linalg"
)

// InBatchSoftmax is the in-batch sampled softmax loss of two-tower
// retrieval (Yi et al. 2019, "Sampling-bias-corrected neural modeling for
// large corpus item recommendations"), with the log-Q correction.
//
// u and v are [B, D] (query and item vectors of B positive pairs). The
// logits are s[i][j] = u_i·v_j/tau − logQ[j]; row i's positive is column i.
// A column j != i with itemIDs[j] == itemIDs[i] is the same item as the
// positive and is masked out of row i's softmax. logQ (log sampling
// probability of each in-batch item) may be nil for no correction; itemIDs
// may be nil for no masking. It returns the mean over rows of
// −log softmax(s[i])[i] and accumulates its gradient into du and dv when
// they are non-nil.
func InBatchSoftmax(u, v []float32, B, D int, tau float32, logQ []float32, itemIDs []int32, du, dv []float32) float32 {
	return float32(inBatchSoftmax(u, v, B, D, tau, logQ, itemIDs, du, dv))
}

func inBatchSoftmax(u, v []float32, B, D int, tau float32, logQ []float32, itemIDs []int32, du, dv []float32) float64 {
	need("InBatchSoftmax", "u", u, B*D)
	need("InBatchSoftmax", "v", v, B*D)
	needOpt("InBatchSoftmax", "logQ", logQ, B)
	needOpt("InBatchSoftmax", "du", du, B*D)
	needOpt("InBatchSoftmax", "dv", dv, B*D)
	if itemIDs != nil && len(itemIDs) < B {
		panic(fmt.Sprintf("nn: InBatchSoftmax: itemIDs has length %d, need %d", len(itemIDs), B))
	}
	if !(tau > 0) {
		panic(fmt.Sprintf("nn: InBatchSoftmax: tau = %v, want > 0", tau))
	}
	if B == 0 {
		return 0
	}
	sp := getScratch(B * B)
	s := *sp
	invTau := 1 / tau
	linalg.Sgemm(false, true, B, B, D, invTau, u, D, v, D, 0, s, B)
	loss := make([]float64, B)
	invB := float32(1) / float32(B)
	backward := du != nil || dv != nil
	parallelFor(B, rowsPerChunk(B), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := s[i*B : (i+1)*B]
			if logQ != nil {
				for j, q := range logQ[:B] {
					row[j] -= q
				}
			}
			// masked(j): same item as the positive, in another column.
			masked := func(j int) bool { return itemIDs != nil && j != i && itemIDs[j] == itemIDs[i] }
			mx := float32(math.Inf(-1))
			for j, x := range row {
				if !masked(j) {
					mx = max(mx, x)
				}
			}
			pos := row[i]
			for j := range row {
				row[j] -= mx
			}
			expSlice(row)
			var sum float32
			for j := range row {
				if masked(j) {
					row[j] = 0
				} else {
					sum += row[j]
				}
			}
			loss[i] = float64(mx) + math.Log(float64(sum)) - float64(pos)
			if backward {
				c := invB / sum
				for j := range row {
					row[j] *= c // masked entries stay 0
				}
				row[i] -= invB
			}
		}
	})
	if du != nil { // du += ds·v/tau
		linalg.Sgemm(false, false, B, D, B, invTau, s, B, v, D, 1, du, D)
	}
	if dv != nil { // dv += dsᵀ·u/tau
		linalg.Sgemm(true, false, B, D, B, invTau, s, B, u, D, 1, dv, D)
	}
	putScratch(sp)
	var total float64
	for _, l := range loss {
		total += l
	}
	return total / float64(B)
}
