package quality

import (
	"maps"
	"math"
	"slices"
)

// Stat is the mean and sample standard deviation (n-1 in the denominator;
// 0 for a single run) of one metric over N runs.
type Stat struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	N    int     `json:"n"`
}

// NewStat summarises xs; the zero Stat for none.
func NewStat(xs []float64) Stat {
	n := len(xs)
	if n == 0 {
		return Stat{}
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(n)
	if n == 1 {
		return Stat{Mean: mean, N: 1}
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return Stat{Mean: mean, SD: math.Sqrt(ss / float64(n-1)), N: n}
}

// Stats summarises each metric over the runs that report it: a metric
// missing from some runs is summarised over the others (its N says how
// many).
func Stats(runs []map[string]float64) map[string]Stat {
	vals := map[string][]float64{}
	for _, r := range runs {
		for _, k := range slices.Sorted(maps.Keys(r)) {
			vals[k] = append(vals[k], r[k])
		}
	}
	out := make(map[string]Stat, len(vals))
	for k, xs := range vals {
		out[k] = NewStat(xs)
	}
	return out
}
