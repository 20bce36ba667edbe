package eval

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// Rec is one row of data/recs/<model>.parquet: the movie a model ranks at
// Rank (1-based) for a user, with its score.
type Rec struct {
	UserID  int32   `parquet:"name=user_id, type=INT32"`
	Rank    int32   `parquet:"name=rank, type=INT32"`
	MovieID int32   `parquet:"name=movie_id, type=INT32"`
	Score   float32 `parquet:"name=score, type=FLOAT"`
}

// ToRecs flattens rankings into rows, user by user, rank 1 first. A
// Ranking with nil Scores gets score 0. It panics if a Ranking has Scores
// of another length than MovieIDs.
func ToRecs(rankings []Ranking) []Rec {
	n := 0
	for i := range rankings {
		n += len(rankings[i].MovieIDs)
	}
	out := make([]Rec, 0, n)
	for i := range rankings {
		r := &rankings[i]
		if r.Scores != nil && len(r.Scores) != len(r.MovieIDs) {
			panic(fmt.Sprintf("eval: user %d ranking has %d movies and %d scores", r.UserID, len(r.MovieIDs), len(r.Scores)))
		}
		for j, m := range r.MovieIDs {
			rec := Rec{UserID: r.UserID, Rank: int32(j + 1), MovieID: m}
			if r.Scores != nil {
				rec.Score = r.Scores[j]
			}
			out = append(out, rec)
		}
	}
	return out
}

// FromRecs regroups rows into Rankings aligned with s.Users (a user without
// rows gets an empty Ranking). Rows may come in any order. It returns an
// error for a user not in the split or a user whose ranks are not exactly
// 1..n.
func FromRecs(s *Split, recs []Rec) ([]Ranking, error) {
	pos := make(map[int32]int, len(s.Users))
	out := make([]Ranking, len(s.Users))
	for i := range s.Users {
		pos[s.Users[i].UserID] = i
		out[i].UserID = s.Users[i].UserID
	}
	sorted := slices.Clone(recs)
	slices.SortStableFunc(sorted, func(a, b Rec) int {
		return cmp.Or(cmp.Compare(a.UserID, b.UserID), cmp.Compare(a.Rank, b.Rank))
	})
	for _, r := range sorted {
		i, ok := pos[r.UserID]
		if !ok {
			return nil, fmt.Errorf("recs: user %d is not in the split", r.UserID)
		}
		o := &out[i]
		if want := int32(len(o.MovieIDs) + 1); r.Rank != want {
			return nil, fmt.Errorf("recs: user %d has rank %d where rank %d is expected (ranks must be 1..n, each once)", r.UserID, r.Rank, want)
		}
		o.MovieIDs = append(o.MovieIDs, r.MovieID)
		o.Scores = append(o.Scores, r.Score)
	}
	return out, nil
}

// WriteRecs writes rows to path as a recs parquet file, atomically
// (tables.Write). It refuses an empty table.
func WriteRecs(path string, recs []Rec) error {
	if len(recs) == 0 {
		return fmt.Errorf("write %s: no recommendations", path)
	}
	if err := tables.Write(path, recs); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadRecs reads a recs parquet file written by WriteRecs.
func ReadRecs(path string) ([]Rec, error) {
	return tables.Read[Rec](path)
}

// EvaluateRecs reads a recs file and computes its Test metrics at ks, as
// Evaluate would for the model's own rankings.
func EvaluateRecs(s *Split, path string, ks []int) (Metrics, error) {
	recs, err := ReadRecs(path)
	if err != nil {
		return nil, err
	}
	rankings, err := FromRecs(s, recs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m, err := Evaluate(s, Test, rankings, ks)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}
