package split

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/tables"
)

// ui builds interactions from "user:movie" pairs, all at time 0.
func ui(pairs ...string) []tables.Rating {
	var rs []tables.Rating
	for _, p := range pairs {
		var u, m int32
		if _, err := fmt.Sscanf(p, "%d:%d", &u, &m); err != nil {
			panic(err)
		}
		rs = append(rs, tables.Rating{UserID: u, MovieID: m, Rating: 3})
	}
	return rs
}

func pairs(rs []tables.Rating) string {
	var s []string
	for _, r := range rs {
		s = append(s, fmt.Sprintf("%d:%d", r.UserID, r.MovieID))
	}
	return strings.Join(s, " ")
}

func TestKCoreCascade(t *testing.T) {
	// minPerUser = minPerMovie = 2. Movie 9 has one rating: dropped. That
	// leaves user 1 with one rating: dropped. That leaves movie 1 with one
	// rating (user 2), dropped in iteration 2; user 2 keeps movies 2 and 3.
	in := ui("1:9", "1:1", "2:1", "2:2", "2:3", "3:2", "3:3")
	got, iters := KCore(in, 2, 2)
	if want := "2:2 2:3 3:2 3:3"; pairs(got) != want {
		t.Errorf("got kept %s, want %s", pairs(got), want)
	}
	want := []Iteration{
		{Iteration: 1, In: Counts{3, 4, 7}, MoviesDropped: 1, AfterMovies: Counts{3, 3, 6}, UsersDropped: 1, Out: Counts{2, 3, 5}},
		{Iteration: 2, In: Counts{2, 3, 5}, MoviesDropped: 1, AfterMovies: Counts{2, 2, 4}, UsersDropped: 0, Out: Counts{2, 2, 4}},
		{Iteration: 3, In: Counts{2, 2, 4}, AfterMovies: Counts{2, 2, 4}, Out: Counts{2, 2, 4}},
	}
	if !reflect.DeepEqual(iters, want) {
		t.Errorf("got iterations\n%+v\nwant\n%+v", iters, want)
	}
	if pairs(in) != "1:9 1:1 2:1 2:2 2:3 3:2 3:3" {
		t.Errorf("KCore modified its input: %s", pairs(in))
	}
}

func TestKCoreCases(t *testing.T) {
	for _, tc := range []struct {
		name              string
		in                []tables.Rating
		minUser, minMovie int
		want              string
		iterations        int
	}{
		{"nothing to drop", ui("1:1", "1:2", "2:1", "2:2"), 2, 2, "1:1 1:2 2:1 2:2", 1},
		{"minimums of 1 keep everything", ui("1:1", "2:2", "3:1"), 1, 1, "1:1 2:2 3:1", 1},
		{"user below limit", ui("1:1", "1:2", "2:1", "2:2", "3:1"), 2, 1, "1:1 1:2 2:1 2:2", 2},
		{"movie below limit", ui("1:1", "1:2", "2:1", "2:3"), 1, 2, "1:1 2:1", 2},
		{"everything unravels", ui("1:1", "1:2", "2:2", "2:3"), 2, 2, "", 2},
		{"empty input", nil, 5, 5, "", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, iters := KCore(tc.in, tc.minUser, tc.minMovie)
			if pairs(got) != tc.want {
				t.Errorf("got kept %q, want %q", pairs(got), tc.want)
			}
			if len(iters) != tc.iterations {
				t.Errorf("got %d iterations, want %d: %+v", len(iters), tc.iterations, iters)
			}
			last := iters[len(iters)-1]
			if last.MoviesDropped != 0 || last.UsersDropped != 0 || last.Out != CountOf(got) {
				t.Errorf("got last iteration %+v, want no drops and out = %+v", last, CountOf(got))
			}
		})
	}
}

// randomRatings makes n distinct (user, movie) interactions over the given
// numbers of users and movies, with skewed popularity so a k-core bites.
func randomRatings(seed uint64, n, users, movies int) []tables.Rating {
	rng := rand.New(rand.NewPCG(seed, 0))
	seen := map[[2]int32]bool{}
	var rs []tables.Rating
	for len(rs) < n {
		u := int32(1 + int(float64(users)*rng.Float64()*rng.Float64()))
		m := int32(1 + int(float64(movies)*rng.Float64()*rng.Float64()))
		if seen[[2]int32{u, m}] {
			continue
		}
		seen[[2]int32{u, m}] = true
		rs = append(rs, tables.Rating{UserID: u, MovieID: m, Rating: float32(1 + rng.IntN(5)), Timestamp: int64(rng.IntN(1000)) * 1000})
	}
	return rs
}

