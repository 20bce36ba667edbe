package twotower

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/recommend"
)

// Errors of the Recommender that are the caller's doing (a bad query), so
// that a command can report them as usage errors. Each is wrapped with
// the offending value.
var (
	ErrUnknownUser       = errors.New("unknown user")
	ErrUnknownMovie      = errors.New("unknown movie")
	ErrUnknownGender     = errors.New("unknown gender")
	ErrUnknownOccupation = errors.New("unknown occupation")
	ErrBadAge            = errors.New("bad age")
	ErrBadQuery          = errors.New("bad query")
	ErrBadK              = errors.New("k must be at least 1")
	// ErrNoDemographics: the query gives demographics to a model whose
	// data had none (Sizes.NoDemographics).
	ErrNoDemographics = errors.New("this model has no demographic features")
)

func init() { recommend.Register(Kind, Open) }

// Recommender serves a trained two-tower model through pkg/recommend. It
// takes every form of recommend.Query:
//
//   - a known user (UserID): the user's own tower input (id embedding,
//     features, genre affinity); the movies excluded are the user's train
//     and validation parts of data/processed/sequences.parquet, read on
//     the first such query (what the recs file was scored from);
//   - an ad-hoc history (History, MovieLens movie ids): the unknown-user
//     row, the genre affinity of the history, and whatever demographics
//     the query gives; the history is excluded;
//   - demographics only (Age, Gender, Occupation, ZipCode; cold start):
//     the unknown-user row, the mean genre affinity and the demographics;
//     refused with ErrNoDemographics when the model's data had none.
//
// A demographic the query leaves out (zero Age, empty Gender, Occupation
// or ZipCode) gets the expected embedding over the known users (the
// embeddings weighted by the share of users in each category), which
// equals the mean of the first layer's input over the users for that
// feature. It is safe for concurrent use.
type Recommender struct {
	mu        sync.Mutex
	m         *Model
	paths     recommend.Paths
	movieVecs []float32       // [N, D]
	movieIdx  map[int32]int32 // movie id -> movie row
	userIdx   map[int32]int   // user id -> user_idx

	split    *eval.Split // loaded on the first known-user query
	splitErr error
}

// Open loads a two-tower model file for recommend.Open.
func Open(modelPath string, paths recommend.Paths) (recommend.Recommender, error) {
	m, err := Load(modelPath)
	if err != nil {
		return nil, err
	}
	return NewRecommender(m, paths), nil
}

// NewRecommender serves m, which must have its Users, Movies and
// Occupations (as Load and New give).
func NewRecommender(m *Model, paths recommend.Paths) *Recommender {
	r := &Recommender{m: m, paths: paths, movieIdx: make(map[int32]int32, m.Sizes.Movies), userIdx: make(map[int32]int, m.Sizes.Users)}
	for i, id := range m.Movies.MovieIDs {
		r.movieIdx[id] = int32(i)
	}
	for i, id := range m.Users.UserIDs {
		r.userIdx[id] = i
	}
	r.movieVecs = make([]float32, m.Sizes.Movies*m.Cfg.D())
	m.MovieVectors(r.movieVecs)
	return r
}

// Kind returns "twotower".
func (r *Recommender) Kind() string { return Kind }

// Demographics maps a query's demographics to the model's categories; a
// field the query leaves out is -1. It rejects a gender other than M or F,
// an occupation not in the model's vocabulary (case-insensitive), an
// age outside 1..120, and any demographic at all when the model's data
// had none (ErrNoDemographics).
func (m *Model) Demographics(q recommend.Query) (gender, age, occ, zip int32, err error) {
	gender, age, occ, zip = -1, -1, -1, -1
	if m.Sizes.NoDemographics && hasDemographics(q) {
		return 0, 0, 0, 0, fmt.Errorf("%w: its training data has no age, gender, occupation or zip code, so there is no demographic cold start; give a history of movie ids instead", ErrNoDemographics)
	}
	switch g := strings.ToUpper(strings.TrimSpace(q.Gender)); g {
	case "":
	case "M", "F":
		gender = features.GenderIdx(g)
	default:
		return 0, 0, 0, 0, fmt.Errorf("%w %q: want M or F", ErrUnknownGender, q.Gender)
	}
	if q.Age != 0 {
		if q.Age < 1 || q.Age > 120 {
			return 0, 0, 0, 0, fmt.Errorf("%w %d: want 1..120", ErrBadAge, q.Age)
		}
		age = features.AgeBucket(int32(q.Age))
	}
	if o := strings.ToLower(strings.TrimSpace(q.Occupation)); o != "" {
		for i, name := range m.Occupations {
			if strings.ToLower(name) == o {
				occ = int32(i)
			}
		}
		if occ < 0 {
			names := append([]string(nil), m.Occupations...)
			sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
			return 0, 0, 0, 0, fmt.Errorf("%w %q: want one of %s", ErrUnknownOccupation, q.Occupation, strings.Join(names, ", "))
		}
	}
	if z := strings.TrimSpace(q.ZipCode); z != "" {
		zip = features.ZipRegion(z)
	}
	return gender, age, occ, zip, nil
}

