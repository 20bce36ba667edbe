package features

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/tables"
	"github.com/moviegenie/pipeline/pkg/textembed"
)

// runStage does what cmd/features does between reading and the metrics:
// read processed, build, write to out.
func runStage(t *testing.T, processed, out string, cfg Config) *Output {
	t.Helper()
	in, err := ReadInputs(processed)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Build(in, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Write(out); err != nil {
		t.Fatal(err)
	}
	return o
}

// readOutputs returns every output file of dir by name.
func readOutputs(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, p := range Paths(dir) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	return out
}

func compareOutputs(t *testing.T, a, b map[string][]byte) (differ []string) {
	t.Helper()
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			differ = append(differ, name)
		}
	}
	slices.Sort(differ)
	return differ
}

func TestOutputsIgnoreTestPart(t *testing.T) {
	root := t.TempDir()
	in := synthInputs(1)
	writeInputs(t, filepath.Join(root, "p1"), in)
	runStage(t, filepath.Join(root, "p1"), filepath.Join(root, "o1"), testConfig())
	want := readOutputs(t, filepath.Join(root, "o1"))

	// Change every test interaction (rating, timestamp, movie) and drop
	// some, including a user's whole test part.
	mutated := *in
	mutated.Ratings = nil
	dropUser := in.Ratings[0].UserID
	testRows := 0
	for i, r := range in.Ratings {
		if r.Split != tables.SplitTest {
			mutated.Ratings = append(mutated.Ratings, r)
			continue
		}
		testRows++
		if r.UserID == dropUser || i%3 == 0 {
			continue
		}
		r.Rating = 6 - r.Rating
		r.Timestamp += 86400000
		r.MovieID = in.Movies[(i*7)%len(in.Movies)].MovieID
		mutated.Ratings = append(mutated.Ratings, r)
	}
	if testRows == 0 {
		t.Fatal("synthetic data has no test rows")
	}
	writeInputs(t, filepath.Join(root, "p2"), &mutated)
	runStage(t, filepath.Join(root, "p2"), filepath.Join(root, "o2"), testConfig())
	if d := compareOutputs(t, want, readOutputs(t, filepath.Join(root, "o2"))); len(d) > 0 {
		t.Errorf("changing or removing test interactions changed %v", d)
	}

	// The comparison can fail: changing one train rating changes the
	// movie and user features.
	for i, r := range in.Ratings {
		if r.Split == tables.SplitTrain {
			changed := *in
			changed.Ratings = slices.Clone(in.Ratings)
			changed.Ratings[i].Rating = float32(int(r.Rating)%5 + 1)
			writeInputs(t, filepath.Join(root, "p3"), &changed)
			break
		}
	}
	runStage(t, filepath.Join(root, "p3"), filepath.Join(root, "o3"), testConfig())
	got := compareOutputs(t, want, readOutputs(t, filepath.Join(root, "o3")))
	if !slices.Contains(got, MovieFeaturesFile) || !slices.Contains(got, UserFeaturesFile) {
		t.Errorf("changing a train rating changed %v, want movie and user features among them", got)
	}
}

func TestOutputsDeterministic(t *testing.T) {
	root := t.TempDir()
	writeInputs(t, filepath.Join(root, "p"), synthInputs(2))
	runStage(t, filepath.Join(root, "p"), filepath.Join(root, "a"), testConfig())
	runStage(t, filepath.Join(root, "p"), filepath.Join(root, "b"), testConfig())
	if d := compareOutputs(t, readOutputs(t, filepath.Join(root, "a")), readOutputs(t, filepath.Join(root, "b"))); len(d) > 0 {
		t.Errorf("two runs on the same input differ in %v", d)
	}
	// A different seed changes the encoder (the comparison can fail).
	cfg := testConfig()
	cfg.Seed = 7
	runStage(t, filepath.Join(root, "p"), filepath.Join(root, "c"), cfg)
	if d := compareOutputs(t, readOutputs(t, filepath.Join(root, "a")), readOutputs(t, filepath.Join(root, "c"))); !slices.Contains(d, TextEncoderFile) {
		t.Errorf("another seed changed %v, want text_encoder.bin among them", d)
	}
}

