package modelset

import (
	"errors"
	"fmt"
	"sort"

	"github.com/moviegenie/pipeline/pkg/recommend"
	"github.com/moviegenie/pipeline/pkg/semantic"
	"github.com/moviegenie/pipeline/pkg/serve/catalog"
)

// Models are the recommenders Recommend takes.
var Models = []string{"bert4rec", "twotower", "popularity"}

// Errors of a bad request.
var (
	ErrUnknownModel = errors.New("unknown model")
	ErrNoHistory    = errors.New("bert4rec recommends from a history: give at least one movie")
	ErrBadDemo      = errors.New("bad demographics")
)

// reasonWindow is how many of the latest history movies can be a reason.
const reasonWindow = 50

// Profile is who recommendations are for: a user's whole history (the
// data's ratings in time order, then the app's, a movie re-rated in the
// app counting once, at its app time) and demographics.
type Profile struct {
	UserID  int32
	History []catalog.Rating // oldest first; app ratings have Split "app"
	Seen    map[int32]bool
	Demo    recommend.Query // Age, Gender, Occupation, ZipCode
}

// NewProfile merges the data's ratings of userID (none for a user made in
// the app) with app ratings (oldest first).
func (s *Set) NewProfile(userID int32, app []catalog.Rating, demo recommend.Query) *Profile {
	data := s.Catalog.Ratings(userID)
	p := &Profile{UserID: userID, Seen: make(map[int32]bool, len(data)+len(app)), Demo: demo}
	again := make(map[int32]bool, len(app))
	for _, r := range app {
		again[r.MovieID] = true
	}
	p.History = make([]catalog.Rating, 0, len(data)+len(app))
	for _, r := range data {
		if !again[r.MovieID] {
			p.History = append(p.History, r)
		}
	}
	p.History = append(p.History, app...)
	for _, r := range p.History {
		p.Seen[r.MovieID] = true
	}
	return p
}

// MovieIDs returns the profile's history as movie ids, oldest first.
func (p *Profile) MovieIDs() []int32 {
	out := make([]int32, len(p.History))
	for i, r := range p.History {
		out[i] = r.MovieID
	}
	return out
}

// Reason says why a movie is recommended: the movie of the history most
// like it.
type Reason struct {
	MovieID    int32   `json:"movie_id"`
	Title      string  `json:"title"`
	Similarity float64 `json:"similarity"`
	Text       string  `json:"text"`
}

// Item is one recommended movie.
type Item struct {
	Movie  *catalog.Movie `json:"movie"`
	Score  float64        `json:"score"`
	Reason *Reason        `json:"reason,omitempty"`
}

// Result is a list of recommendations and the model that made it.
type Result struct {
	Model string `json:"model"`
	// Note explains a fallback (e.g. no history yet for BERT4Rec).
	Note  string `json:"note,omitempty"`
	Items []Item `json:"items"`
}

// Recommend returns the k best movies of a model for the profile, never
// one it has seen, each with a reason. genres (ids) restricts popularity
// to movies of those genres.
func (s *Set) Recommend(p *Profile, model string, k int, genres []int) (*Result, error) {
	res := &Result{Model: model}
	var ids []int32
	var scores []float32
	switch model {
	case "bert4rec":
		hist := p.MovieIDs()
		if len(hist) == 0 {
			if !hasDemo(p.Demo) {
				return nil, ErrNoHistory
			}
			res.Model, res.Note = "twotower", "no history yet: Two-Tower cold start from the demographics"
			return s.Recommend(p, "twotower", k, genres)
		}
		ids, scores = s.BERT4Rec.MovieIDs(), s.BERT4Rec.Score(hist)
	case "twotower":
		var err error
		ids = s.TwoTower.MovieIDs()
		if scores, err = s.TwoTower.Score(p.UserID, p.MovieIDs(), p.Demo); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadDemo, err) // err may be twotower.ErrNoDemographics
		}
	case "popularity":
		res.Items = s.popular(p.Seen, genres, k)
		s.addReasons(p, res.Items)
		return res, nil
	default:
		return nil, fmt.Errorf("%w %q: want one of bert4rec, twotower, popularity", ErrUnknownModel, model)
	}
	res.Items = s.top(ids, scores, p.Seen, k)
	s.addReasons(p, res.Items)
	return res, nil
}

