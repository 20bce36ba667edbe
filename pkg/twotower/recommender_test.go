package twotower

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/recommend"
	"github.com/moviegenie/pipeline/pkg/twotower/fixture"
)

func recommendPaths(st *Stage) recommend.Paths {
	return recommend.Paths{Processed: st.Processed, Features: st.Features}
}

func queryUser(id int32) recommend.Query { return recommend.Query{UserID: id} }

// servedWorld is a trained tiny model saved to disk, opened through
// pkg/recommend as the recommend command does.
func servedWorld(t *testing.T) (*world, *Model, recommend.Recommender) {
	t.Helper()
	w := newWorld(24, 18, 8)
	dir := t.TempDir()
	processed, feats := writeWorld(t, w, dir)
	cfg := tinyConfig()
	cfg.LearningRate, cfg.Epochs = 0.01, 20
	m := newTiny(t, cfg, w)
	if _, err := Train(m, w.pairs, Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "twotower.bin")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	r, err := recommend.Open(Kind, path, recommend.Paths{Processed: processed, Features: feats})
	if err != nil {
		t.Fatal(err)
	}
	return w, m, r
}

// TestColdStart checks a demographics-only query: it is scored by the user
// tower from the unknown-user row, the mean genre affinity and the given
// demographics (a missing zip code gets the expected zip embedding), and
// excludes nothing.
func TestColdStart(t *testing.T) {
	w, m, r := servedWorld(t)
	q := recommend.Query{Age: 25, Gender: "f", Occupation: "writer", ZipCode: "94110"}
	items, err := r.Recommend(q, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 5 {
		t.Fatalf("got %d items, want 5", len(items))
	}
	// The same scores from the tower directly.
	row := UserRow{ID: m.UnknownUser(), Gender: features.GenderIdx("F"), AgeBucket: features.AgeBucket(25),
		Occupation: 2, ZipRegion: features.ZipRegion("94110"), Affinity: w.users.MeanAffinity(w.sz.Genres)}
	want := coldTop(m, row, 5)
	if !slices.Equal(items, want) {
		t.Fatalf("got %+v, want %+v", items, want)
	}
	// Without a zip code: the expected zip embedding, a valid list.
	noZip, err := r.Recommend(recommend.Query{Age: 25, Gender: "F", Occupation: "Writer"}, 5)
	if err != nil || len(noZip) != 5 {
		t.Fatalf("got %v, %v; want 5 items", noZip, err)
	}
	row.ZipRegion = -1
	if want := coldTop(m, row, 5); !slices.Equal(noZip, want) {
		t.Fatalf("without a zip code got %+v, want %+v", noZip, want)
	}
	// Different demographics, different lists (users of gender g like
	// genre g in this world).
	male, err := r.Recommend(recommend.Query{Age: 25, Gender: "M", Occupation: "writer"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(male, noZip) {
		t.Fatalf("the same list for M and F: %+v", male)
	}
}

// coldTop is the top k of a tower input row, computed directly.
func coldTop(m *Model, row UserRow, k int) []recommend.Item {
	D, N := m.Cfg.D(), m.Sizes.Movies
	u, v, s := make([]float32, D), make([]float32, N*D), make([]float32, N)
	m.UserVectors([]UserRow{row}, u)
	m.MovieVectors(v)
	m.Score(s, u, 1, v)
	scores := map[int32]float32{}
	for n, x := range s {
		scores[m.Movies.MovieIDs[n]] = x
	}
	return recommend.TopK(scores, nil, k)
}

// TestRecommendKnownUserAndHistory checks the other two query forms.
func TestRecommendKnownUserAndHistory(t *testing.T) {
	w, _, r := servedWorld(t)
	q := w.seqs[3]
	items, err := r.Recommend(recommend.Query{UserID: q.UserID}, 100)
	if err != nil {
		t.Fatal(err)
	}
	seen := q.MovieIDs[:q.NTrain+q.NVal]
	if len(items) != w.sz.Movies-len(seen) {
		t.Fatalf("got %d items, want every one of the %d unseen movies", len(items), w.sz.Movies-len(seen))
	}
	for _, it := range items {
		if slices.Contains(seen, it.MovieID) {
			t.Fatalf("movie %d is in the user's history but recommended", it.MovieID)
		}
	}
	hist := []int32{w.movies.MovieIDs[0], w.movies.MovieIDs[3]}
	items, err = r.Recommend(recommend.Query{History: hist, Gender: "M"}, 4)
	if err != nil || len(items) != 4 {
		t.Fatalf("history query: got %v, %v", items, err)
	}
	for _, it := range items {
		if slices.Contains(hist, it.MovieID) {
			t.Fatalf("history movie %d recommended", it.MovieID)
		}
	}
}

// TestRecommendErrors checks that bad queries fail with clear messages and
// the sentinel errors a command maps to usage errors.
func TestRecommendErrors(t *testing.T) {
	_, _, r := servedWorld(t)
	for _, tc := range []struct {
		name     string
		q        recommend.Query
		k        int
		sentinel error
		msg      string
	}{
		{"unknown occupation", recommend.Query{Age: 30, Gender: "F", Occupation: "astronaut"}, 5, ErrUnknownOccupation,
			`unknown occupation "astronaut": want one of artist, engineer, student, Writer`},
		{"unknown gender", recommend.Query{Age: 30, Gender: "X", Occupation: "writer"}, 5, ErrUnknownGender, `unknown gender "X": want M or F`},
		{"bad age", recommend.Query{Age: 400, Gender: "F"}, 5, ErrBadAge, "bad age 400"},
		{"unknown user", recommend.Query{UserID: 2}, 5, ErrUnknownUser, "unknown user 2"},
		{"unknown movie", recommend.Query{History: []int32{11}}, 5, ErrUnknownMovie, "unknown movie 11"},
		{"empty query", recommend.Query{}, 5, ErrBadQuery, "give a user id, a history or demographics"},
		{"user and history", recommend.Query{UserID: 1, History: []int32{10}}, 5, ErrBadQuery, "not both"},
		{"user and demographics", recommend.Query{UserID: 1, Gender: "F"}, 5, ErrBadQuery, "not both"},
		{"bad k", recommend.Query{UserID: 1}, 0, ErrBadK, "k must be at least 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Recommend(tc.q, tc.k)
			if err == nil || !errors.Is(err, tc.sentinel) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %v, want an error saying %q", err, tc.msg)
			}
		})
	}
}

// TestNoDemographics: on data without demographics the model has none,
// survives its file, serves users and histories, and refuses a
// demographic cold start with a message saying why.
func TestNoDemographics(t *testing.T) {
	w := newWorldNoDemographics(24, 18, 8)
	if !w.sz.NoDemographics {
		t.Fatal("got sizes with demographics from users that have none")
	}
	dir := t.TempDir()
	processed, feats := writeWorld(t, w, dir)
	cfg := tinyConfig()
	cfg.LearningRate, cfg.Epochs = 0.01, 5
	m := newTiny(t, cfg, w)
	if _, err := Train(m, w.pairs, Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "twotower.bin")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Sizes.NoDemographics || back.CU() != m.CU() {
		t.Fatalf("loaded sizes %+v, want no demographics", back.Sizes)
	}
	r, err := recommend.Open(Kind, path, recommend.Paths{Processed: processed, Features: feats})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []recommend.Query{{UserID: fixture.UserID(3)}, {History: []int32{fixture.MovieID(1), fixture.MovieID(4)}}} {
		if items, err := r.Recommend(q, 5); err != nil || len(items) != 5 {
			t.Errorf("query %+v: got %d items, %v; want 5", q, len(items), err)
		}
	}
	for _, tc := range []struct {
		q        recommend.Query
		sentinel error
		msg      string
	}{
		{recommend.Query{Age: 30, Gender: "F"}, ErrNoDemographics, "no demographic cold start; give a history"},
		{recommend.Query{History: []int32{fixture.MovieID(1)}, Occupation: "writer"}, ErrNoDemographics, "has no age, gender, occupation or zip code"},
		{recommend.Query{}, ErrBadQuery, "give a user id or a history"},
	} {
		_, err := r.Recommend(tc.q, 5)
		if err == nil || !errors.Is(err, tc.sentinel) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("query %+v: got %v, want an error saying %q", tc.q, err, tc.msg)
		}
	}
}
