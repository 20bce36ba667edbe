package eval

import (
	"math"
	"reflect"
	"testing"
)

func TestPopularity(t *testing.T) {
	// Movies A..E = 1..5. History (train+validation) counts: A 2, B 2, C 2,
	// D 2, E 0 (E is only in a test part). Train-only counts: A 2, B 1,
	// C 2, D 1.
	s := mustSplit(t,
		seq(1, []int32{1}, []int32{2}, []int32{3}),
		seq(2, []int32{1, 3}, nil, []int32{5}),
		seq(3, []int32{2, 3, 4}, nil, []int32{1}),
		seq(4, []int32{}, []int32{4}, []int32{2}),
	)
	got := Popularity(s, Test, 10)
	want := []Ranking{
		// Excluding A, B: C and D tie at 2, lower id first; E last.
		{UserID: 1, MovieIDs: []int32{3, 4, 5}, Scores: []float32{2, 2, 0}},
		{UserID: 2, MovieIDs: []int32{2, 4, 5}, Scores: []float32{2, 2, 0}},
		{UserID: 3, MovieIDs: []int32{1, 5}, Scores: []float32{2, 0}},
		{UserID: 4, MovieIDs: []int32{1, 2, 3, 5}, Scores: []float32{2, 2, 2, 0}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Popularity(Test):\ngot  %+v\nwant %+v", got, want)
	}
	// Validation: counts over train only, exclusion = train only. User 1
	// (train A): C 2, B 1, D 1, E 0 -> k = 2 cuts to C, B (B before D by id).
	got = Popularity(s, Validation, 2)
	if want := (Ranking{UserID: 1, MovieIDs: []int32{3, 2}, Scores: []float32{2, 1}}); !reflect.DeepEqual(got[0], want) {
		t.Errorf("Popularity(Validation) user 1: got %+v, want %+v", got[0], want)
	}
}

func TestItemKNN(t *testing.T) {
	// Histories (A..D = 1..4): u1 {A, B}, u2 {A, C}, u3 {B, C, D}.
	// Users per movie: A 2, B 2, C 2, D 1. Co-occurrences: AB 1 (u1),
	// AC 1 (u2), BC 1, BD 1, CD 1 (u3), AD 0.
	// Cosine: AB = AC = BC = 1/sqrt(2*2) = 0.5, BD = CD = 1/sqrt(2*1), AD 0.
	s := mustSplit(t,
		seq(1, []int32{1}, []int32{2}, []int32{3}),
		seq(2, []int32{1, 3}, nil, []int32{4}),
		seq(3, []int32{2, 3, 4}, nil, []int32{1}),
	)
	r2 := 1 / math.Sqrt2
	got := ItemKNN(s, Test, 10, 0)
	want := []Ranking{
		// u1 {A, B}: C = AC + BC = 1, D = AD + BD = 0.7071.
		{UserID: 1, MovieIDs: []int32{3, 4}, Scores: []float32{1, float32(r2)}},
		// u2 {A, C}: B = AB + CB = 1, D = AD + CD = 0.7071.
		{UserID: 2, MovieIDs: []int32{2, 4}, Scores: []float32{1, float32(r2)}},
		// u3 {B, C, D}: A = BA + CA + DA = 1.
		{UserID: 3, MovieIDs: []int32{1}, Scores: []float32{1}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ItemKNN(all neighbours):\ngot  %+v\nwant %+v", got, want)
	}

	// One neighbour per movie (ties by lower id): A keeps B (B, C tie at
	// 0.5), B keeps D, C keeps D, D keeps B (B, C tie).
	got = ItemKNN(s, Test, 10, 1)
	want = []Ranking{
		// u1 {A, B}: C gets nothing (C keeps only D), D gets BD = 0.7071,
		// so D now ranks above C.
		{UserID: 1, MovieIDs: []int32{4, 3}, Scores: []float32{float32(r2), 0}},
		// u2 {A, C}: B keeps only D, D keeps only B: both 0, lower id first.
		{UserID: 2, MovieIDs: []int32{2, 4}, Scores: []float32{0, 0}},
		// u3 {B, C, D}: A keeps B: 0.5.
		{UserID: 3, MovieIDs: []int32{1}, Scores: []float32{0.5}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ItemKNN(1 neighbour):\ngot  %+v\nwant %+v", got, want)
	}

	// Validation histories are the train parts: u1 {A}, u2 {A, C},
	// u3 {B, C, D}. Users per movie: A 2, B 1, C 2, D 1; AB 0, AC 1 ->
	// 0.5; u1 gets C 0.5, B 0, D 0.
	got = ItemKNN(s, Validation, 10, 0)
	if want := (Ranking{UserID: 1, MovieIDs: []int32{3, 2, 4}, Scores: []float32{0.5, 0, 0}}); !reflect.DeepEqual(got[0], want) {
		t.Errorf("ItemKNN(Validation) user 1: got %+v, want %+v", got[0], want)
	}
}
