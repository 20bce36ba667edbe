package eval

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Ks every model reports, and the larger set retrieval models add.
var (
	DefaultKs   = []int{10}
	RetrievalKs = []int{10, 50, 100}
)

// MetricNames are the metrics Evaluate computes at each K, in report order.
var MetricNames = []string{"recall", "precision", "ndcg", "hit", "mrr", "next_hit", "next_ndcg"}

// Key returns the Metrics key of a metric at K, e.g. Key("ndcg", 10) =
// "ndcg@10".
func Key(name string, k int) string { return fmt.Sprintf("%s@%d", name, k) }

// Metrics maps keys like "recall@10" to their mean over evaluated users. It
// is the value type of runmetrics.File.Models.
type Metrics map[string]float64

// String lists the metrics on one line, by K then in MetricNames order, for
// logs: "recall@10=0.1234 precision@10=0.0567 ...". Keys it does not know
// follow, sorted.
func (m Metrics) String() string {
	var ks []int
	known := map[string]bool{}
	for key := range m {
		name, kstr, ok := strings.Cut(key, "@")
		k, err := strconv.Atoi(kstr)
		if ok && err == nil && slices.Contains(MetricNames, name) && !slices.Contains(ks, k) {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	var b strings.Builder
	add := func(key string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%.4f", key, m[key])
		known[key] = true
	}
	for _, k := range ks {
		for _, name := range MetricNames {
			if _, ok := m[Key(name, k)]; ok {
				add(Key(name, k))
			}
		}
	}
	var rest []string
	for key := range m {
		if !known[key] {
			rest = append(rest, key)
		}
	}
	slices.Sort(rest)
	for _, key := range rest {
		add(key)
	}
	return b.String()
}

// Ranking is one user's recommendations, best first. Scores, when not nil,
// has one score per movie (written to recs files; Evaluate ignores it).
type Ranking struct {
	UserID   int32
	MovieIDs []int32
	Scores   []float32
}

// Evaluate computes the metrics of rankings against target t at each K in
// ks. rankings[i] is the ranking of s.Users[i] (its UserID must match); only
// its first max(ks) movies are read, and a shorter ranking counts its missing
// positions as misses. The mean is over users with a non-empty
// u.Relevant(t). It returns an error if the lengths or user ids disagree, a
// ranking holds a movie twice, a movie outside the catalogue or a movie of
// u.Exclude(t), ks is empty or not positive, or no user has a relevant item.
func Evaluate(s *Split, t Target, rankings []Ranking, ks []int) (Metrics, error) {
	if len(ks) == 0 {
		return nil, fmt.Errorf("evaluate: no K given")
	}
	maxK := 0
	for i, k := range ks {
		if k <= 0 || slices.Contains(ks[:i], k) {
			return nil, fmt.Errorf("evaluate: Ks %v must be positive and distinct", ks)
		}
		maxK = max(maxK, k)
	}
	if len(rankings) != len(s.Users) {
		return nil, fmt.Errorf("evaluate: %d rankings for %d users", len(rankings), len(s.Users))
	}

	// Per-user scratch over dense indices: mark[i] == stamp means movie i
	// was already met in this user's ranking; rel[i] == stamp means it is
	// relevant. Stamps avoid clearing between users.
	mark := make([]int, len(s.Movies))
	rel := make([]int, len(s.Movies))
	hitRanks := make([]int, 0, maxK) // 1-based ranks of hits within maxK

	sums := make([][7]float64, len(ks)) // per K, in MetricNames order
	users := 0
	for ui := range s.Users {
		u := &s.Users[ui]
		r := &rankings[ui]
		if r.UserID != u.UserID {
			return nil, fmt.Errorf("evaluate: ranking %d is for user %d, want user %d (rankings follow Split.Users)", ui, r.UserID, u.UserID)
		}
		stamp := ui + 1
		for _, m := range u.Relevant(t) {
			rel[s.index[m]] = stamp
		}
		excl := u.Exclude(t)
		next := -1
		if relv := u.Relevant(t); len(relv) > 0 {
			next = s.index[relv[0]]
		}
		hitRanks = hitRanks[:0]
		nextRank := 0
		for pos, m := range r.MovieIDs {
			i, ok := s.index[m]
			if !ok {
				return nil, fmt.Errorf("evaluate: user %d rank %d: movie %d is not in the catalogue", u.UserID, pos+1, m)
			}
			if mark[i] == stamp {
				return nil, fmt.Errorf("evaluate: user %d rank %d: movie %d ranked twice", u.UserID, pos+1, m)
			}
			mark[i] = stamp
			if _, found := slices.BinarySearch(excl, i); found {
				return nil, fmt.Errorf("evaluate: user %d rank %d: movie %d is in the user's %s history and must be excluded", u.UserID, pos+1, m, t)
			}
			if pos >= maxK {
				continue // still validated, not scored
			}
			if rel[i] == stamp {
				hitRanks = append(hitRanks, pos+1)
			}
			if i == next {
				nextRank = pos + 1
			}
		}
		nrel := len(u.Relevant(t))
		if nrel == 0 {
			continue
		}
		users++
		for ki, k := range ks {
			userMetrics(&sums[ki], hitRanks, nextRank, nrel, k)
		}
	}
	if users == 0 {
		return nil, fmt.Errorf("evaluate: no user has a %s item", t)
	}
	out := Metrics{}
	for ki, k := range ks {
		for j, name := range MetricNames {
			out[Key(name, k)] = sums[ki][j] / float64(users)
		}
	}
	return out, nil
}

// userMetrics adds one user's metrics at K to sum (MetricNames order).
// hitRanks are the ascending 1-based ranks of relevant movies, nextRank the
// rank of the first relevant movie (0 if absent), nrel = |relevant| > 0.
func userMetrics(sum *[7]float64, hitRanks []int, nextRank, nrel, k int) {
	hits, dcg, mrr := 0, 0.0, 0.0
	for _, r := range hitRanks {
		if r > k {
			break
		}
		if hits == 0 {
			mrr = 1 / float64(r)
		}
		hits++
		dcg += 1 / math.Log2(float64(r)+1)
	}
	idcg := 0.0
	for i := 1; i <= min(nrel, k); i++ {
		idcg += 1 / math.Log2(float64(i)+1)
	}
	sum[0] += float64(hits) / float64(nrel) // recall
	sum[1] += float64(hits) / float64(k)    // precision
	sum[2] += dcg / idcg                    // ndcg
	if hits > 0 {
		sum[3]++ // hit
	}
	sum[4] += mrr
	if nextRank > 0 && nextRank <= k {
		sum[5]++                                     // next_hit
		sum[6] += 1 / math.Log2(float64(nextRank)+1) // next_ndcg (IDCG = 1)
	}
}
