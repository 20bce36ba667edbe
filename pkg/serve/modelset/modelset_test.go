package modelset

import (
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/moviegenie/pipeline/pkg/serve/catalog"
	"github.com/moviegenie/pipeline/pkg/serve/servetest"
)

// TestBatchedScoresEqualSingle checks that BERT4Rec scores computed in
// concurrent batches equal those computed one history at a time, and
// those of the training code.
func TestBatchedScoresEqualSingle(t *testing.T) {
	s, err := Load(Files(servetest.Files(t).App), nil)
	if err != nil {
		t.Fatal(err)
	}
	var hists [][]int32
	for _, u := range s.Catalog.Users[:24] {
		p := s.NewProfile(u.ID, nil, s.profileDemo(u))
		hists = append(hists, p.MovieIDs())
	}
	want := make([][]float32, len(hists))
	for i, h := range hists {
		want[i] = s.BERT4Rec.Score(h)
	}
	// All 24 requests wait while a pass is (said to be) running, as they
	// would behind a slow pass; then the first is handed the lead, as a
	// finishing pass does. Without this a small model answers each
	// request before the next arrives, and nothing is batched.
	b := s.BERT4Rec
	b.mu.Lock()
	b.running = true
	b.mu.Unlock()
	got := make([][]float32, len(hists))
	var wg sync.WaitGroup
	for i, h := range hists {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = b.Score(h) }()
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		b.mu.Lock()
		n := len(b.queue)
		if n == len(hists) {
			b.queue[0].lead = true
			close(b.queue[0].done)
		}
		b.mu.Unlock()
		if n == len(hists) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d requests queued after 10 s, want %d", n, len(hists))
		}
	}
	wg.Wait()
	for i := range hists {
		for j := range want[i] {
			if d := got[i][j] - want[i][j]; d > 1e-4 || d < -1e-4 {
				t.Fatalf("history %d movie %d: got %v batched, want %v", i, j, got[i][j], want[i][j])
			}
		}
	}
	// ... and equal the training code's forward (ScoreNext), which runs
	// every block on every position.
	for i, h := range hists {
		var idx []int32
		for _, id := range h {
			if ix, ok := b.idx[id]; ok {
				idx = append(idx, ix)
			}
		}
		train := make([]float32, b.m.V)
		b.m.ScoreNext([][]int32{idx}, train)
		for j := range train {
			if d := got[i][j] - train[j]; d > 1e-4 || d < -1e-4 {
				t.Fatalf("history %d movie %d: got %v served, want %v (training code's ScoreNext)", i, j, got[i][j], train[j])
			}
		}
	}
	batches, scored := s.BERT4Rec.Stats()
	if want := int64(len(hists) + (len(hists)+maxBatch-1)/maxBatch); scored != int64(2*len(hists)) || batches != want {
		t.Errorf("got %d passes for %d histories, want %d (one per single history, then batches of %d)", batches, scored, want, maxBatch)
	}
}

// TestRecommendNeverSeen checks that no model recommends a movie of the
// history, app ratings included.
func TestRecommendNeverSeen(t *testing.T) {
	s, err := Load(Files(servetest.Files(t).App), nil)
	if err != nil {
		t.Fatal(err)
	}
	u := s.Catalog.Users[41]
	app := []catalog.Rating{{MovieID: 50, Rating: 5, Split: "app"}, {MovieID: 181, Rating: 4, Split: "app"}}
	p := s.NewProfile(u.ID, app, s.profileDemo(u))
	for _, model := range Models {
		res, err := s.Recommend(p, model, 100, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Items) != 100 {
			t.Errorf("%s: got %d items, want 100", model, len(res.Items))
		}
		for _, it := range res.Items {
			if p.Seen[it.Movie.ID] {
				t.Errorf("%s: recommended movie %d of the history", model, it.Movie.ID)
			}
		}
	}
	if _, err := s.Recommend(p, "nope", 5, nil); err == nil {
		t.Error("got no error for an unknown model")
	}
	_ = fmt.Sprint()
}

// TestTopIsSortHead checks the bounded selection of top against the head
// of a full sort (score descending, ties by lower id), with seen movies
// and ties.
func TestTopIsSortHead(t *testing.T) {
	s, err := Load(Files(servetest.Files(t).App), nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := s.BERT4Rec.MovieIDs()
	scores := make([]float32, len(ids))
	seen := map[int32]bool{}
	for i, id := range ids {
		scores[i] = float32((int(id) * 7919) % 13) // many ties
		if id%5 == 0 {
			seen[id] = true
		}
	}
	type cand struct {
		id    int32
		score float32
	}
	var all []cand
	for i, id := range ids {
		if _, ok := s.Catalog.MovieRow(id); ok && !seen[id] {
			all = append(all, cand{id, scores[i]})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		return all[i].score > all[j].score || (all[i].score == all[j].score && all[i].id < all[j].id)
	})
	for _, k := range []int{1, 10, 100, len(all) + 5} {
		got := s.top(ids, scores, seen, k)
		want := all[:min(k, len(all))]
		if len(got) != len(want) {
			t.Fatalf("k=%d: got %d items, want %d", k, len(got), len(want))
		}
		for i := range want {
			if got[i].Movie.ID != want[i].id || float32(got[i].Score) != want[i].score {
				t.Fatalf("k=%d item %d: got movie %d (%v), want %d (%v)", k, i, got[i].Movie.ID, got[i].Score, want[i].id, want[i].score)
			}
		}
	}
}
