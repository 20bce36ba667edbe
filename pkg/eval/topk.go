package eval

import (
	"fmt"
	"slices"
)

// Float is the element type of score vectors TopK accepts.
type Float interface{ ~float32 | ~float64 }

// TopK returns the indices of the k highest scores, best first, leaving out
// the indices in exclude (sorted ascending, unique, each < len(scores); nil
// for none). Equal scores rank the lower index first, and NaN ranks below
// every number, so the result is fully deterministic. When fewer than k
// candidates remain it returns them all. It runs in O(n log k) time with one
// allocation of k ints. It panics if k < 0 or exclude is not sorted, unique
// and in range.
func TopK[F Float](scores []F, exclude []int, k int) []int {
	if k < 0 {
		panic(fmt.Sprintf("eval: TopK with k = %d", k))
	}
	if n := len(scores) - len(exclude); n < k {
		k = max(n, 0)
	}
	h := make([]int, 0, k)
	if k == 0 {
		checkExclude(exclude, len(scores))
		return h
	}
	// h is a heap whose root is the worst kept index; a candidate enters
	// only if it beats the root.
	j := 0
	var worst F // score of h[0] once h is not empty
	for i := range scores {
		if j < len(exclude) {
			if e := exclude[j]; e == i {
				j++
				continue
			} else if e < i {
				panic(fmt.Sprintf("eval: TopK exclusion %v not sorted ascending and unique", exclude[:j+1]))
			}
		}
		if len(h) < k {
			h = append(h, i)
			siftUp(scores, h, len(h)-1)
			worst = scores[h[0]]
		} else if scores[i] < worst {
			// Fast path, exact: false whenever either side is NaN.
			continue
		} else if better(scores, i, h[0]) {
			h[0] = i
			siftDown(scores, h, 0)
			worst = scores[h[0]]
		}
	}
	if j < len(exclude) {
		panic(fmt.Sprintf("eval: TopK exclusion index %d out of range [0,%d) or unsorted", exclude[j], len(scores)))
	}
	slices.SortFunc(h, func(a, b int) int {
		if better(scores, a, b) {
			return -1
		}
		return 1 // a != b, so never equal
	})
	return h
}

// better reports whether index a ranks above index b: higher score, NaN
// lowest, ties by lower index.
func better[F Float](s []F, a, b int) bool {
	x, y := s[a], s[b]
	xn, yn := x != x, y != y
	switch {
	case xn && yn:
		return a < b
	case xn:
		return false
	case yn:
		return true
	case x != y:
		return x > y
	}
	return a < b
}

// siftUp and siftDown maintain h as a heap with the worst element at h[0].
func siftUp[F Float](s []F, h []int, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !better(s, h[p], h[i]) {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func siftDown[F Float](s []F, h []int, i int) {
	n := len(h)
	for {
		w := i
		if l := 2*i + 1; l < n && better(s, h[w], h[l]) {
			w = l
		}
		if r := 2*i + 2; r < n && better(s, h[w], h[r]) {
			w = r
		}
		if w == i {
			return
		}
		h[w], h[i] = h[i], h[w]
		i = w
	}
}

func checkExclude(exclude []int, n int) {
	for j, e := range exclude {
		if e < 0 || e >= n || (j > 0 && e <= exclude[j-1]) {
			panic(fmt.Sprintf("eval: TopK exclusion not sorted, unique and in [0,%d) at position %d", n, j))
		}
	}
}
