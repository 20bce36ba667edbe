package recommend

import (
	"reflect"
	"testing"
)

func TestTopKExcludesSeenAndBreaksTiesByID(t *testing.T) {
	scores := map[int32]float32{1: 0.5, 2: 0.9, 3: 0.5, 4: 0.7, 5: 1.0}
	seen := map[int32]bool{5: true}
	got := TopK(scores, seen, 3)
	want := []Item{{2, 0.9}, {4, 0.7}, {1, 0.5}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got := TopK(scores, seen, 10); len(got) != 4 {
		t.Fatalf("got %d items for k larger than the unseen catalogue, want 4", len(got))
	}
}

func TestOpenUnknownKind(t *testing.T) {
	if _, err := Open("no-such-kind", "x.bin", Paths{}); err == nil {
		t.Fatal("got nil error for an unknown kind")
	}
}