func TestKCoreIsAFixedPointIndependentOfOrder(t *testing.T) {
	in := randomRatings(1, 3000, 200, 300)
	got, _ := KCore(in, 10, 5)
	users, movies := map[int32]int{}, map[int32]int{}
	for _, r := range got {
		users[r.UserID]++
		movies[r.MovieID]++
	}
	for u, n := range users {
		if n < 10 {
			t.Fatalf("kept user %d with %d interactions, want >= 10", u, n)
		}
	}
	for m, n := range movies {
		if n < 5 {
			t.Fatalf("kept movie %d with %d interactions, want >= 5", m, n)
		}
	}
	if len(got) == 0 || len(got) == len(in) {
		t.Fatalf("got %d of %d kept: the test data should make the k-core bite, but not empty", len(got), len(in))
	}
	shuffled := slices.Clone(in)
	rand.New(rand.NewPCG(2, 0)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	got2, _ := KCore(shuffled, 10, 5)
	Order(got)
	Order(got2)
	if !reflect.DeepEqual(got, got2) {
		t.Fatal("k-core of a shuffled input differs")
	}
}

func TestKCorePanicsOnZeroMinimum(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("got no panic for minimum 0")
		}
	}()
	KCore(nil, 0, 5)
}

func TestNTest(t *testing.T) {
	for _, tc := range []struct {
		n     int
		ratio float64
		want  int
	}{
		{1, 0.2, 1},   // floor(0.7) = 0, max 1
		{2, 0.2, 1},   // floor(0.9) = 0
		{3, 0.2, 1},   // floor(1.1)
		{1, 0.5, 1},   // floor(1.0)
		{2, 0.5, 1},   // floor(1.5)
		{3, 0.5, 2},   // floor(2.0)
		{5, 0.1, 1},   // floor(0.5 + 0.5) = floor(1.0): exact .5 rounds up
		{10, 0.25, 3}, // floor(3.0)
		{2, 0.25, 1},  // floor(1.0)
		{4, 0.5, 2},   // floor(2.5)
		{20, 0.2, 4},  // floor(4.5)
		{22, 0.2, 4},  // floor(4.9)
		{23, 0.2, 5},  // floor(5.1)
		{100, 0.2, 20},
		{737, 0.2, 147}, // floor(147.9)
	} {
		if got := NTest(tc.n, tc.ratio); got != tc.want {
			t.Errorf("NTest(%d, %v): got %d, want %d", tc.n, tc.ratio, got, tc.want)
		}
	}
}

func TestParts(t *testing.T) {
	for _, tc := range []struct {
		n                            int
		method                       string
		ratio                        float64
		wantTrain, wantVal, wantTest int
	}{
		{1, Temporal, 0.2, 0, 0, 1},
		{2, Temporal, 0.2, 1, 0, 1}, // one remains: no validation
		{3, Temporal, 0.2, 1, 1, 1}, // two remain: the last is validation
		{1, Temporal, 0.5, 0, 0, 1},
		{2, Temporal, 0.5, 1, 0, 1},
		{3, Temporal, 0.5, 1, 0, 2},
		{5, Temporal, 0.1, 3, 1, 1},
		{10, Temporal, 0.25, 6, 1, 3},
		{2, Temporal, 0.25, 1, 0, 1},
		{20, Temporal, 0.2, 15, 1, 4},
		{1, LeaveOneOut, 0.2, 0, 0, 1},
		{2, LeaveOneOut, 0.2, 0, 1, 1},
		{3, LeaveOneOut, 0.9, 1, 1, 1},
		{20, LeaveOneOut, 0.5, 18, 1, 1},
	} {
		tr, va, te, err := Parts(tc.n, tc.method, tc.ratio)
		if err != nil {
			t.Fatal(err)
		}
		if tr != tc.wantTrain || va != tc.wantVal || te != tc.wantTest {
			t.Errorf("Parts(%d, %s, %v): got %d/%d/%d, want %d/%d/%d", tc.n, tc.method, tc.ratio, tr, va, te, tc.wantTrain, tc.wantVal, tc.wantTest)
		}
	}
	if _, _, _, err := Parts(3, "random", 0.2); err == nil || !strings.Contains(err.Error(), "random") {
		t.Errorf("got %v, want an error naming the unknown method", err)
	}
}

