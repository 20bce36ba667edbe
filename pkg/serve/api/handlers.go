package api

import (
	"errors"
	"math"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/moviegenie/pipeline/pkg/monitor"
	"github.com/moviegenie/pipeline/pkg/movielens"
	"github.com/moviegenie/pipeline/pkg/recommend"
	"github.com/moviegenie/pipeline/pkg/semantic"
	"github.com/moviegenie/pipeline/pkg/serve/appstore"
	"github.com/moviegenie/pipeline/pkg/serve/catalog"
	"github.com/moviegenie/pipeline/pkg/serve/modelset"
	"github.com/moviegenie/pipeline/pkg/twotower"
)

func (s *Server) health(w http.ResponseWriter, r *http.Request, set *modelset.Set) error {
	users, ratings := s.cfg.Store.Counts()
	type run struct {
		Stage      string `json:"stage"`
		ParamsHash string `json:"params_hash"`
		FinishedAt string `json:"finished_at"`
	}
	runs := []run{}
	for _, r := range set.Catalog.Runs {
		runs = append(runs, run{r.Stage, r.ParamsHash, r.FinishedAt})
	}
	db := set.Files[0]
	writeJSON(w, http.StatusOK, map[string]any{
		"status": "ok",
		"models": set.Models(),
		"database": map[string]any{
			"file": db.Path, "sha256": db.SHA256, "modified_at": db.ModTime,
			"built_at": set.Catalog.Meta["built_at"], "movies": len(set.Catalog.Movies), "users": len(set.Catalog.Users),
			"runs": runs,
		},
		"app_store":  map[string]any{"file": s.cfg.Store.Path(), "users": users, "ratings": ratings},
		"loaded_at":  set.LoadedAt,
		"generation": set.Generation,
		"go_version": runtime.Version(),
	})
	return nil
}

func (s *Server) genres(w http.ResponseWriter, r *http.Request, set *modelset.Set) error {
	out := []string{}
	for _, g := range set.Catalog.Genres {
		if g != "" && g != "unknown" {
			out = append(out, g)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"genres": out})
	return nil
}