// TestBuildValues checks every computed column on a hand-made dataset.
func TestBuildValues(t *testing.T) {
	in := &Inputs{
		Genres:      []tables.Genre{{GenreID: 0, Name: "unknown"}, {GenreID: 1, Name: "Action"}, {GenreID: 2, Name: "Comedy"}, {GenreID: 3, Name: "Horror"}},
		Occupations: []tables.Occupation{{OccupationID: 0, Name: "artist"}, {OccupationID: 1, Name: "writer"}},
		Movies: []tables.Movie{ // deliberately not in movie_id order
			{MovieID: 50, Title: "Heat (1995)", Year: i32(1995), Genres: []string{"Action"}},
			{MovieID: 7, Title: "Scream, The (1996)", Genres: []string{"Comedy", "Horror"}},
			{MovieID: 9, Title: "unknown", Genres: []string{"unknown"}},
		},
		Users: []tables.User{
			tables.NewUser(3, 30, "F", "writer", "L9G2B"),
			tables.NewUser(1, 17, "M", "artist", "94110"),
		},
	}
	r := func(u, m, rating, pos int32, split string) tables.Rating {
		return tables.Rating{UserID: u, MovieID: m, Rating: float32(rating), Timestamp: int64(pos) * 1000, Position: pos, Split: split}
	}
	in.Ratings = []tables.Rating{
		r(1, 50, 4, 0, "train"), r(1, 7, 2, 1, "train"), r(1, 9, 3, 2, "train"), r(1, 50, 5, 3, "validation"), r(1, 9, 1, 4, "test"),
		r(3, 7, 5, 0, "train"), r(3, 50, 1, 1, "validation"), r(3, 9, 5, 2, "test"), r(3, 7, 5, 3, "test"),
	}
	cfg := testConfig()
	cfg.MaxSequenceLength = 2
	o, err := Build(in, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Movies by movie_id: 7 -> 1, 9 -> 2, 50 -> 3; mask 4.
	mf := o.MovieFeatures
	if got := []int32{mf[0].MovieID, mf[1].MovieID, mf[2].MovieID}; !slices.Equal(got, []int32{7, 9, 50}) {
		t.Fatalf("got movie ids by movie_idx %v, want [7 9 50]", got)
	}
	if o.Stats.MaskIdx != 4 {
		t.Errorf("got mask idx %d, want 4", o.Stats.MaskIdx)
	}
	type movieWant struct {
		idx, count int32
		mean       float32
		year       *int32
		decadeIdx  int32
		hot        []float32
		clean      string
		tokens     []string
	}
	for i, w := range []movieWant{
		// Movie 7: train (1: 2), (3: 5) -> count 2, mean 3.5; year from title.
		{1, 2, 3.5, i32(1996), 9, []float32{0, 0, 1, 1}, "The Scream", []string{"the", "scream"}},
		// Movie 9: train (1: 3) only; test rows ignored.
		{2, 1, 3, nil, 0, []float32{1, 0, 0, 0}, "unknown", []string{"unknown"}},
		// Movie 50: train (1: 4), validation (1: 5), (3: 1) -> 3, 10/3.
		{3, 3, 10.0 / 3, i32(1995), 9, []float32{0, 1, 0, 0}, "Heat", []string{"heat"}},
	} {
		m := mf[i]
		if m.MovieIdx != w.idx || m.TrainCount != w.count || math.Abs(float64(m.MeanRating-w.mean)) > 1e-6 ||
			!reflect.DeepEqual(m.Year, w.year) || m.DecadeIdx != w.decadeIdx || !slices.Equal(m.GenreMultiHot, w.hot) ||
			m.CleanTitle != w.clean || !slices.Equal(m.TitleTokens, w.tokens) {
			t.Errorf("movie %d: got %+v, want %+v", m.MovieID, m, w)
		}
	}
	if p := mf[2].Popularity; p != 1 {
		t.Errorf("got popularity %v for the most popular movie, want 1", p)
	}

	// Users by user_id: 1 -> 0, 3 -> 1.
	uf := o.UserFeatures
	u0, u1 := uf[0], uf[1]
	if u0.UserID != 1 || u0.GenderIdx != 0 || u0.AgeBucket != 0 || u0.OccupationIdx != 0 || u0.ZipRegionIdx != 9 || u0.NTrain != 3 || u0.NVal != 1 {
		t.Errorf("user 1: got %+v", u0)
	}
	// User 1 history: 50 (Action), 7 (Comedy, Horror), 9 (unknown), 50 (Action).
	if want := []float32{0.25, 0.5, 0.25, 0.25}; !slices.Equal(u0.GenreAffinity, want) {
		t.Errorf("user 1: got genre affinity %v, want %v", u0.GenreAffinity, want)
	}
	if u0.MeanRating != 3.5 {
		t.Errorf("user 1: got mean rating %v, want 3.5", u0.MeanRating)
	}
	if u1.UserID != 3 || u1.GenderIdx != 1 || u1.AgeBucket != 2 || u1.OccupationIdx != 1 || u1.ZipRegionIdx != 10 || u1.NTrain != 1 || u1.NVal != 1 || u1.MeanRating != 3 {
		t.Errorf("user 3: got %+v", u1)
	}

	wantSeq := []TrainSequence{
		{UserIdx: 0, UserID: 1, Items: []int32{3, 1, 2}, ValItems: []int32{3}},
		{UserIdx: 1, UserID: 3, Items: []int32{1}, ValItems: []int32{3}},
	}
	if !reflect.DeepEqual(o.TrainSequences, wantSeq) {
		t.Errorf("got train sequences %+v, want %+v", o.TrainSequences, wantSeq)
	}
	// max_sequence_length 2: user 1's [3 1 2] gives [1 2] only (the
	// leftover [3] is too short); user 3's [1] gives nothing.
	wantWin := []Window{{UserIdx: 0, WindowIdx: 0, Start: 1, Items: []int32{1, 2}}}
	if !reflect.DeepEqual(o.Windows, wantWin) {
		t.Errorf("got windows %+v, want %+v", o.Windows, wantWin)
	}
	wantPairs := []Pair{{0, 3, 4, 0}, {0, 1, 2, 1}, {0, 2, 3, 2}, {1, 1, 5, 0}}
	if !reflect.DeepEqual(o.Pairs, wantPairs) {
		t.Errorf("got pairs %+v, want %+v", o.Pairs, wantPairs)
	}
	// Text embeddings are the encoder's embeddings of the documents.
	for i, e := range o.TextEmbeddings {
		if e.MovieIdx != int32(i+1) || !slices.Equal(e.Embedding, o.Encoder.EmbedDocument(o.Documents[i])) {
			t.Errorf("text embedding %d differs from the encoder's", i)
		}
	}
	if o.Stats.UsersWithDemographics != 2 {
		t.Errorf("got %d users with demographics, want 2", o.Stats.UsersWithDemographics)
	}

	// Without demographics (most releases): no gender, age, occupation or
	// zip code; the users still get features, flagged as having none.
	in.Users = []tables.User{{UserID: 3}, {UserID: 1}}
	o, err = Build(in, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range o.UserFeatures {
		if HasDemographics(u) || u.OccupationIdx != 0 || u.ZipRegionIdx != NumZipRegions-1 {
			t.Errorf("user %d without demographics: got %+v, want gender other, age 0, occupation 0, zip region %d", u.UserID, u, NumZipRegions-1)
		}
	}
	if o.Stats.UsersWithDemographics != 0 {
		t.Errorf("got %d users with demographics, want 0", o.Stats.UsersWithDemographics)
	}
}

func TestBuildRejectsBadData(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(in *Inputs)
		want   []string
	}{
		{"unknown movie", func(in *Inputs) { in.Ratings[3].MovieID = 99999 }, []string{RatingsFile, "movie_id", "99999"}},
		{"unknown user", func(in *Inputs) { in.Ratings[3].UserID = 99999 }, []string{RatingsFile, "user_id", "99999"}},
		{"unknown split", func(in *Inputs) { in.Ratings[3].Split = "holdout" }, []string{RatingsFile, "split", "holdout"}},
		{"train after test", func(in *Inputs) { in.Ratings[0].Split = tables.SplitTest }, []string{RatingsFile, "split"}},
		{"gap in positions", func(in *Inputs) { in.Ratings[1].Position = 1000 }, []string{RatingsFile, "position"}},
		{"repeated position", func(in *Inputs) { in.Ratings[1].Position = 0 }, []string{RatingsFile, "position"}},
		{"unknown genre", func(in *Inputs) { in.Movies[2].Genres = []string{"Cyberpunk"} }, []string{MoviesFile, "genres", "Cyberpunk"}},
		{"duplicate movie", func(in *Inputs) { in.Movies[2].MovieID = in.Movies[1].MovieID }, []string{MoviesFile, "movie_id"}},
		{"unknown occupation", func(in *Inputs) { in.Users[0].Occupation = tables.Ptr("pirate") }, []string{UsersFile, "occupation", "pirate"}},
		{"genre ids with a gap", func(in *Inputs) { in.Genres[5].GenreID = 40 }, []string{GenresFile, "genre_id"}},
	} {
		in := synthInputs(3)
		c.change(in)
		_, err := Build(in, testConfig())
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: got %v, want an error containing %q", c.name, err, w)
				break
			}
		}
	}
}

