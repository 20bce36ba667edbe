package db

import "testing"

// TestBoxes: boxed values equal what they box, inside the tables and out.
func TestBoxes(t *testing.T) {
	b := newBoxesFor([]int32{3, 7, 5})
	for _, v := range []int32{0, 5, 7, 8, -1, 1 << 30} {
		if got := b.of(v); got != any(int64(v)) {
			t.Errorf("of(%d) = %#v, want int64 %d", v, got, v)
		}
	}
	if len(b) != 8 {
		t.Errorf("table of %d values, want 8 (0..7)", len(b))
	}
	if sparse := newBoxesFor([]int32{1, 2_000_000_000}); sparse != nil || sparse.of(2_000_000_000) != any(int64(2_000_000_000)) {
		t.Errorf("sparse ids: got a table of %d, want none (values boxed as they come)", len(sparse))
	}
	for _, r := range []float32{0.5, 1, 3.5, 5, 3.3, 0.25, 7} {
		if got := ratingBox(r); got != any(float64(r)) {
			t.Errorf("ratingBox(%v) = %#v, want float64 %v", r, got, float64(r))
		}
	}
	for code, want := range []string{"train", "validation", "test"} {
		if splitBoxes[code] != any(want) {
			t.Errorf("split %d: got %v, want %s", code, splitBoxes[code], want)
		}
	}
}
