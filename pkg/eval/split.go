package eval

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// Target names the held-out part a ranking is judged against.
type Target int

const (
	// Test: relevant = the test part; history and exclusion = train +
	// validation. Final numbers only.
	Test Target = iota
	// Validation: relevant = the validation item(s); history and exclusion =
	// the train part proper. For epoch and model selection.
	Validation
)

// String returns "test" or "validation".
func (t Target) String() string {
	switch t {
	case Test:
		return "test"
	case Validation:
		return "validation"
	}
	return fmt.Sprintf("Target(%d)", int(t))
}

// User is one user's split. Train, Val and Test are movie ids in interaction
// order and share the backing array of the whole sequence (do not append to
// them).
type User struct {
	UserID int32
	Train  []int32 // train part proper
	Val    []int32 // validation item(s)
	Test   []int32 // test part; Test[0] is the true next item

	seq         []int32 // Train, Val, Test concatenated
	excludeTr   []int   // dense indices of Train, sorted, unique
	excludeTrVa []int   // dense indices of Train+Val, sorted, unique
}

// History returns the movies a model may read for target t, in order:
// Train+Val for Test, Train for Validation.
func (u *User) History(t Target) []int32 {
	switch t {
	case Test:
		return u.seq[: len(u.Train)+len(u.Val) : len(u.Train)+len(u.Val)]
	case Validation:
		return u.Train
	}
	panic(badTarget(t))
}

// Relevant returns the held-out movies for target t, in order (Test or Val);
// its first element is the true next item.
func (u *User) Relevant(t Target) []int32 {
	switch t {
	case Test:
		return u.Test
	case Validation:
		return u.Val
	}
	panic(badTarget(t))
}

// Exclude returns the dense indices, sorted ascending, that a ranking for
// target t must leave out: the movies of History(t). The slice is shared;
// do not modify it.
func (u *User) Exclude(t Target) []int {
	switch t {
	case Test:
		return u.excludeTrVa
	case Validation:
		return u.excludeTr
	}
	panic(badTarget(t))
}

func badTarget(t Target) string { return fmt.Sprintf("eval: unknown target %d", int(t)) }

// Split is the evaluation view of sequences.parquet.
type Split struct {
	// Movies is the catalogue: every movie id in any sequence, ascending.
	// A movie's position here is its dense index.
	Movies []int32
	// Users are sorted by user id.
	Users []User

	index map[int32]int // movie id -> dense index
}

// LoadSplit reads a sequences.parquet file (tables.Sequence rows) and builds
// its Split.
func LoadSplit(path string) (*Split, error) {
	seqs, err := tables.ReadColumnar[tables.Sequence](path) // millions of items at scale
	if err != nil {
		return nil, err
	}
	s, err := NewSplit(seqs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// NewSplit builds a Split from sequence rows. It fails if a row's
// n_train+n_val+n_test differs from its length, a count is negative, a user
// appears twice, or a user has the same movie twice (the metrics treat each
// part as a set). The rows are not modified.
func NewSplit(seqs []tables.Sequence) (*Split, error) {
	if len(seqs) == 0 {
		return nil, fmt.Errorf("split: no sequences")
	}
	order := make([]int, len(seqs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(seqs[a].UserID, seqs[b].UserID) })

	index := map[int32]int{}
	for k, i := range order {
		q := &seqs[i]
		if k > 0 && seqs[order[k-1]].UserID == q.UserID {
			return nil, fmt.Errorf("split: user %d appears twice", q.UserID)
		}
		n := len(q.MovieIDs)
		if q.NTrain < 0 || q.NVal < 0 || q.NTest < 0 || int(q.NTrain)+int(q.NVal)+int(q.NTest) != n {
			return nil, fmt.Errorf("split: user %d: n_train %d + n_val %d + n_test %d != %d movies",
				q.UserID, q.NTrain, q.NVal, q.NTest, n)
		}
		seen := make(map[int32]bool, n)
		for _, m := range q.MovieIDs {
			if seen[m] {
				return nil, fmt.Errorf("split: user %d has movie %d twice", q.UserID, m)
			}
			seen[m] = true
			index[m] = 0
		}
	}

	s := &Split{Movies: make([]int32, 0, len(index)), index: index}
	for m := range index {
		s.Movies = append(s.Movies, m)
	}
	slices.Sort(s.Movies)
	for i, m := range s.Movies {
		index[m] = i
	}

	s.Users = make([]User, len(seqs))
	for k, i := range order {
		q := &seqs[i]
		seq := slices.Clone(q.MovieIDs)
		nt, nv := int(q.NTrain), int(q.NVal)
		u := User{
			UserID: q.UserID,
			Train:  seq[:nt:nt],
			Val:    seq[nt : nt+nv : nt+nv],
			Test:   seq[nt+nv : len(seq) : len(seq)],
			seq:    seq,
		}
		u.excludeTr = s.denseSorted(u.Train)
		u.excludeTrVa = s.denseSorted(seq[:nt+nv])
		s.Users[k] = u
	}
	return s, nil
}

// denseSorted returns the dense indices of ids, sorted ascending.
func (s *Split) denseSorted(ids []int32) []int {
	out := make([]int, len(ids))
	for i, m := range ids {
		out[i] = s.index[m]
	}
	slices.Sort(out)
	return out
}

// Index returns the dense index of a movie id, and whether it is in the
// catalogue.
func (s *Split) Index(movieID int32) (int, bool) {
	i, ok := s.index[movieID]
	return i, ok
}

// MovieIdx returns the movie_idx (dense index + 1, the numbering of the
// feature tables and the models) of each movie id. It panics on a movie
// outside the catalogue.
func (s *Split) MovieIdx(ids []int32) []int32 {
	out := make([]int32, len(ids))
	for i, id := range ids {
		d, ok := s.index[id]
		if !ok {
			panic(fmt.Sprintf("eval: movie %d not in the split", id))
		}
		out[i] = int32(d + 1)
	}
	return out
}

// Rank turns user u's full score vector (indexed by dense index,
// len(scores) == len(s.Movies)) into u's top-k Ranking for target t: the
// movies of u.Exclude(t) left out, ties by lower movie id. It panics if the
// length is wrong.
func (s *Split) Rank(u *User, t Target, scores []float32, k int) Ranking {
	if len(scores) != len(s.Movies) {
		panic(fmt.Sprintf("eval: %d scores for %d movies", len(scores), len(s.Movies)))
	}
	idx := TopK(scores, u.Exclude(t), k)
	r := Ranking{UserID: u.UserID, MovieIDs: make([]int32, len(idx)), Scores: make([]float32, len(idx))}
	for j, i := range idx {
		r.MovieIDs[j] = s.Movies[i]
		r.Scores[j] = scores[i]
	}
	return r
}