// genreParam parses genre (repeatable, or comma-separated) into ids.
func genreParam(r *http.Request, c *catalog.Catalog) ([]int, error) {
	var ids []int
	for _, v := range r.URL.Query()["genre"] {
		for _, name := range strings.Split(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			id, ok := c.GenreID(name)
			if !ok {
				for i, g := range c.Genres {
					if strings.EqualFold(g, name) {
						id, ok = i, true
					}
				}
			}
			if !ok {
				return nil, errorf(http.StatusBadRequest, CodeBadParam, "genre=%q: not a genre of the catalogue (GET /api/genres lists them)", clip(name))
			}
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func (s *Server) movies(w http.ResponseWriter, r *http.Request, set *modelset.Set) error {
	q := r.URL.Query()
	f := catalog.Filter{Q: q.Get("q"), Sort: q.Get("sort")}
	if len(f.Q) > semantic.MaxQueryBytes {
		return errorf(http.StatusBadRequest, CodeBadParam, "q: %d bytes, at most %d", len(f.Q), semantic.MaxQueryBytes)
	}
	if f.Sort == "" {
		f.Sort = "popular"
	}
	ok := false
	for _, s := range catalog.Sorts {
		ok = ok || s == f.Sort
	}
	if !ok {
		return errorf(http.StatusBadRequest, CodeBadParam, "sort=%q: want one of %s", clip(f.Sort), strings.Join(catalog.Sorts, ", "))
	}
	var err error
	if f.Genres, err = genreParam(r, set.Catalog); err != nil {
		return err
	}
	if f.YearFrom, err = intParam(r, "year_from", 0, 1800, 2100); err != nil {
		return err
	}
	if f.YearTo, err = intParam(r, "year_to", 0, 1800, 2100); err != nil {
		return err
	}
	if f.YearFrom != 0 && f.YearTo != 0 && f.YearFrom > f.YearTo {
		return errorf(http.StatusBadRequest, CodeBadParam, "year_from=%d is after year_to=%d", f.YearFrom, f.YearTo)
	}
	p, size, err := page(r, 20)
	if err != nil {
		return err
	}
	ms, total := set.Catalog.List(f, p, size)
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "page": p, "page_size": size, "items": ms})
	return nil
}

func (s *Server) movie(w http.ResponseWriter, r *http.Request, set *modelset.Set) error {
	id, err := pathID(r, "movie")
	if err != nil {
		return err
	}
	m, ok := set.Catalog.Movie(id)
	if !ok {
		return errorf(http.StatusNotFound, CodeNotFound, "movie %d not found", id)
	}
	writeJSON(w, http.StatusOK, struct {
		*catalog.Movie
		Similar *modelset.Similar `json:"similar"`
	}{m, set.Similar(id)})
	return nil
}

func (s *Server) search(w http.ResponseWriter, r *http.Request, set *modelset.Set) error {
	q := r.URL.Query().Get("q")
	if err := semantic.CheckQuery(q); err != nil {
		return errorf(http.StatusBadRequest, CodeBadParam, "q: %v", err)
	}
	k, err := intParam(r, "k", 10, 1, 100)
	if err != nil {
		return err
	}
	var p *modelset.Profile
	if _, given := r.URL.Query()["user_id"]; given {
		uid, err := intParam(r, "user_id", 0, 1, 1<<31-1)
		if err != nil {
			return err
		}
		if p, err = s.profile(set, int32(uid)); err != nil {
			return err
		}
	}
	resp, err := set.Search(q, k, p)
	if err != nil {
		var bad = []error{semantic.ErrEmptyQuery, semantic.ErrQueryTooLong, semantic.ErrInvalidUTF8, semantic.ErrBadK}
		for _, b := range bad {
			if errors.Is(err, b) {
				return errorf(http.StatusBadRequest, CodeBadParam, "%v", err)
			}
		}
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// profile builds the profile of a user of the data or of the app; an
// unknown user is a 404.
func (s *Server) profile(set *modelset.Set, id int32) (*modelset.Profile, error) {
	var demo recommend.Query
	if u, ok := set.Catalog.User(id); ok {
		demo = recommend.Query{Age: u.Age, Gender: u.Gender, Occupation: u.Occupation, ZipCode: u.ZipCode}
	} else if u, ok := s.cfg.Store.User(id); ok {
		demo = recommend.Query{Age: u.Age, Gender: u.Gender, Occupation: u.Occupation, ZipCode: u.ZipCode}
	} else {
		return nil, errorf(http.StatusNotFound, CodeNotFound, "user %d not found", id)
	}
	var app []catalog.Rating
	for _, r := range s.cfg.Store.Ratings(id) {
		if _, ok := set.Catalog.Movie(r.MovieID); ok {
			app = append(app, catalog.Rating{MovieID: r.MovieID, Rating: float64(r.Rating), Timestamp: r.Timestamp, Split: "app"})
		}
	}
	return set.NewProfile(id, app, demo), nil
}

func (s *Server) user(w http.ResponseWriter, r *http.Request, set *modelset.Set) error {
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	p, err := s.profile(set, id)
	if err != nil {
		return err
	}
	out := map[string]any{"user_id": id}
	if u, ok := set.Catalog.User(id); ok {
		out["source"] = "data"
		demoJSON(out, u.Age, u.Gender, u.Occupation, u.ZipCode)
	} else {
		u, _ := s.cfg.Store.User(id)
		out["source"] = "app"
		demoJSON(out, u.Age, u.Gender, u.Occupation, u.ZipCode)
		out["created_at"] = u.CreatedAt
	}
	n, app, sum := len(p.History), 0, 0.0
	var first, last int64
	for i, h := range p.History {
		sum += h.Rating
		if h.Split == "app" {
			app++
		}
		if i == 0 || h.Timestamp < first {
			first = h.Timestamp
		}
		last = max(last, h.Timestamp)
	}
	out["n_ratings"], out["n_app_ratings"] = n, app
	if n > 0 {
		out["mean_rating"] = float64(int(float64(sum)/float64(n)*1000+0.5)) / 1000
		out["first_rated_at"], out["last_rated_at"] = first, last
	} else {
		out["mean_rating"] = nil
	}
	out["favourite_genres"] = set.Catalog.FavouriteGenres(p.History)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// demoJSON sets a user's demographics in out, each null when unknown (a
// dataset without demographics, or a field left out at sign-up), never 0
// or "".
func demoJSON(out map[string]any, age int, gender, occupation, zip string) {
	out["age"], out["gender"], out["occupation"], out["zip_code"] = nonzero(age), nonempty(gender), nonempty(occupation), nonempty(zip)
}

func nonzero(v int) any {
	if v == 0 {
		return nil
	}
	return v
}

func nonempty(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// historyItem is one rating of a user's history.
type historyItem struct {
	Movie     *catalog.Movie `json:"movie"`
	Rating    float64        `json:"rating"`
	Timestamp int64          `json:"timestamp"`
	RatedAt   string         `json:"rated_at"`
	Source    string         `json:"source"` // "data" or "app"
	Split     string         `json:"split,omitempty"`
}

func (s *Server) history(w http.ResponseWriter, r *http.Request, set *modelset.Set) error {
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	pg, size, err := page(r, 20)
	if err != nil {
		return err
	}
	p, err := s.profile(set, id)
	if err != nil {
		return err
	}
	// Most recent first: the merged history is oldest first, app
	// ratings (given now) last.
	items := []historyItem{}
	total := len(p.History)
	lo := (pg - 1) * size
	for i := lo; i < min(total, lo+size) && lo < total; i++ {
		h := p.History[total-1-i]
		m, _ := set.Catalog.Movie(h.MovieID)
		it := historyItem{Movie: m, Rating: h.Rating, Timestamp: h.Timestamp,
			RatedAt: time.Unix(h.Timestamp, 0).UTC().Format(time.RFC3339), Source: "data", Split: h.Split}
		if h.Split == "app" {
			it.Source, it.Split = "app", ""
		}
		items = append(items, it)
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": id, "total": total, "page": pg, "page_size": size, "items": items})
	return nil
}

// modelParam reads model (default def).
func modelParam(v, def string) (string, error) {
	if v == "" {
		return def, nil
	}
	for _, m := range modelset.Models {
		if v == m {
			return v, nil
		}
	}
	return "", errorf(http.StatusBadRequest, CodeUnknownModel, "model %q: want one of %s", clip(v), strings.Join(modelset.Models, ", "))
}

func (s *Server) userRecommendations(w http.ResponseWriter, r *http.Request, set *modelset.Set) error {
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if len(q["model"]) > 1 {
		return errorf(http.StatusBadRequest, CodeBadParam, "model: given %d times, want once", len(q["model"]))
	}
	model, err := modelParam(q.Get("model"), "bert4rec")
	if err != nil {
		return err
	}
	k, err := intParam(r, "k", 10, 1, 100)
	if err != nil {
		return err
	}
	genres, err := genreParam(r, set.Catalog)
	if err != nil {
		return err
	}
	if len(genres) > 0 && model != "popularity" {
		return errorf(http.StatusBadRequest, CodeBadParam, "genre: only model=popularity takes genres")
	}
	p, err := s.profile(set, id)
	if err != nil {
		return err
	}
	res, err := set.Recommend(p, model, k, genres)
	if err != nil {
		return recommendError(err)
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": id, "model": res.Model, "note": res.Note, "items": nonNil(res.Items)})
	return nil
}

func nonNil(items []modelset.Item) []modelset.Item {
	if items == nil {
		return []modelset.Item{}
	}
	return items
}

func recommendError(err error) error {
	switch {
	case errors.Is(err, modelset.ErrUnknownModel):
		return errorf(http.StatusBadRequest, CodeUnknownModel, "%v", err)
	case errors.Is(err, twotower.ErrNoDemographics):
		return errorf(http.StatusBadRequest, CodeBadParam,
			"demographics given, but the Two-Tower model was trained on a dataset without them (no age, gender, occupation or zip code), so it has no demographic cold start: give a history of rated movies instead")
	case errors.Is(err, modelset.ErrNoHistory), errors.Is(err, modelset.ErrBadDemo):
		return errorf(http.StatusBadRequest, CodeBadParam, "%v", err)
	}
	return err
}

func (s *Server) because(w http.ResponseWriter, r *http.Request, set *modelset.Set) error {
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	k, err := intParam(r, "k", 10, 1, 100)
	if err != nil {
		return err
	}
	p, err := s.profile(set, id)
	if err != nil {
		return err
	}
	b := set.BecauseYouWatched(p, k)
	if b == nil {
		writeJSON(w, http.StatusOK, map[string]any{"user_id": id, "movie": nil, "items": []modelset.Item{}})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": id, "movie": b.Movie, "items": b.Items})
	return nil
}

// newUser is the body of POST /api/users.
type newUser struct {
	Age        int    `json:"age"`
	Gender     string `json:"gender"`
	Occupation string `json:"occupation"`
	ZipCode    string `json:"zip_code"`
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, set *modelset.Set) error {
	var b newUser
	if err := decodeBody(w, r, &b); err != nil {
		return err
	}
	u, err := s.checkDemo(set, recommend.Query{Age: b.Age, Gender: b.Gender, Occupation: b.Occupation, ZipCode: b.ZipCode})
	if err != nil {
		return err
	}
	if s.cfg.RawMaxUserID <= 0 {
		return errorf(http.StatusServiceUnavailable, CodeUnavailable,
			"new users are off: the raw data's user ids are unknown (see the server's log), and a new id could collide with one")
	}
	created, err := s.cfg.Store.CreateUser(appstore.User{Age: u.Age, Gender: u.Gender, Occupation: u.Occupation, ZipCode: u.ZipCode},
		max(set.Catalog.MaxUserID(), s.cfg.RawMaxUserID)+1)
	if err != nil {
		return err
	}
	out := map[string]any{"user_id": created.ID, "source": "app", "created_at": created.CreatedAt}
	demoJSON(out, created.Age, created.Gender, created.Occupation, created.ZipCode)
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// checkDemo validates optional demographics, normalising gender and
// occupation to the catalogue's spelling.
func (s *Server) checkDemo(set *modelset.Set, q recommend.Query) (recommend.Query, error) {
	if q.Age != 0 && (q.Age < 1 || q.Age > 120) {
		return q, errorf(http.StatusBadRequest, CodeBadBody, "age %d: want 1..120", q.Age)
	}
	q.Gender = strings.ToUpper(strings.TrimSpace(q.Gender))
	if q.Gender != "" && q.Gender != "M" && q.Gender != "F" {
		return q, errorf(http.StatusBadRequest, CodeBadBody, "gender %q: want M or F", clip(q.Gender))
	}
	if o := strings.TrimSpace(q.Occupation); o != "" {
		found := false
		for _, name := range set.Catalog.Occupations {
			if strings.EqualFold(name, o) {
				q.Occupation, found = name, true
			}
		}
		if !found && len(set.Catalog.Occupations) == 0 {
			return q, errorf(http.StatusBadRequest, CodeBadBody, "occupation %q: this dataset has no occupations (no demographics)", clip(o))
		}
		if !found {
			return q, errorf(http.StatusBadRequest, CodeBadBody, "occupation %q: want one of %s", clip(o), strings.Join(set.Catalog.Occupations, ", "))
		}
	}
	if len(q.ZipCode) > 10 {
		return q, errorf(http.StatusBadRequest, CodeBadBody, "zip_code: at most 10 characters")
	}
	return q, nil
}

// ratingRule checks a rating against the rule of the data's dataset:
// whole stars 1..5 (ML-100K, ML-1M, own csv data), or 0.5..5 in steps of
// 0.5 on the half-star releases (ML-10M and later); rule says which.
func ratingRule(set *modelset.Set, r float64) (ok bool, rule string) {
	if f, err := movielens.Lookup(set.Catalog.Dataset()); err == nil && f.HalfStars && f.Syntax != movielens.SyntaxOwn {
		return appstore.ValidRating(r), "0.5 to 5 in steps of 0.5 (" + f.Name + " has half stars)"
	}
	return r == math.Trunc(r) && r >= 1 && r <= 5, "a whole number of stars from 1 to 5"
}

// newRating is the body of POST /api/users/{id}/ratings. Rating is a
// json.Number so that 4.5 is refused rather than truncated.
type newRating struct {
	MovieID *int64   `json:"movie_id"`
	Rating  *float64 `json:"rating"`
}

func (s *Server) rate(w http.ResponseWriter, r *http.Request, set *modelset.Set) error {
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	var b newRating
	if err := decodeBody(w, r, &b); err != nil {
		return err
	}
	if b.MovieID == nil || b.Rating == nil {
		return errorf(http.StatusBadRequest, CodeBadBody, "body: movie_id and rating are required")
	}
	if ok, rule := ratingRule(set, *b.Rating); !ok {
		return errorf(http.StatusBadRequest, CodeBadBody, "rating %s: want %s", strconv.FormatFloat(*b.Rating, 'g', 6, 64), rule)
	}
	if *b.MovieID < 1 || *b.MovieID > 1<<31-1 {
		return errorf(http.StatusBadRequest, CodeBadBody, "movie_id %d: want a positive integer", *b.MovieID)
	}
	if _, err := s.profile(set, id); err != nil {
		return err
	}
	m, ok := set.Catalog.Movie(int32(*b.MovieID))
	if !ok {
		return errorf(http.StatusNotFound, CodeNotFound, "movie %d not found", *b.MovieID)
	}
	saved, err := s.cfg.Store.AddRating(id, m.ID, *b.Rating)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"user_id": saved.UserID, "movie_id": saved.MovieID, "rating": saved.Rating,
		"timestamp": saved.Timestamp, "movie": m})
	return nil
}

// adHoc is the body of POST /api/recommendations.
type adHoc struct {
	History    []int64 `json:"history"`
	Age        int     `json:"age"`
	Gender     string  `json:"gender"`
	Occupation string  `json:"occupation"`
	ZipCode    string  `json:"zip_code"`
	Model      string  `json:"model"`
	K          *int    `json:"k"`
}

// maxHistory bounds an ad-hoc history.
const maxHistory = 1000

func (s *Server) recommendations(w http.ResponseWriter, r *http.Request, set *modelset.Set) error {
	var b adHoc
	if err := decodeBody(w, r, &b); err != nil {
		return err
	}
	k := 10
	if b.K != nil {
		if k = *b.K; k < 1 || k > 100 {
			return errorf(http.StatusBadRequest, CodeBadParam, "k %d: want an integer from 1 to 100", k)
		}
	}
	if len(b.History) > maxHistory {
		return errorf(http.StatusBadRequest, CodeBadBody, "history: %d movies, at most %d", len(b.History), maxHistory)
	}
	demo, err := s.checkDemo(set, recommend.Query{Age: b.Age, Gender: b.Gender, Occupation: b.Occupation, ZipCode: b.ZipCode})
	if err != nil {
		return err
	}
	def := "bert4rec"
	if len(b.History) == 0 {
		def = "twotower"
	}
	model, err := modelParam(b.Model, def)
	if err != nil {
		return err
	}
	var hist []catalog.Rating
	for i, id := range b.History {
		if id < 1 || id > 1<<31-1 {
			return errorf(http.StatusBadRequest, CodeBadBody, "history[%d] = %d: want a positive movie id", i, id)
		}
		if _, ok := set.Catalog.Movie(int32(id)); !ok {
			return errorf(http.StatusNotFound, CodeNotFound, "history[%d]: movie %d not found", i, id)
		}
		hist = append(hist, catalog.Rating{MovieID: int32(id), Rating: 5, Split: "app"})
	}
	if model == "bert4rec" && len(hist) == 0 {
		return errorf(http.StatusBadRequest, CodeBadParam, "%v", modelset.ErrNoHistory)
	}
	p := set.NewProfile(0, hist, demo)
	res, err := set.Recommend(p, model, k, nil)
	if err != nil {
		return recommendError(err)
	}
	writeJSON(w, http.StatusOK, map[string]any{"model": res.Model, "note": res.Note, "items": nonNil(res.Items)})
	return nil
}

func (s *Server) models(w http.ResponseWriter, r *http.Request, set *modelset.Set) error {
	snap, err := monitor.Load(s.cfg.MetricsDir, "workspace")
	if err != nil {
		return err
	}
	type curve struct {
		Stage  string `json:"stage"`
		Epochs any    `json:"epochs"`
	}
	curves := []curve{}
	for _, st := range snap.Stages {
		if st.OK() && len(st.File.Curve) > 0 {
			curves = append(curves, curve{st.Name, st.File.Curve})
		}
	}
	t := monitor.ModelTable(snap)
	writeJSON(w, http.StatusOK, map[string]any{
		"models":  monitor.Models(snap),
		"table":   map[string]any{"title": t.Title, "header": t.Header, "rows": t.Rows},
		"curves":  curves,
		"summary": monitor.Curves(snap),
		"charts":  s.charts(),
		"served":  set.Models(),
	})
	return nil
}