// ratingsNoSplit is ratings.parquet without its split column.
type ratingsNoSplit struct {
	UserID    int32   `parquet:"name=user_id, type=INT32"`
	MovieID   int32   `parquet:"name=movie_id, type=INT32"`
	Rating    float32 `parquet:"name=rating, type=FLOAT"`
	Timestamp int64   `parquet:"name=timestamp, type=INT64, convertedtype=TIMESTAMP_MILLIS"`
	Position  int32   `parquet:"name=position, type=INT32"`
}

// moviesIDAsText has movie_id as a string.
type moviesIDAsText struct {
	MovieID string `parquet:"name=movie_id, type=BYTE_ARRAY, convertedtype=UTF8"`
	Title   string `parquet:"name=title, type=BYTE_ARRAY, convertedtype=UTF8"`
}

func TestReadInputsNamesFileAndColumn(t *testing.T) {
	for _, c := range []struct {
		name  string
		spoil func(dir string) error
		want  []string
	}{
		{"missing column", func(dir string) error {
			return tables.Write(filepath.Join(dir, RatingsFile), []ratingsNoSplit{{1, 2, 3, 1000, 0}})
		}, []string{RatingsFile, `"split"`, "missing"}},
		{"wrong type", func(dir string) error {
			return tables.Write(filepath.Join(dir, MoviesFile), []moviesIDAsText{{"1", "x"}})
		}, []string{MoviesFile, `"movie_id"`, "INT32"}},
		{"empty table", func(dir string) error {
			return tables.Write(filepath.Join(dir, UsersFile), []tables.User{})
		}, []string{UsersFile, "empty"}},
		{"missing file", func(dir string) error {
			return os.Remove(filepath.Join(dir, GenresFile))
		}, []string{GenresFile}},
		{"not parquet", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, OccupationsFile), []byte("artist\nwriter\n"), 0o644)
		}, []string{OccupationsFile}},
	} {
		dir := t.TempDir()
		writeInputs(t, dir, synthInputs(4))
		if err := c.spoil(dir); err != nil {
			t.Fatal(err)
		}
		_, err := ReadInputs(dir)
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: got %v, want an error containing %q", c.name, err, w)
				break
			}
		}
	}
}