func TestOrderBreaksTimestampTiesByMovieID(t *testing.T) {
	rs := []tables.Rating{
		{UserID: 2, MovieID: 5, Timestamp: 3000},
		{UserID: 1, MovieID: 9, Timestamp: 2000},
		{UserID: 1, MovieID: 3, Timestamp: 2000},
		{UserID: 1, MovieID: 7, Timestamp: 1000},
		{UserID: 2, MovieID: 1, Timestamp: 3000},
		{UserID: 1, MovieID: 4, Timestamp: 2000},
	}
	Order(rs)
	var got []string
	for _, r := range rs {
		got = append(got, fmt.Sprintf("u%d:m%d@%d#%d", r.UserID, r.MovieID, r.Timestamp, r.Position))
	}
	want := []string{"u1:m7@1000#0", "u1:m3@2000#1", "u1:m4@2000#2", "u1:m9@2000#3", "u2:m1@3000#0", "u2:m5@3000#1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestAssign(t *testing.T) {
	// User 1: 5 interactions, user 2: 2, user 3: 1.
	var rs []tables.Rating
	for u, n := range map[int32]int{1: 5, 2: 2, 3: 1} {
		for i := range n {
			rs = append(rs, tables.Rating{UserID: u, MovieID: int32(10 + i), Rating: float32(1 + i%5), Timestamp: int64(i) * 1000})
		}
	}
	for _, tc := range []struct {
		method string
		ratio  float64
		splits map[int32]string // per user: one letter per interaction
		sum    Summary
	}{
		{Temporal, 0.4, map[int32]string{1: "TTVEE", 2: "TE", 3: "E"},
			Summary{Method: Temporal, Ratio: 0.4, Users: 3, Train: 3, Validation: 1, Test: 4, UsersWithoutTrain: 1, UsersWithoutValidation: 2}},
		{LeaveOneOut, 0.4, map[int32]string{1: "TTTVE", 2: "VE", 3: "E"},
			Summary{Method: LeaveOneOut, Users: 3, Train: 3, Validation: 2, Test: 3, UsersWithoutTrain: 2, UsersWithoutValidation: 1}},
	} {
		t.Run(tc.method, func(t *testing.T) {
			rs := slices.Clone(rs)
			Order(rs)
			seqs, sum, err := Assign(rs, tc.method, tc.ratio)
			if err != nil {
				t.Fatal(err)
			}
			if sum != tc.sum {
				t.Errorf("got summary %+v, want %+v", sum, tc.sum)
			}
			letter := map[string]byte{tables.SplitTrain: 'T', tables.SplitValidation: 'V', tables.SplitTest: 'E'}
			got := map[int32]string{}
			for _, r := range rs {
				got[r.UserID] += string(letter[r.Split])
			}
			if !reflect.DeepEqual(got, tc.splits) {
				t.Errorf("got splits %v, want %v", got, tc.splits)
			}
			if len(seqs) != 3 || seqs[0].UserID != 1 || seqs[2].UserID != 3 {
				t.Fatalf("got %d sequences %+v, want users 1, 2, 3 in order", len(seqs), seqs)
			}
			s := seqs[0]
			if !reflect.DeepEqual(s.MovieIDs, []int32{10, 11, 12, 13, 14}) || !reflect.DeepEqual(s.Timestamps, []int64{0, 1000, 2000, 3000, 4000}) ||
				!reflect.DeepEqual(s.Ratings, []float32{1, 2, 3, 4, 5}) {
				t.Errorf("got sequence %+v", s)
			}
			if n := strings.Count(tc.splits[1], "T"); int(s.NTrain) != n || int(s.NVal) != strings.Count(tc.splits[1], "V") || int(s.NTest) != strings.Count(tc.splits[1], "E") {
				t.Errorf("got n_train/n_val/n_test %d/%d/%d for %s", s.NTrain, s.NVal, s.NTest, tc.splits[1])
			}
		})
	}
}

func TestAssignRejectsUnorderedInput(t *testing.T) {
	rs := []tables.Rating{{UserID: 2, MovieID: 1}, {UserID: 1, MovieID: 1}}
	if _, _, err := Assign(rs, Temporal, 0.2); err == nil {
		t.Error("got nil error for users out of order")
	}
	rs = []tables.Rating{{UserID: 1, MovieID: 1, Position: 1}, {UserID: 1, MovieID: 2, Position: 0}}
	if _, _, err := Assign(rs, Temporal, 0.2); err == nil {
		t.Error("got nil error for positions out of order")
	}
	if _, _, err := Assign(nil, "random", 0.2); err == nil {
		t.Error("got nil error for an unknown method")
	}
}

// The benchmarks use 100,000 seeded random interactions over 943 users and
// 1682 movies (the shape of ML-100K, with a skew that makes the k-core
// iterate).

func BenchmarkKCore100k(b *testing.B) {
	in := randomRatings(1, 100000, 943, 1682)
	for b.Loop() {
		KCore(in, 20, 5)
	}
}

func BenchmarkOrder100k(b *testing.B) {
	in := randomRatings(1, 100000, 943, 1682)
	rs := make([]tables.Rating, len(in))
	for b.Loop() {
		copy(rs, in)
		Order(rs)
	}
}

func BenchmarkAssign100k(b *testing.B) {
	rs := randomRatings(1, 100000, 943, 1682)
	Order(rs)
	for b.Loop() {
		if _, _, err := Assign(rs, Temporal, 0.2); err != nil {
			b.Fatal(err)
		}
	}
}
