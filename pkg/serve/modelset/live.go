package modelset

import (
	"sync"

	"github.com/moviegenie/pipeline/pkg/bert4rec"
	"github.com/moviegenie/pipeline/pkg/recommend"
	"github.com/moviegenie/pipeline/pkg/twotower"
)

// maxBatch bounds the histories BERT4Rec scores in one forward pass. A
// pass over 8 full histories costs about what 8 passes' worth of a larger
// batch does per history, and small passes keep the tail short: a request
// that just missed a pass waits for at most 8 histories' work before its
// own starts, not for a pass over every request in flight.
const maxBatch = 8

// BERT4Rec serves a BERT4Rec model to concurrent requests by batching
// them: the first request to arrive runs a forward pass over every
// request waiting at that moment (up to maxBatch), the others wait for
// it; when it is done, the next waiting request leads the next batch. One
// pass over 32 histories costs far less than 32 passes over one, and the
// model's inference buffers are never shared by two passes.
type BERT4Rec struct {
	m   *bert4rec.Model
	sc  *bert4rec.Scorer // run by the batch leader only
	idx map[int32]int32  // movie id -> movie_idx (1-based)

	mu              sync.Mutex
	queue           []*bertReq
	running         bool
	batches, scored int64
}

type bertReq struct {
	hist []int32
	out  []float32
	lead bool
	done chan struct{}
}

func newBERT4Rec(m *bert4rec.Model) *BERT4Rec {
	idx := make(map[int32]int32, len(m.MovieIDs))
	for i, id := range m.MovieIDs {
		idx[id] = int32(i + 1)
	}
	return &BERT4Rec{m: m, sc: bert4rec.NewScorer(m), idx: idx}
}

// Knows reports whether the model has the movie in its vocabulary.
func (b *BERT4Rec) Knows(id int32) bool { _, ok := b.idx[id]; return ok }

// MovieIDs are the model's movies (movie_idx-1 order).
func (b *BERT4Rec) MovieIDs() []int32 { return b.m.MovieIDs }

// Score returns the model's score of every movie (indexed like MovieIDs)
// as the next one after history (movie ids, oldest first; movies the model
// does not know are left out).
func (b *BERT4Rec) Score(history []int32) []float32 {
	hist := make([]int32, 0, len(history))
	for _, id := range history {
		if ix, ok := b.idx[id]; ok {
			hist = append(hist, ix)
		}
	}
	req := &bertReq{hist: hist, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, req)
	if b.running {
		b.mu.Unlock()
		<-req.done
		if !req.lead {
			return req.out
		}
		b.mu.Lock()
	}
	b.running = true
	n := min(len(b.queue), maxBatch)
	batch := append([]*bertReq(nil), b.queue[:n]...)
	b.queue = append(b.queue[:0], b.queue[n:]...)
	b.batches++
	b.scored += int64(n)
	b.mu.Unlock()

	V := b.m.V
	hs := make([][]int32, len(batch))
	for i, r := range batch {
		hs[i] = r.hist
	}
	out := make([]float32, len(batch)*V)
	b.sc.Score(hs, out)
	for i, r := range batch {
		r.out = out[i*V : (i+1)*V : (i+1)*V]
	}

	b.mu.Lock()
	if len(b.queue) > 0 {
		next := b.queue[0]
		next.lead = true
		close(next.done)
	} else {
		b.running = false
	}
	b.mu.Unlock()
	for _, r := range batch {
		if r != req {
			close(r.done)
		}
	}
	return req.out
}

// Stats returns the forward passes run and the histories scored.
func (b *BERT4Rec) Stats() (batches, scored int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.batches, b.scored
}

// TwoTower serves a two-tower model. The user tower runs under a mutex
// (its buffers are the model's); the movie vectors are computed once.
type TwoTower struct {
	mu        sync.Mutex
	m         *twotower.Model
	movieVecs []float32 // [N, D], unit length
	movieIdx  map[int32]int32
	userIdx   map[int32]int
	meanAff   []float32
}

func newTwoTower(m *twotower.Model) *TwoTower {
	t := &TwoTower{m: m, movieIdx: map[int32]int32{}, userIdx: map[int32]int{}, meanAff: m.Users.MeanAffinity(m.Sizes.Genres)}
	for i, id := range m.Movies.MovieIDs {
		t.movieIdx[id] = int32(i)
	}
	for i, id := range m.Users.UserIDs {
		t.userIdx[id] = i
	}
	t.movieVecs = make([]float32, m.Sizes.Movies*m.Cfg.D())
	m.MovieVectors(t.movieVecs)
	return t
}

// MovieIDs are the model's movies (row order of its vectors and scores).
func (t *TwoTower) MovieIDs() []int32 { return t.m.Movies.MovieIDs }

// MovieVector returns the movie's unit-length vector (nil if unknown).
func (t *TwoTower) MovieVector(id int32) []float32 {
	n, ok := t.movieIdx[id]
	if !ok {
		return nil
	}
	D := t.m.Cfg.D()
	return t.movieVecs[int(n)*D : int(n+1)*D]
}

// Dim is the vectors' dimension.
func (t *TwoTower) Dim() int { return t.m.Cfg.D() }

// Score returns the model's score of every movie (indexed like MovieIDs)
// for a user. A user the model knows (userID among its users) keeps its
// id embedding and demographics, with the genre affinity of its whole
// history (data and app ratings) instead of the training-time one; anyone
// else is the model's unknown user with the demographics of q (missing
// ones get the expected embedding) and the affinity of the history (the
// users' mean if there is none). history holds movie ids; unknown movies
// are left out.
func (t *TwoTower) Score(userID int32, history []int32, q recommend.Query) ([]float32, error) {
	m := t.m
	G := m.Sizes.Genres
	aff := make([]float32, G)
	n := 0
	for _, id := range history {
		row, ok := t.movieIdx[id]
		if !ok {
			continue
		}
		for k, x := range m.Movies.Genres[int(row)*G : int(row+1)*G] {
			aff[k] += x
		}
		n++
	}
	for k := range aff {
		aff[k] /= float32(max(n, 1))
	}
	var row twotower.UserRow
	if i, ok := t.userIdx[userID]; ok && userID != 0 {
		us := m.Users
		row = twotower.UserRow{ID: int32(i), Gender: us.Gender[i], AgeBucket: us.AgeBucket[i],
			Occupation: us.Occupation[i], ZipRegion: us.ZipRegion[i], Affinity: aff}
		if n == 0 {
			row.Affinity = us.Affinity[i*G : (i+1)*G]
		}
	} else {
		g, a, o, z, err := m.Demographics(q)
		if err != nil {
			return nil, err
		}
		row = twotower.UserRow{ID: m.UnknownUser(), Gender: g, AgeBucket: a, Occupation: o, ZipRegion: z, Affinity: aff}
		if n == 0 {
			row.Affinity = t.meanAff
		}
	}
	out := make([]float32, m.Sizes.Movies)
	u := make([]float32, m.Cfg.D())
	t.mu.Lock()
	m.UserVectors([]twotower.UserRow{row}, u)
	t.mu.Unlock()
	m.Score(out, u, 1, t.movieVecs)
	return out, nil
}