func TestWrittenTablesReadBack(t *testing.T) {
	root := t.TempDir()
	writeInputs(t, filepath.Join(root, "p"), synthInputs(5))
	o := runStage(t, filepath.Join(root, "p"), filepath.Join(root, "o"), testConfig())
	dir := filepath.Join(root, "o")
	mf, err := tables.Read[MovieFeature](filepath.Join(dir, MovieFeaturesFile))
	if err != nil || !reflect.DeepEqual(mf, o.MovieFeatures) {
		t.Errorf("movie features read back differ (err %v)", err)
	}
	uf, err := tables.Read[UserFeature](filepath.Join(dir, UserFeaturesFile))
	if err != nil || !reflect.DeepEqual(uf, o.UserFeatures) {
		t.Errorf("user features read back differ (err %v)", err)
	}
	te, err := tables.Read[TextEmbedding](filepath.Join(dir, TextEmbeddingsFile))
	if err != nil || !reflect.DeepEqual(te, o.TextEmbeddings) {
		t.Errorf("text embeddings read back differ (err %v)", err)
	}
	ts, err := tables.Read[TrainSequence](filepath.Join(dir, TrainSequencesFile))
	if err != nil || !reflect.DeepEqual(ts, o.TrainSequences) {
		t.Errorf("train sequences read back differ (err %v)", err)
	}
	w, err := tables.Read[Window](filepath.Join(dir, WindowsFile))
	if err != nil || !reflect.DeepEqual(w, o.Windows) {
		t.Errorf("windows read back differ (err %v)", err)
	}
	p, err := tables.Read[Pair](filepath.Join(dir, PairsFile))
	if err != nil || !reflect.DeepEqual(p, o.Pairs) {
		t.Errorf("pairs read back differ (err %v)", err)
	}
	enc, err := textembed.Load(filepath.Join(dir, TextEncoderFile))
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range o.Documents {
		if !slices.Equal(enc.EmbedDocument(d), o.TextEmbeddings[i].Embedding) {
			t.Fatalf("movie_idx %d: the saved encoder embeds its document differently from text_embeddings", i+1)
		}
	}
}