func hasDemographics(q recommend.Query) bool {
	return q.Age != 0 || q.Gender != "" || q.Occupation != "" || q.ZipCode != ""
}

// query resolves q to the user tower's input row and the movie ids to
// exclude. The caller holds r.mu.
func (r *Recommender) query(q recommend.Query) (UserRow, map[int32]bool, error) {
	m := r.m
	switch {
	case q.UserID != 0 && len(q.History) > 0:
		return UserRow{}, nil, fmt.Errorf("%w: give a user or a history, not both", ErrBadQuery)
	case q.UserID != 0 && hasDemographics(q):
		return UserRow{}, nil, fmt.Errorf("%w: a known user's demographics come from the data: give a user or demographics, not both", ErrBadQuery)
	case q.UserID != 0:
		i, ok := r.userIdx[q.UserID]
		if !ok {
			return UserRow{}, nil, fmt.Errorf("%w %d: not among the model's %d users", ErrUnknownUser, q.UserID, len(r.userIdx))
		}
		seen, err := r.seen(q.UserID)
		if err != nil {
			return UserRow{}, nil, err
		}
		return m.userRow(m.Users, i, false, nil), seen, nil
	}
	if len(q.History) == 0 && !hasDemographics(q) {
		if m.Sizes.NoDemographics {
			return UserRow{}, nil, fmt.Errorf("%w: give a user id or a history (the model's data has no demographics)", ErrBadQuery)
		}
		return UserRow{}, nil, fmt.Errorf("%w: give a user id, a history or demographics (age, gender, occupation, zip code)", ErrBadQuery)
	}
	g, a, o, z, err := m.Demographics(q)
	if err != nil {
		return UserRow{}, nil, err
	}
	row := UserRow{ID: m.UnknownUser(), Gender: g, AgeBucket: a, Occupation: o, ZipRegion: z, Affinity: m.meanAffinity()}
	seen := map[int32]bool{}
	if len(q.History) > 0 {
		G := m.Sizes.Genres
		aff := make([]float32, G)
		for _, id := range q.History {
			n, ok := r.movieIdx[id]
			if !ok {
				return UserRow{}, nil, fmt.Errorf("%w %d: not in the model's catalogue of %d movies", ErrUnknownMovie, id, len(r.movieIdx))
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			for k, x := range m.Movies.Genres[int(n)*G : int(n+1)*G] {
				aff[k] += x
			}
		}
		for k := range aff {
			aff[k] /= float32(len(seen))
		}
		row.Affinity = aff
	}
	return row, seen, nil
}

// seen returns the movies of a known user's train and validation parts.
// The caller holds r.mu.
func (r *Recommender) seen(userID int32) (map[int32]bool, error) {
	path := filepath.Join(r.paths.Processed, SequencesFile)
	if r.split == nil && r.splitErr == nil {
		r.split, r.splitErr = eval.LoadSplit(path)
	}
	if r.splitErr != nil {
		return nil, fmt.Errorf("user histories: %w", r.splitErr)
	}
	us := r.split.Users
	i := sort.Search(len(us), func(i int) bool { return us[i].UserID >= userID })
	if i == len(us) || us[i].UserID != userID {
		return nil, fmt.Errorf("%w %d: not in %s", ErrUnknownUser, userID, path)
	}
	h := us[i].History(eval.Test)
	seen := make(map[int32]bool, len(h))
	for _, id := range h {
		seen[id] = true
	}
	return seen, nil
}

// Scores returns the model's score of every movie for the query,
// u·v/τ (+ the movie's bias), and the movies to exclude.
func (r *Recommender) Scores(q recommend.Query) (map[int32]float32, map[int32]bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	row, seen, err := r.query(q)
	if err != nil {
		return nil, nil, err
	}
	m := r.m
	u := make([]float32, m.Cfg.D())
	m.UserVectors([]UserRow{row}, u)
	out := make([]float32, m.Sizes.Movies)
	m.Score(out, u, 1, r.movieVecs)
	scores := make(map[int32]float32, len(out))
	for n, s := range out {
		scores[m.Movies.MovieIDs[n]] = s
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