func hasDemo(q recommend.Query) bool {
	return q.Age != 0 || q.Gender != "" || q.Occupation != "" || q.ZipCode != ""
}

// top returns the k best-scored catalogue movies not seen, best first,
// ties by lower movie id. It keeps the k best in a bounded heap while it
// scans the scores (sorting every movie cost more than the rest of a
// request but the model's pass).
func (s *Set) top(ids []int32, scores []float32, seen map[int32]bool, k int) []Item {
	type cand struct {
		id    int32
		score float32
	}
	// before reports whether a ranks before b.
	before := func(a, b cand) bool { return a.score > b.score || (a.score == b.score && a.id < b.id) }
	heap := make([]cand, 0, k) // heap[0]: the worst of the best so far
	down := func(i int) {
		for {
			w, l, r := i, 2*i+1, 2*i+2
			if l < len(heap) && before(heap[w], heap[l]) {
				w = l
			}
			if r < len(heap) && before(heap[w], heap[r]) {
				w = r
			}
			if w == i {
				return
			}
			heap[i], heap[w] = heap[w], heap[i]
			i = w
		}
	}
	for i, id := range ids {
		c := cand{id, scores[i]}
		if k == 0 || (len(heap) == k && !before(c, heap[0])) || seen[id] {
			continue
		}
		if _, ok := s.Catalog.MovieRow(id); !ok {
			continue
		}
		if len(heap) < k {
			heap = append(heap, c)
			for j := len(heap) - 1; j > 0 && before(heap[(j-1)/2], heap[j]); j = (j - 1) / 2 {
				heap[(j-1)/2], heap[j] = heap[j], heap[(j-1)/2]
			}
			continue
		}
		heap[0] = c
		down(0)
	}
	sort.Slice(heap, func(i, j int) bool { return before(heap[i], heap[j]) })
	items := make([]Item, 0, len(heap))
	for _, c := range heap {
		m, _ := s.Catalog.Movie(c.id)
		items = append(items, Item{Movie: m, Score: float64(c.score)})
	}
	return items
}

// popular returns the most rated movies not seen, of the genres if any.
func (s *Set) popular(seen map[int32]bool, genres []int, k int) []Item {
	ms, _ := s.Catalog.List(catalog.Filter{Genres: genres, Sort: "popular", Exclude: seen}, 1, k)
	items := make([]Item, len(ms))
	for i, m := range ms {
		items[i] = Item{Movie: m, Score: float64(m.NRatings)}
	}
	return items
}

// addReasons gives each item the movie among the latest reasonWindow of
// the history whose Two-Tower movie vector has the highest cosine with
// the item's (the movie of the history it is most like, as the model sees
// movies); ties go to the more recent movie.
func (s *Set) addReasons(p *Profile, items []Item) {
	lo := max(0, len(p.History)-reasonWindow)
	recent := p.History[lo:]
	// The history's vectors, looked up once (most recent first, so that
	// the first of equal cosines is the more recent movie).
	ids := make([]int32, 0, len(recent))
	vecs := make([][]float32, 0, len(recent))
	for j := len(recent) - 1; j >= 0; j-- {
		if w := s.TwoTower.MovieVector(recent[j].MovieID); w != nil {
			ids, vecs = append(ids, recent[j].MovieID), append(vecs, w)
		}
	}
	for i := range items {
		v := s.TwoTower.MovieVector(items[i].Movie.ID)
		if v == nil {
			continue
		}
		best, bestSim := int32(0), float32(-2)
		for j, w := range vecs {
			if d := dot(v, w); d > bestSim {
				best, bestSim = ids[j], d
			}
		}
		if m, ok := s.Catalog.Movie(best); ok {
			items[i].Reason = &Reason{MovieID: best, Title: m.Title, Similarity: round3(float64(bestSim)),
				Text: "because you watched " + m.Title}
		}
	}
}

