package eval

import (
	"math"
	"strings"
	"testing"
)

const tol = 1e-12

var (
	l3 = 1 / math.Log2(3) // discount at rank 2: 0.6309297535714574
	l4 = 1 / math.Log2(4) // rank 3: 0.5
	l5 = 1 / math.Log2(5) // rank 4: 0.43067655807339306
)

func checkMetrics(t *testing.T, name string, got, want Metrics) {
	t.Helper()
	for key, w := range want {
		g, ok := got[key]
		if !ok {
			t.Errorf("%s: %s missing", name, key)
		} else if math.Abs(g-w) > tol {
			t.Errorf("%s: got %s = %.15g, want %.15g", name, key, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: got %d keys, want %d", name, len(got), len(want))
	}
}

// all builds the full Metrics of one K from its seven values.
func all(k int, recall, precision, ndcg, hit, mrr, nextHit, nextNDCG float64) Metrics {
	m := Metrics{}
	for i, v := range []float64{recall, precision, ndcg, hit, mrr, nextHit, nextNDCG} {
		m[Key(MetricNames[i], k)] = v
	}
	return m
}

func merge(ms ...Metrics) Metrics {
	out := Metrics{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// Movies: train 10, 20; validation 30; a = 40, b = 50, c = 80; x = 60,
// y = 70 are catalogue movies user 1 never saw. User 2 only puts them in the
// catalogue: it has no test part, so the means are user 1's figures.
func oneUser(t *testing.T, test []int32) *Split {
	return mustSplit(t,
		seq(1, []int32{10, 20}, []int32{30}, test),
		seq(2, []int32{60, 70, 40, 50, 80}, nil, nil),
	)
}

func TestEvaluateHandCases(t *testing.T) {
	for _, c := range []struct {
		name    string
		test    []int32
		ranking []int32
		ks      []int
		want    Metrics
	}{
		{
			// test {a, b}, next = a; ranking [x, a, y, b]: hits at ranks 2, 4.
			name: "two relevant", test: []int32{40, 50}, ranking: []int32{60, 40, 70, 50}, ks: []int{1, 2, 4},
			want: merge(
				// K=1: [x], no hit.
				all(1, 0, 0, 0, 0, 0, 0, 0),
				// K=2: 1 hit at rank 2. recall 1/2, precision 1/2,
				// ndcg = (1/log2 3) / (1 + 1/log2 3), mrr 1/2,
				// next a at rank 2: next_ndcg = 1/log2 3.
				all(2, 0.5, 0.5, l3/(1+l3), 1, 0.5, 1, l3),
				// K=4: hits at 2, 4. recall 2/2, precision 2/4,
				// ndcg = (1/log2 3 + 1/log2 5) / (1 + 1/log2 3).
				all(4, 1, 0.5, (l3+l5)/(1+l3), 1, 0.5, 1, l3),
			),
		},
		{
			// |test| = 3 > K = 2; ranking [b, a]: both hit, next a at rank 2.
			// recall 2/3, precision 1, IDCG over min(3, 2) = 2 ranks so
			// ndcg = (1 + 1/log2 3) / (1 + 1/log2 3) = 1, mrr 1.
			name: "test larger than K", test: []int32{40, 50, 80}, ranking: []int32{50, 40, 60}, ks: []int{2},
			want: all(2, 2.0/3, 1, 1, 1, 1, 1, l3),
		},
		{
			// |test| = 3, K = 4, ranking [x, c, y, b]: hits at 2, 4.
			// recall 2/3, precision 2/4, IDCG = 1 + 1/log2 3 + 1/log2 4,
			// next a missed.
			name: "next missed", test: []int32{40, 50, 80}, ranking: []int32{60, 80, 70, 50}, ks: []int{4},
			want: all(4, 2.0/3, 0.5, (l3+l5)/(1+l3+l4), 1, 0.5, 0, 0),
		},
		{
			name: "no hits", test: []int32{40}, ranking: []int32{60, 70, 50}, ks: []int{10},
			want: all(10, 0, 0, 0, 0, 0, 0, 0),
		},
		{
			// Ranking shorter than K: missing positions are misses, and
			// precision still divides by K: 1/10.
			name: "short ranking", test: []int32{40}, ranking: []int32{40}, ks: []int{10},
			want: all(10, 1, 0.1, 1, 1, 1, 1, 1),
		},
		{
			// Hit at rank 3 of K = 10: ndcg = next_ndcg = 1/log2 4 = 0.5,
			// mrr = 1/3.
			name: "hit at 3", test: []int32{40}, ranking: []int32{60, 70, 40}, ks: []int{10},
			want: all(10, 1, 0.1, 0.5, 1, 1.0/3, 1, 0.5),
		},
		{
			// Movies past max(ks) are ignored: the hit at rank 3 does not
			// count at K = 2.
			name: "beyond max K", test: []int32{40}, ranking: []int32{60, 70, 40}, ks: []int{2},
			want: all(2, 0, 0, 0, 0, 0, 0, 0),
		},
	} {
		s := oneUser(t, c.test)
		rankings := []Ranking{{UserID: 1, MovieIDs: c.ranking}, {UserID: 2}}
		got, err := Evaluate(s, Test, rankings, c.ks)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		checkMetrics(t, c.name, got, c.want)
	}
}

func TestEvaluateMeanSkipsEmptyTest(t *testing.T) {
	s := mustSplit(t,
		seq(1, []int32{10}, nil, []int32{20}),       // ranking [20]: all 1
		seq(2, []int32{10}, nil, []int32{30}),       // ranking [20]: all 0
		seq(3, []int32{10, 20, 30}, nil, []int32{}), // no test part: skipped
	)
	rankings := []Ranking{
		{UserID: 1, MovieIDs: []int32{20}},
		{UserID: 2, MovieIDs: []int32{20}},
		{UserID: 3},
	}
	got, err := Evaluate(s, Test, rankings, []int{1})
	if err != nil {
		t.Fatal(err)
	}
	// Mean over users 1 and 2 only: (1 + 0) / 2.
	checkMetrics(t, "mean", got, all(1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5))
}

func TestEvaluateValidation(t *testing.T) {
	// Train 10, 20; validation 30; test 40. Under Validation the relevant
	// movie is 30, only the train movies are excluded, and ranking the test
	// movie is allowed. Ranking [40, 30]: hit at rank 2.
	s := mustSplit(t, seq(1, []int32{10, 20}, []int32{30}, []int32{40}), seq(2, []int32{30}, nil, []int32{50}))
	rankings := []Ranking{{UserID: 1, MovieIDs: []int32{40, 30}}, {UserID: 2, MovieIDs: []int32{10}}}
	got, err := Evaluate(s, Validation, rankings, []int{2})
	if err != nil {
		t.Fatal(err)
	}
	// User 2 has no validation item: skipped.
	checkMetrics(t, "validation", got, all(2, 1, 0.5, l3, 1, 0.5, 1, l3))

	// The same ranking under Test holds 30, a validation movie: rejected.
	if _, err := Evaluate(s, Test, rankings, []int{2}); err == nil || !strings.Contains(err.Error(), "movie 30 is in the user's test history") {
		t.Errorf("got %v, want the validation movie rejected under Test", err)
	}
	// No user with a validation item at all.
	s2 := mustSplit(t, seq(1, []int32{10}, nil, []int32{20}))
	if _, err := Evaluate(s2, Validation, []Ranking{{UserID: 1}}, []int{1}); err == nil || !strings.Contains(err.Error(), "no user has a validation item") {
		t.Errorf("got %v, want no-user error", err)
	}
}

func TestEvaluateErrors(t *testing.T) {
	s := mustSplit(t, seq(1, []int32{10, 20}, []int32{30}, []int32{40}), seq(2, []int32{60}, nil, []int32{50}))
	ok := Ranking{UserID: 2, MovieIDs: []int32{50}}
	for _, c := range []struct {
		name     string
		rankings []Ranking
		ks       []int
		want     string
	}{
		{"duplicate", []Ranking{{UserID: 1, MovieIDs: []int32{40, 50, 40}}, ok}, []int{1}, "user 1 rank 3: movie 40 ranked twice"},
		{"train movie", []Ranking{{UserID: 1, MovieIDs: []int32{40, 20}}, ok}, []int{10}, "user 1 rank 2: movie 20 is in the user's test history"},
		{"unknown movie", []Ranking{{UserID: 1, MovieIDs: []int32{99}}, ok}, []int{10}, "movie 99 is not in the catalogue"},
		{"wrong order", []Ranking{ok, {UserID: 1}}, []int{10}, "ranking 0 is for user 2, want user 1"},
		{"too few", []Ranking{ok}, []int{10}, "1 rankings for 2 users"},
		{"no K", []Ranking{{UserID: 1}, ok}, nil, "no K"},
		{"zero K", []Ranking{{UserID: 1}, ok}, []int{10, 0}, "positive and distinct"},
		{"repeated K", []Ranking{{UserID: 1}, ok}, []int{10, 10}, "positive and distinct"},
	} {
		_, err := Evaluate(s, Test, c.rankings, c.ks)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
	}
	// A duplicate past max K is still an error: the ranking is invalid.
	_, err := Evaluate(s, Test, []Ranking{{UserID: 1, MovieIDs: []int32{40, 50, 50}}, ok}, []int{1})
	if err == nil || !strings.Contains(err.Error(), "ranked twice") {
		t.Errorf("duplicate past K: got %v, want an error", err)
	}
}

func TestMetricsString(t *testing.T) {
	m := merge(all(50, 0.5, 0, 0, 0, 0, 0, 0), all(10, 0.25, 0, 0, 0, 0, 0, 0))
	m["loss"] = 2
	got := m.String()
	if !strings.HasPrefix(got, "recall@10=0.2500 precision@10=0.0000 ") ||
		!strings.Contains(got, "next_ndcg@10=0.0000 recall@50=0.5000") ||
		!strings.HasSuffix(got, "next_ndcg@50=0.0000 loss=2.0000") {
		t.Errorf("got %q", got)
	}
}
