package features

import (
	"reflect"
	"testing"
)

func TestCutWindows(t *testing.T) {
	const L = 5
	for _, c := range []struct {
		n    int
		want []Span
	}{
		{0, nil},
		{1, nil},                    // too short for any window
		{2, []Span{{0, 2}}},         // the shortest window
		{L, []Span{{0, L}}},         // exactly one full window
		{L + 1, []Span{{1, L + 1}}}, // the oldest item is dropped
		{L + 2, []Span{{2, L + 2}, {0, 2}}},
		{2*L + 3, []Span{{L + 3, 2*L + 3}, {3, L + 3}, {0, 3}}},
	} {
		if got := CutWindows(c.n, L); !reflect.DeepEqual(got, c.want) {
			t.Errorf("CutWindows(%d, %d): got %v, want %v", c.n, L, got, c.want)
		}
	}
	// For any length: windows are at most L and at least 2 long, do not
	// overlap, run backwards from the end, and drop at most one item.
	for n := 0; n < 40; n++ {
		for _, maxLen := range []int{2, 3, 7, 50} {
			spans := CutWindows(n, maxLen)
			covered, end := 0, n
			for _, s := range spans {
				if s.End != end || s.End-s.Start > maxLen || s.End-s.Start < MinWindowLength {
					t.Fatalf("CutWindows(%d, %d): bad span %v in %v", n, maxLen, s, spans)
				}
				covered += s.End - s.Start
				end = s.Start
			}
			if n-covered > 1 {
				t.Errorf("CutWindows(%d, %d) drops %d items, want at most 1", n, maxLen, n-covered)
			}
		}
	}
}

func TestCutWindowsPanicsOnShortMax(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("got no panic for maxLen 1")
		}
	}()
	CutWindows(5, 1)
}
