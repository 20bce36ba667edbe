// Package recommend is what every trained model offers the `recommend`
// command and the semantic-search blend: given a query (a user of the data,
// an ad-hoc history, or demographics only), score the catalogue and return
// the best movies not yet seen. Model packages register an opener for their
// model-file kind, so one command serves every model.
package recommend

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Query says who to recommend for. Exactly one of the forms is used:
// UserID (a user of the data: history and features come from the data),
// History (an ad-hoc list of MovieLens movie ids, oldest first), or
// demographics only (Age, Gender, Occupation, ZipCode: a cold-start user,
// for models that have user features).
type Query struct {
	UserID     int32
	History    []int32
	Age        int
	Gender     string
	Occupation string
	ZipCode    string
}

// Item is one recommended movie.
type Item struct {
	MovieID int32   `json:"movie_id"`
	Score   float32 `json:"score"`
}

// Recommender is a loaded model.
type Recommender interface {
	// Kind is the model-file kind, e.g. "bert4rec".
	Kind() string
	// Scores returns a score for every movie of the catalogue, keyed by
	// MovieLens movie id, and the movies the query has already seen (to be
	// excluded). An unknown user is an error.
	Scores(q Query) (scores map[int32]float32, seen map[int32]bool, err error)
	// Recommend returns the top k unseen movies, best first, ties broken by
	// lower movie id.
	Recommend(q Query, k int) ([]Item, error)
}

// Paths tells an opener where the pipeline's data lives (for a user's
// history and features).
type Paths struct {
	Processed string // data/processed
	Features  string // data/features
}

// Opener loads a model file of one kind.
type Opener func(modelPath string, paths Paths) (Recommender, error)

var (
	mu      sync.Mutex
	openers = map[string]Opener{}
)

// Register makes a model kind available to Open. It panics if the kind is
// registered twice (a programming error).
func Register(kind string, open Opener) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := openers[kind]; dup {
		panic("recommend: kind registered twice: " + kind)
	}
	openers[kind] = open
}

// Kinds lists the registered model kinds.
func Kinds() []string {
	mu.Lock()
	defer mu.Unlock()
	var ks []string
	for k := range openers {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Open loads a model file of the given kind.
func Open(kind, modelPath string, paths Paths) (Recommender, error) {
	mu.Lock()
	open, ok := openers[kind]
	mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%s is a %q file, not a model that recommends (kinds: %s)", modelPath, kind, strings.Join(Kinds(), ", "))
	}
	return open(modelPath, paths)
}

// TopK returns the k best unseen movies from a score map, best first, ties
// broken by lower movie id. It serves Recommender implementations.
func TopK(scores map[int32]float32, seen map[int32]bool, k int) []Item {
	items := make([]Item, 0, len(scores))
	for id, s := range scores {
		if !seen[id] {
			items = append(items, Item{MovieID: id, Score: s})
		}
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].Score != items[j].Score {
			return items[i].Score > items[j].Score
		}
		return items[i].MovieID < items[j].MovieID
	})
	if k < len(items) {
		items = items[:k]
	}
	return items
}
