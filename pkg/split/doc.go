// Package split turns raw interactions into the evaluation protocol's
// sequences (../shared/docs/evaluation.md, docs/stages.md):
//
//   - KCore drops movies with fewer than minPerMovie interactions and users
//     with fewer than minPerUser, and repeats until neither drops anything,
//     recording the counts of every iteration;
//   - Order sorts each user's interactions by (timestamp, movie_id) and
//     numbers them;
//   - Assign marks each interaction train, validation or test under the
//     temporal or leave_one_out split and builds one Sequence per user.
//
// Everything here is deterministic: the same interactions, in any input
// order, give the same result.
package split
