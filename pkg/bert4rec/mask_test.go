package bert4rec

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestClozeMask checks, over many draws: at least one masked position per
// example, positions inside the window and ascending, targets the true
// items, inputs changed only at masked positions, and the masking rate and
// the [MASK]/keep/random shares near their parameters.
func TestClozeMask(t *testing.T) {
	const V = 40
	for _, ratio := range []float64{1, 0.8} {
		cfg := DefaultConfig()
		cfg.MaskProb, cfg.MaskTokenRatio = 0.15, ratio
		rng := rand.New(rand.NewPCG(1, 2))
		var s seqInput
		var positions, masked, asMask, kept int
		for n := 0; n < 20000; n++ {
			L := 1 + n%12
			items := make([]int32, L)
			for j := range items {
				items[j] = int32(1 + (n*7+j*3)%V)
			}
			clozeMask(&s, items, cfg, V, n%3 == 0, rng)
			if len(s.masked) == 0 {
				t.Fatalf("window of %d: no masked position", L)
			}
			if len(s.targets) != len(s.masked) || len(s.tokens) != L {
				t.Fatalf("got %d targets for %d masks, %d tokens for %d items", len(s.targets), len(s.masked), len(s.tokens), L)
			}
			if !slices.IsSorted(s.masked) || s.masked[0] < 0 || int(s.masked[len(s.masked)-1]) >= L {
				t.Fatalf("masked positions %v outside 0..%d or unsorted", s.masked, L-1)
			}
			for k, p := range s.masked {
				if s.targets[k] != items[p] {
					t.Fatalf("target at %d: got %d, want the item %d", p, s.targets[k], items[p])
				}
				switch tok := s.tokens[p]; {
				case tok == V+1:
					asMask++
				case tok == items[p]:
					kept++
				case tok < 1 || tok > V:
					t.Fatalf("replacement token %d outside 1..%d", tok, V)
				}
			}
			for j := range items {
				if !slices.Contains(s.masked, int32(j)) && s.tokens[j] != items[j] {
					t.Fatalf("position %d not masked but changed: %d -> %d", j, items[j], s.tokens[j])
				}
			}
			if n%3 == 0 && s.masked[len(s.masked)-1] != int32(L-1) {
				t.Fatalf("forced last: masked %v of %d", s.masked, L)
			}
			positions += L
			masked += len(s.masked)
		}
		// At least one mask per example, and the forced last position in a
		// third of them, raise the rate above 0.15 on these short windows
		// (1..12 items, 130000 positions): about 0.15·130000 + 7700 (no
		// draw) + 0.85·6667·(1-0.15·... ) ≈ 32000, a rate near 0.245.
		rate := float64(masked) / float64(positions)
		if rate < 0.22 || rate > 0.27 {
			t.Errorf("ratio %v: masking rate %.3f, want about 0.245", ratio, rate)
		}
		share := float64(asMask) / float64(masked)
		if d := share - ratio; d < -0.02 || d > 0.02 {
			t.Errorf("ratio %v: [MASK] share %.3f", ratio, share)
		}
		if ratio < 1 {
			keep := float64(kept) / float64(masked)
			if keep < 0.08 || keep > 0.12 {
				t.Errorf("ratio %v: kept share %.3f, want about 0.10", ratio, keep)
			}
		}
	}
}

// TestMasksRedrawnEachEpoch: the same seed and epoch draw the same masks,
// another epoch draws others.
func TestMasksRedrawnEachEpoch(t *testing.T) {
	cfg := DefaultConfig()
	items := []int32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}
	draw := func(epoch uint64) []int32 {
		rng := rand.New(rand.NewPCG(uint64(cfg.Seed), epoch))
		var all []int32
		var s seqInput
		for range 10 {
			clozeMask(&s, items, cfg, 20, false, rng)
			all = append(append(all, s.masked...), -1)
		}
		return all
	}
	if a, b := draw(1), draw(1); !slices.Equal(a, b) {
		t.Errorf("epoch 1 twice: %v and %v", a, b)
	}
	if a, b := draw(1), draw(2); slices.Equal(a, b) {
		t.Errorf("epochs 1 and 2 draw the same masks %v", a)
	}
}

// TestPack: rows hold only real tokens, grouped by length with the
// position ids of left-aligned-to-the-end sequences; masked rows point at
// the masked tokens (never padding) with targets as output indices.
func TestPack(t *testing.T) {
	const T, V, NH = 6, 7, 2
	var b batch
	b.pack(tinyBatch(V), T, V, NH)
	if b.B != 4 || b.N != 6+4+4+1 || b.M != 2+2+1+1 {
		t.Fatalf("got B=%d N=%d M=%d, want 4, 15, 6", b.B, b.N, b.M)
	}
	wantGroups := []group{{off: 0, count: 1, L: 6}, {off: 6, count: 2, L: 4, attOff: NH * 36}, {off: 14, count: 1, L: 1, attOff: NH * (36 + 32)}}
	if !slices.Equal(b.groups, wantGroups) {
		t.Errorf("groups: got %+v, want %+v", b.groups, wantGroups)
	}
	if want := []int32{0, 1, 2, 3, 4, 5, 2, 3, 4, 5, 2, 3, 4, 5, 5}; !slices.Equal(b.pos, want) {
		t.Errorf("positions: got %v, want %v", b.pos, want)
	}
	seqs := tinyBatch(V)
	for k, r := range b.rows {
		s := seqs[b.seqOf[k]]
		if b.ids[r] != s.tokens[s.masked[0]] && b.ids[r] != s.tokens[s.masked[len(s.masked)-1]] {
			t.Errorf("masked row %d holds token %d, not one of sequence %d's masked tokens", r, b.ids[r], b.seqOf[k])
		}
		if b.ids[r] < 1 {
			t.Errorf("masked row %d is padding", r)
		}
	}
	if want := []int32{2, 5, 1, 4, 0, 6}; !slices.Equal(b.targets, want) {
		t.Errorf("targets: got %v, want %v", b.targets, want)
	}
}
