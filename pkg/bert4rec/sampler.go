package bert4rec

import (
	"math"
	"math/rand/v2"
	"sort"
)

// negSampler draws the shared negatives of a sampled-softmax step
// (Config.SampledSoftmax) and holds their log-Q correction.
type negSampler struct {
	v    int       // classes
	cum  []float64 // cumulative proposal over classes 0..V-1; nil = uniform
	logQ []float32 // [V] log(k·Q(j)); nil = uniform (no correction needed)
	neg  []int32   // the last draw
	rng  *rand.Rand
}

// popularityExponent flattens the popularity proposal (word2vec's 3/4):
// the most popular movies are drawn less often than their share, the long
// tail more.
const popularityExponent = 0.75

// newNegSampler returns a sampler of k negatives per step over V classes
// (class j is movie_idx j+1). Uniform draws uniformly; otherwise Q(j) is
// proportional to (c_j + 1)^0.75, c_j the movie's count in windows. Its
// random stream is its own (from seed), so sampling leaves the masks and
// dropout of a run unchanged.
func newNegSampler(k, V int, uniform bool, windows [][]int32, seed int64) *negSampler {
	s := &negSampler{v: V, neg: make([]int32, k), rng: rand.New(rand.NewPCG(uint64(seed), 0x6e656773))} // "negs"
	if uniform {
		return s
	}
	counts := make([]float64, V)
	for _, w := range windows {
		for _, it := range w {
			counts[it-1]++
		}
	}
	s.cum = make([]float64, V)
	s.logQ = make([]float32, V)
	var total float64
	for j, c := range counts {
		counts[j] = math.Pow(c+1, popularityExponent)
		total += counts[j]
		s.cum[j] = total
	}
	for j, c := range counts {
		s.logQ[j] = float32(math.Log(float64(k) * c / total))
	}
	return s
}

// draw fills s.neg with k classes drawn independently from Q and returns it.
func (s *negSampler) draw() []int32 {
	if s.cum == nil {
		for i := range s.neg {
			s.neg[i] = int32(s.rng.IntN(s.v))
		}
		return s.neg
	}
	total := s.cum[s.v-1]
	for i := range s.neg {
		// The first class whose cumulative weight exceeds u.
		u := s.rng.Float64() * total
		j := sort.Search(s.v, func(j int) bool { return s.cum[j] > u })
		s.neg[i] = int32(min(j, s.v-1))
	}
	return s.neg
}
