// Package eval is the one implementation of the evaluation protocol
// (../shared/docs/evaluation.md): every quality number in metrics/*.json —
// BERT4Rec, Two-Tower, the semantic blend, the baselines, monitoring — is
// computed by this code, on the held-out part of the same split.
//
// # The split
//
// LoadSplit reads data/processed/sequences.parquet (tables.Sequence rows);
// NewSplit builds the same from rows in memory. A Split holds:
//
//   - Movies: the catalogue, every movie id present in any sequence, sorted
//     ascending. A movie's position in Movies is its dense index 0..N-1; score
//     vectors are indexed by it. The features stage's movie_idx (1..N, 0 =
//     padding) is dense index + 1 (Split.MovieIdx), so a model scoring
//     movie_idx can pass scores[1:N+1].
//   - Users: one User per sequence, sorted by user id, each with Train (the
//     train part proper), Val (the validation item(s)) and Test (the test
//     part), all in interaction order; Test[0] is the true next item.
//
// A Target says what is held out. Test (final numbers): relevant = Test,
// history and ranking exclusion = Train+Val. Validation (epoch selection):
// relevant = Val, history and exclusion = Train. User.History, User.Relevant
// and User.Exclude return these for a target; Exclude is the sorted dense
// indices that TopK takes.
//
// # Ranking
//
// A Ranking is one user's recommendations, best first (movie ids, and scores
// when known). Rankings passed to Evaluate are aligned with Split.Users (one
// per user, same order, UserID checked). Build one from a full score vector
// with Split.Rank, or with TopK for dense indices:
//
//	for i := range s.Users {
//		u := &s.Users[i]
//		model.Score(u.History(eval.Test), scores) // len(scores) == len(s.Movies)
//		rankings[i] = s.Rank(u, eval.Test, scores, 100)
//	}
//	m, err := eval.Evaluate(s, eval.Test, rankings, eval.RetrievalKs)
//
// TopK orders by score descending, ties by lower dense index (= lower movie
// id), NaN below everything; it is deterministic and O(n log k).
//
// # Metrics
//
// Evaluate returns Metrics, a map from "recall@10"-style keys to the mean over
// users with a non-empty relevant part of recall, precision, ndcg (binary
// gains, IDCG over min(|relevant|, K)), hit, mrr, next_hit and next_ndcg (only
// the first relevant item counts). Positions past a ranking's end are misses;
// precision always divides by K. Evaluate rejects a ranking with a duplicate
// movie, a movie outside the catalogue, or a movie in the user's exclusion
// set, so a model that forgets to exclude seen movies fails loudly. Ks: DefaultKs
// (10) for every model, RetrievalKs (10, 50, 100) for retrieval models.
//
// # Baselines
//
// Popularity ranks by interaction count over the target's history part of all
// users (train+validation for Test), ties by lower movie id. ItemKNN scores a
// movie by the sum of its cosine similarities (binary user-item history
// vectors) to the user's history movies, optionally keeping for each movie
// only its top neighbours (RecBole's convention: each candidate keeps its
// most similar movies). Both return Rankings that go through Evaluate like
// any model's.
//
// # Recs files
//
// data/recs/<model>.parquet holds Rec rows (user_id, rank 1-based, movie_id,
// score): a model's top 100 per user, train+validation movies excluded.
// ToRecs and FromRecs convert between Rankings and rows, WriteRecs/ReadRecs do
// the (atomic) parquet I/O, and EvaluateRecs recomputes the Test metrics of a
// file, so any model can be re-evaluated from its recs alone.
//
// # Concurrency
//
// A Split is read-only once built: Rank, Evaluate, the baselines and the
// User methods may run concurrently on the same Split.
//
// # Failures
//
// Data-dependent problems (malformed sequences, bad rankings, unreadable
// files) are returned errors naming the user or file. Programmer misuse — a
// score vector of the wrong length, an unsorted or out-of-range exclusion
// list, k < 0 — panics with an "eval: " message.
package eval
