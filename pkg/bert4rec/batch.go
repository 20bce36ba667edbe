package bert4rec

import (
	"fmt"
	"slices"
)

// seqInput is one sequence of a batch: its input tokens (items, [MASK] or
// a replacement item at the masked positions), oldest first, and the
// positions to predict with their true items. len(tokens) <= T; the
// sequence is left-aligned to the end, so its last token sits at position
// T-1 and its first at T-len(tokens).
type seqInput struct {
	tokens  []int32 // movie_idx 1..V, or V+1 for [MASK]
	masked  []int32 // positions in tokens (ascending) whose item is predicted
	targets []int32 // the true movie_idx at each masked position (1..V), or nil at inference
}

// group is a run of sequences of the same length, contiguous in the packed
// rows: rows [off, off+count·L). Attention runs on each group with T = L
// and no padding at all.
type group struct {
	off, count, L int
	attOff        int // offset of the group's probabilities in the attention buffer
}

// batch is a set of sequences packed for the forward pass: only real
// tokens are stored (N rows), sequences sorted by decreasing length so that
// equal lengths are contiguous.
type batch struct {
	B, N, M int
	groups  []group
	attLen  int // floats of attention probabilities per layer: Σ NH·L²

	ids     []int32 // [N] input token of each row
	pos     []int32 // [N] position embedding row (T-L+j)
	rows    []int32 // [M] packed row of each masked position
	targets []int32 // [M] target as an output index, movie_idx-1 in [0, V)
	seqOf   []int32 // [M] which input sequence (index into the pack call's slice) each masked row belongs to

	order []int // scratch: sequence order
}

// pack fills b from seqs (reusing b's buffers). T is the model's sequence
// length, V its item count and NH its heads. It panics if a sequence is
// empty or longer than T, or a token or target is out of range (the
// callers build them).
func (b *batch) pack(seqs []seqInput, T, V, NH int) {
	b.B = len(seqs)
	b.order = b.order[:0]
	for i := range seqs {
		b.order = append(b.order, i)
	}
	// Longest first; ties keep input order (stable).
	slices.SortStableFunc(b.order, func(x, y int) int { return len(seqs[y].tokens) - len(seqs[x].tokens) })
	b.ids, b.pos, b.rows, b.targets, b.seqOf = b.ids[:0], b.pos[:0], b.rows[:0], b.targets[:0], b.seqOf[:0]
	b.groups = b.groups[:0]
	b.attLen = 0
	for _, i := range b.order {
		s := &seqs[i]
		L := len(s.tokens)
		if L < 1 || L > T {
			panic(fmt.Sprintf("bert4rec: sequence of length %d, want 1..%d", L, T))
		}
		off := len(b.ids)
		if g := len(b.groups) - 1; g >= 0 && b.groups[g].L == L {
			b.groups[g].count++
		} else {
			b.groups = append(b.groups, group{off: off, count: 1, L: L, attOff: b.attLen})
		}
		b.attLen += NH * L * L
		for j, tok := range s.tokens {
			if tok < 1 || int(tok) > V+1 {
				panic(fmt.Sprintf("bert4rec: token %d outside 1..%d", tok, V+1))
			}
			b.ids = append(b.ids, tok)
			b.pos = append(b.pos, int32(T-L+j))
		}
		for k, p := range s.masked {
			if p < 0 || int(p) >= L {
				panic(fmt.Sprintf("bert4rec: masked position %d outside a sequence of %d", p, L))
			}
			b.rows = append(b.rows, int32(off)+p)
			b.seqOf = append(b.seqOf, int32(i))
			t := int32(0)
			if s.targets != nil {
				t = s.targets[k] - 1
				if t < 0 || int(t) >= V {
					panic(fmt.Sprintf("bert4rec: target %d outside 1..%d", t+1, V))
				}
			}
			b.targets = append(b.targets, t)
		}
	}
	b.N, b.M = len(b.ids), len(b.rows)
}
