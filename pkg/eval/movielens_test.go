package eval

import (
	"bufio"
	"cmp"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/realdata"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// realSplit returns the temporal split of MovieLens 100K (k-core 20/5,
// test ratio 0.2), read from the raw u.data by this package's own reading
// of the protocol, and where it came from.
func realSplit(t testing.TB) (*Split, string) {
	t.Helper()
	uData := filepath.Join(realdata.Dir(t), "u.data")
	seqs, err := temporalSplitFromUData(uData, 20, 5, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSplit(seqs)
	if err != nil {
		t.Fatal(err)
	}
	return s, uData
}

// temporalSplitFromUData is an independent, test-only reading of the
// protocol (../shared/docs/evaluation.md §1-2) independent of the
// process stage: every rating is an interaction; k-core on users
// (minUser) and movies (minMovie) until stable; each user's interactions
// ordered by (timestamp, movie id); the last max(1, floor(n*r+0.5)) are
// test, the last remaining one validation (if at least 2 remain), the rest
// train.
func temporalSplitFromUData(path string, minUser, minMovie int, r float64) ([]tables.Sequence, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	type event struct{ user, movie, rating, ts int64 }
	var events []event
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) != 4 {
			return nil, fmt.Errorf("read %s line %d: %d fields, want 4", path, n, len(fields))
		}
		var e [4]int64
		for i, s := range fields {
			if e[i], err = strconv.ParseInt(s, 10, 64); err != nil {
				return nil, fmt.Errorf("read %s line %d: %w", path, n, err)
			}
		}
		events = append(events, event{e[0], e[1], e[2], e[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	for {
		users, movies := map[int64]int{}, map[int64]int{}
		for _, e := range events {
			users[e.user]++
			movies[e.movie]++
		}
		kept := events[:0:0]
		for _, e := range events {
			if users[e.user] >= minUser && movies[e.movie] >= minMovie {
				kept = append(kept, e)
			}
		}
		if len(kept) == len(events) {
			break
		}
		events = kept
	}
	slices.SortFunc(events, func(a, b event) int {
		return cmp.Or(cmp.Compare(a.user, b.user), cmp.Compare(a.ts, b.ts), cmp.Compare(a.movie, b.movie))
	})
	var seqs []tables.Sequence
	for i := 0; i < len(events); {
		j := i
		q := tables.Sequence{UserID: int32(events[i].user)}
		for ; j < len(events) && events[j].user == events[i].user; j++ {
			q.MovieIDs = append(q.MovieIDs, int32(events[j].movie))
			q.Timestamps = append(q.Timestamps, events[j].ts*1000)
			q.Ratings = append(q.Ratings, float32(events[j].rating))
		}
		n := j - i
		nTest := max(1, int(math.Floor(float64(n)*r+0.5)))
		nVal := 0
		if n-nTest >= 2 {
			nVal = 1
		}
		q.NTrain, q.NVal, q.NTest = int32(n-nTest-nVal), int32(nVal), int32(nTest)
		seqs = append(seqs, q)
		i = j
	}
	return seqs, nil
}

// TestBaselinesMovieLens runs both baselines on the real split. The bands
// are wide: they catch a broken protocol (leaked test items, a wrong
// exclusion, an off-by-one rank), not small changes.
func TestBaselinesMovieLens(t *testing.T) {
	s, from := realSplit(t)
	nInter, nTest := 0, 0
	for i := range s.Users {
		nInter += len(s.Users[i].seq)
		nTest += len(s.Users[i].Test)
	}
	t.Logf("split from %s: %d users, %d movies, %d interactions, %d test", from, len(s.Users), len(s.Movies), nInter, nTest)
	if len(s.Users) != 941 || len(s.Movies) != 1349 {
		t.Errorf("got %d users x %d movies, want 941 x 1349 (k-core 20/5 of ML-100K)", len(s.Users), len(s.Movies))
	}

	pop, err := Evaluate(s, Test, Popularity(s, Test, 100), RetrievalKs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("popularity: %v", pop)
	knn, err := Evaluate(s, Test, ItemKNN(s, Test, 100, 0), RetrievalKs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("itemknn (all neighbours): %v", knn)
	knn100, err := Evaluate(s, Test, ItemKNN(s, Test, 100, 100), RetrievalKs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("itemknn (100 neighbours): %v", knn100)

	for _, c := range []struct {
		name   string
		m      Metrics
		key    string
		lo, hi float64
	}{
		// Popularity has no free parameter: an independent implementation
		// of the protocol measured 0.113 and 0.197.
		{"popularity", pop, "ndcg@10", 0.111, 0.115},
		{"popularity", pop, "recall@50", 0.195, 0.199},
		{"itemknn", knn, "ndcg@10", 0.14, 0.23},
		{"itemknn", knn, "recall@50", 0.27, 0.37},
		{"itemknn", knn, "recall@100", 0.40, 0.55},
		{"itemknn100", knn100, "ndcg@10", 0.14, 0.23},
		{"itemknn100", knn100, "recall@50", 0.30, 0.40},
		{"itemknn100", knn100, "recall@100", 0.45, 0.58},
	} {
		if v := c.m[c.key]; v < c.lo || v > c.hi {
			t.Errorf("%s %s: got %.4f, want within [%.2f, %.2f]", c.name, c.key, v, c.lo, c.hi)
		}
	}
	if knn["ndcg@10"] <= pop["ndcg@10"] {
		t.Errorf("itemknn ndcg@10 %.4f does not beat popularity %.4f", knn["ndcg@10"], pop["ndcg@10"])
	}
}