// dot is the inner product of two vectors of equal length, over four
// accumulators.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	k := 0
	for ; k+4 <= len(a); k += 4 {
		s0 += a[k] * b[k]
		s1 += a[k+1] * b[k+1]
		s2 += a[k+2] * b[k+2]
		s3 += a[k+3] * b[k+3]
	}
	for ; k < len(a); k++ {
		s0 += a[k] * b[k]
	}
	return (s0 + s1) + (s2 + s3)
}

func round3(x float64) float64 {
	if x < 0 {
		return -float64(int64(-x*1000+0.5)) / 1000
	}
	return float64(int64(x*1000+0.5)) / 1000
}

// Because is the "because you watched X" row: X is the latest movie of
// the history rated LikedRating or more, and the movies are X's
// co-occurrence neighbours (what X's viewers watched, from the semantic
// index) the user has not seen, then the closest Two-Tower vectors to X.
type Because struct {
	Movie *catalog.Movie `json:"movie"`
	Items []Item         `json:"items"`
}

// BecauseYouWatched returns the row, or nil when nothing in the history
// was liked.
func (s *Set) BecauseYouWatched(p *Profile, k int) *Because {
	for i := len(p.History) - 1; i >= 0; i-- {
		r := p.History[i]
		if r.Rating < float64(s.Catalog.LikedRating) {
			continue
		}
		m, ok := s.Catalog.Movie(r.MovieID)
		if !ok {
			continue
		}
		b := &Because{Movie: m, Items: []Item{}}
		taken := map[int32]bool{}
		sim := s.Similar(m.ID)
		for _, list := range [][]Neighbour{sim.Cooccurrence, sim.TwoTower} {
			for _, n := range list {
				if len(b.Items) == k || p.Seen[n.Movie.ID] || taken[n.Movie.ID] {
					continue
				}
				taken[n.Movie.ID] = true
				b.Items = append(b.Items, Item{Movie: n.Movie, Score: n.Score,
					Reason: &Reason{MovieID: m.ID, Title: m.Title, Similarity: n.Score, Text: "because you watched " + m.Title}})
			}
		}
		return b
	}
	return nil
}

// Search runs a semantic search; with a profile, blended with the user's
// BERT4Rec scores exactly as `semantic search --user` does: the scores of
// the model for the user's train and validation history (plus the app's
// ratings), and never a movie the user rated. Answers without a profile
// are kept (searchCache); the returned Response must not be modified.
func (s *Set) Search(q string, k int, p *Profile) (*semantic.Response, error) {
	opt := semantic.Options{K: k}
	if p == nil {
		if r, ok := s.searches.get(q, k); ok {
			return r, nil
		}
		r, err := s.Index.Search(q, s.SearchCfg, opt)
		if err != nil {
			return nil, err
		}
		if r.Results == nil {
			r.Results = []semantic.Result{}
		}
		s.searches.put(q, k, r)
		return r, nil
	}
	var hist []int32
	for _, r := range p.History {
		if r.Split != "test" {
			hist = append(hist, r.MovieID)
		}
	}
	scores := map[int32]float32{}
	if len(hist) > 0 {
		out := s.BERT4Rec.Score(hist)
		for i, id := range s.BERT4Rec.MovieIDs() {
			scores[id] = out[i]
		}
	}
	opt.Personal = &semantic.Personal{Scores: scores, Exclude: p.Seen}
	r, err := s.Index.Search(q, s.SearchCfg, opt)
	if err == nil && r.Results == nil {
		r.Results = []semantic.Result{}
	}
	return r, err
}

// profileDemo is a data user's demographics as a query.
func (s *Set) profileDemo(u catalog.User) recommend.Query {
	return recommend.Query{Age: u.Age, Gender: u.Gender, Occupation: u.Occupation, ZipCode: u.ZipCode}
}
