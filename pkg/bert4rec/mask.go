package bert4rec

import "math/rand/v2"

// clozeMask fills s with one Cloze training example from a window of items
// (movie_idx 1..V, oldest first), reusing s's buffers: each position is
// chosen with probability cfg.MaskProb, and if none is chosen one position
// is chosen uniformly, so every example predicts at least one item; with
// forceLast the last position is always chosen (after the draws, which
// keeps the generator's sequence independent of it). A
// chosen position's input becomes [MASK] with probability
// cfg.MaskTokenRatio, else (evenly) stays the item or becomes a random item
// of 1..V; its target is the true item. rng is the epoch's generator.
func clozeMask(s *seqInput, items []int32, cfg Config, V int, forceLast bool, rng *rand.Rand) {
	L := len(items)
	s.tokens = append(s.tokens[:0], items...)
	s.masked, s.targets = s.masked[:0], s.targets[:0]
	for j := 0; j < L; j++ {
		if rng.Float64() < cfg.MaskProb {
			s.masked = append(s.masked, int32(j))
		}
	}
	if forceLast && (len(s.masked) == 0 || s.masked[len(s.masked)-1] != int32(L-1)) {
		s.masked = append(s.masked, int32(L-1))
	}
	if len(s.masked) == 0 {
		s.masked = append(s.masked, int32(rng.IntN(L)))
	}
	mask := int32(V + 1)
	for _, j := range s.masked {
		s.targets = append(s.targets, items[j])
		if cfg.MaskTokenRatio >= 1 {
			s.tokens[j] = mask
			continue
		}
		switch r := rng.Float64(); {
		case r < cfg.MaskTokenRatio:
			s.tokens[j] = mask
		case r < cfg.MaskTokenRatio+(1-cfg.MaskTokenRatio)/2:
			// keep the item
		default:
			s.tokens[j] = int32(1 + rng.IntN(V))
		}
	}
}

// lastMask fills s with the next-item example of a window: its last item
// replaced by [MASK] and predicted, the rest as they are.
func lastMask(s *seqInput, items []int32, V int) {
	L := len(items)
	s.tokens = append(s.tokens[:0], items...)
	s.tokens[L-1] = int32(V + 1)
	s.masked = append(s.masked[:0], int32(L-1))
	s.targets = append(s.targets[:0], items[L-1])
}

// nextInput fills s with the input that scores the item following a
// history: the last T-1 items of the history and a [MASK] after them
// (nothing to predict in training terms: targets nil).
func nextInput(s *seqInput, history []int32, T, V int) { nextInputs(s, history, T, V, 1) }

// nextInputs is nextInput with n [MASK] tokens after the last T-n items
// of the history (n < T), all of them scored.
func nextInputs(s *seqInput, history []int32, T, V, n int) {
	if len(history) > T-n {
		history = history[len(history)-(T-n):]
	}
	s.tokens = append(s.tokens[:0], history...)
	s.masked = s.masked[:0]
	for range n {
		s.masked = append(s.masked, int32(len(s.tokens)))
		s.tokens = append(s.tokens, int32(V+1))
	}
	s.targets = nil
}
