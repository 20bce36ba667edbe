package split

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// Split methods (params data_processing.split).
const (
	Temporal    = "temporal"
	LeaveOneOut = "leave_one_out"
)

// Methods lists the split methods Assign knows.
var Methods = []string{Temporal, LeaveOneOut}

// Order sorts ratings in place by user, then timestamp, then movie id (the
// protocol's tie-break for equal timestamps), and sets each Position to the
// 0-based index within its user's sequence.
func Order(ratings []tables.Rating) {
	// Bucket by user (sorted user ids, counting sort), then sort each
	// user's compact, pointer-free keys by (timestamp, movie, rating) and
	// permute once, instead of one comparison sort of the 48-byte rows.
	type key struct {
		ts     int64
		movie  int32
		rating float32
		index  int32
	}
	users := make([]int32, 0, 1024)
	slot := map[int32]int{}
	for i := range ratings {
		if _, ok := slot[ratings[i].UserID]; !ok {
			slot[ratings[i].UserID] = 0
			users = append(users, ratings[i].UserID)
		}
	}
	slices.Sort(users)
	start := make([]int, len(users)+1)
	for j, u := range users {
		slot[u] = j
	}
	for i := range ratings {
		start[slot[ratings[i].UserID]+1]++
	}
	for j := range users {
		start[j+1] += start[j]
	}
	keys := make([]key, len(ratings))
	fill := slices.Clone(start[:len(users)])
	for i, r := range ratings {
		j := slot[r.UserID]
		keys[fill[j]] = key{ts: r.Timestamp, movie: r.MovieID, rating: r.Rating, index: int32(i)}
		fill[j]++
	}
	for j := range users {
		slices.SortFunc(keys[start[j]:start[j+1]], func(a, b key) int {
			if a.ts != b.ts {
				return cmp.Compare(a.ts, b.ts)
			}
			if a.movie != b.movie {
				return cmp.Compare(a.movie, b.movie)
			}
			if a.rating != b.rating {
				return cmp.Compare(a.rating, b.rating)
			}
			return cmp.Compare(a.index, b.index)
		})
	}
	sorted := make([]tables.Rating, len(ratings))
	for j := range users {
		for p := start[j]; p < start[j+1]; p++ {
			sorted[p] = ratings[keys[p].index]
			sorted[p].Position = int32(p - start[j])
		}
	}
	copy(ratings, sorted)
}

// NTest is the size of the temporal test part of a sequence of n
// interactions: max(1, floor(n*ratio + 0.5)), computed in float64 exactly
// as written (so n=5, ratio=0.1 gives 1 and n=10, ratio=0.25 gives 3).
// It is never more than n when 0 < ratio < 1 and n >= 1.
func NTest(n int, ratio float64) int {
	return max(1, int(math.Floor(float64(n)*ratio+0.5)))
}

// Parts returns how a sequence of n >= 1 interactions divides under method:
// temporal: the last NTest(n, ratio) are test and, when at least 2 remain,
// the last remaining one is validation; leave_one_out: the last is test and
// the second to last (if any) validation. The rest is train. ratio is read
// only by temporal.
func Parts(n int, method string, ratio float64) (nTrain, nVal, nTest int, err error) {
	switch method {
	case Temporal:
		nTest = min(n, NTest(n, ratio))
		rest := n - nTest
		if rest >= 2 {
			return rest - 1, 1, nTest, nil
		}
		return rest, 0, nTest, nil
	case LeaveOneOut:
		nTest = min(n, 1)
		nVal = min(n-nTest, 1)
		return n - nTest - nVal, nVal, nTest, nil
	}
	return 0, 0, 0, fmt.Errorf("split method %q: want one of %v", method, Methods)
}

// Summary counts what Assign produced.
type Summary struct {
	Method string  `json:"method"`
	Ratio  float64 `json:"test_split_ratio,omitempty"`
	Users  int     `json:"users"`
	// Interactions per part.
	Train      int `json:"train"`
	Validation int `json:"validation"`
	Test       int `json:"test"`
	// Users whose train (validation) part is empty.
	UsersWithoutTrain      int `json:"users_without_train"`
	UsersWithoutValidation int `json:"users_without_validation"`
}

// Assign sets the Split of every rating and returns one Sequence per user
// (in user order) and a summary. ratings must be as Order leaves them;
// Assign returns an error if the positions say otherwise, or if method is
// unknown.
func Assign(ratings []tables.Rating, method string, ratio float64) ([]tables.Sequence, Summary, error) {
	sum := Summary{Method: method}
	if method == Temporal {
		sum.Ratio = ratio
	}
	if _, _, _, err := Parts(1, method, ratio); err != nil {
		return nil, sum, err
	}
	var seqs []tables.Sequence
	for start := 0; start < len(ratings); {
		user := ratings[start].UserID
		end := start
		for end < len(ratings) && ratings[end].UserID == user {
			if ratings[end].Position != int32(end-start) {
				return nil, sum, fmt.Errorf("split: rating %d (user %d) has position %d, want %d: ratings not ordered (call Order first)",
					end, user, ratings[end].Position, end-start)
			}
			end++
		}
		if len(seqs) > 0 && seqs[len(seqs)-1].UserID >= user {
			return nil, sum, fmt.Errorf("split: user %d follows user %d: ratings not ordered (call Order first)", user, seqs[len(seqs)-1].UserID)
		}
		n := end - start
		nTrain, nVal, nTest, _ := Parts(n, method, ratio)
		s := tables.Sequence{
			UserID:     user,
			MovieIDs:   make([]int32, n),
			Timestamps: make([]int64, n),
			Ratings:    make([]float32, n),
			NTrain:     int32(nTrain),
			NVal:       int32(nVal),
			NTest:      int32(nTest),
		}
		for i := range n {
			r := &ratings[start+i]
			switch {
			case i < nTrain:
				r.Split = tables.SplitTrain
			case i < nTrain+nVal:
				r.Split = tables.SplitValidation
			default:
				r.Split = tables.SplitTest
			}
			s.MovieIDs[i], s.Timestamps[i], s.Ratings[i] = r.MovieID, r.Timestamp, r.Rating
		}
		seqs = append(seqs, s)
		sum.Users++
		sum.Train += nTrain
		sum.Validation += nVal
		sum.Test += nTest
		if nTrain == 0 {
			sum.UsersWithoutTrain++
		}
		if nVal == 0 {
			sum.UsersWithoutValidation++
		}
		start = end
	}
	return seqs, sum, nil
}
