package bert4rec

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/recommend"
)

// Errors of the Recommender that are the caller's doing (a bad query), so
// that a command can report them as usage errors.
var (
	ErrUnknownUser  = errors.New("unknown user")
	ErrUnknownMovie = errors.New("unknown movie")
	ErrNoHistory    = errors.New("bert4rec recommends from a history: give a user id or a list of movies")
	ErrBadK         = errors.New("k must be at least 1")
)

// SequencesFile is the file of data/processed that holds the users'
// histories.
const SequencesFile = "sequences.parquet"

func init() { recommend.Register(Kind, Open) }

// Recommender serves a trained BERT4Rec model through pkg/recommend. A
// user's history is the user's train and validation parts of
// data/processed/sequences.parquet (what the recs file was scored from),
// read on the first user query. It is safe for concurrent use.
type Recommender struct {
	mu    sync.Mutex
	m     *Model
	sc    *Scorer
	idx   map[int32]int32 // movie id -> movie_idx
	paths recommend.Paths

	split    *eval.Split // loaded on the first user query
	splitErr error
}

// Open loads a BERT4Rec model file for recommend.Open.
func Open(modelPath string, paths recommend.Paths) (recommend.Recommender, error) {
	m, err := Load(modelPath)
	if err != nil {
		return nil, err
	}
	return NewRecommender(m, paths), nil
}

// NewRecommender serves m (whose MovieIDs must be set).
func NewRecommender(m *Model, paths recommend.Paths) *Recommender {
	idx := make(map[int32]int32, len(m.MovieIDs))
	for i, id := range m.MovieIDs {
		idx[id] = int32(i + 1)
	}
	return &Recommender{m: m, sc: NewScorer(m), idx: idx, paths: paths}
}

// Kind returns "bert4rec".
func (r *Recommender) Kind() string { return Kind }

// history resolves a query to movie_idx (oldest first) and the set of
// movie ids seen. The caller holds r.mu.
func (r *Recommender) history(q recommend.Query) ([]int32, map[int32]bool, error) {
	var ids []int32
	switch {
	case q.UserID != 0 && len(q.History) > 0:
		return nil, nil, fmt.Errorf("give a user or a history, not both")
	case q.UserID != 0:
		if r.split == nil && r.splitErr == nil {
			r.split, r.splitErr = eval.LoadSplit(filepath.Join(r.paths.Processed, SequencesFile))
		}
		if r.splitErr != nil {
			return nil, nil, fmt.Errorf("user histories: %w", r.splitErr)
		}
		u := r.findUser(q.UserID)
		if u == nil {
			return nil, nil, fmt.Errorf("%w %d (not in %s)", ErrUnknownUser, q.UserID, filepath.Join(r.paths.Processed, SequencesFile))
		}
		ids = u.History(eval.Test)
	case len(q.History) > 0:
		ids = q.History
	default:
		return nil, nil, ErrNoHistory
	}
	hist := make([]int32, len(ids))
	seen := make(map[int32]bool, len(ids))
	for i, id := range ids {
		ix, ok := r.idx[id]
		if !ok {
			return nil, nil, fmt.Errorf("%w %d: not in the model's catalogue of %d movies", ErrUnknownMovie, id, len(r.idx))
		}
		hist[i] = ix
		seen[id] = true
	}
	return hist, seen, nil
}

// findUser returns the split's user with the given id, or nil.
func (r *Recommender) findUser(id int32) *eval.User {
	us := r.split.Users
	lo, hi := 0, len(us)
	for lo < hi {
		mid := (lo + hi) / 2
		if us[mid].UserID < id {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(us) && us[lo].UserID == id {
		return &us[lo]
	}
	return nil
}

// Scores returns the model's score of every movie as the query's next one,
// and the movies the query has seen.
func (r *Recommender) Scores(q recommend.Query) (map[int32]float32, map[int32]bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	hist, seen, err := r.history(q)
	if err != nil {
		return nil, nil, err
	}
	out := make([]float32, r.m.V)
	r.sc.Score([][]int32{hist}, out)
	scores := make(map[int32]float32, r.m.V)
	for i, s := range out {
		scores[r.m.MovieIDs[i]] = s
	}
	return scores, seen, nil
}

// Recommend returns the k best unseen movies, best first, ties by lower
// movie id (the order of the recs file).
func (r *Recommender) Recommend(q recommend.Query, k int) ([]recommend.Item, error) {
	if k <= 0 {
		return nil, fmt.Errorf("%w (got %d)", ErrBadK, k)
	}
	scores, seen, err := r.Scores(q)
	if err != nil {
		return nil, err
	}
	return recommend.TopK(scores, seen, k), nil
}
