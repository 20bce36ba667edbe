package features

import "testing"

func TestAgeBucket(t *testing.T) {
	for _, c := range []struct{ age, want int32 }{
		{0, 0}, {7, 0}, {17, 0}, {18, 1}, {24, 1}, {25, 2}, {34, 2}, {35, 3}, {44, 3},
		{45, 4}, {49, 4}, {50, 5}, {55, 5}, {56, 6}, {73, 6}, {120, 6},
	} {
		if got := AgeBucket(c.age); got != c.want {
			t.Errorf("AgeBucket(%d): got %d, want %d", c.age, got, c.want)
		}
	}
}

func TestZipRegion(t *testing.T) {
	for _, c := range []struct {
		zip  string
		want int32
	}{
		{"55105", 5}, {"02139", 0}, {"00000", 0}, {"94110", 9}, {"98101-1234", 9},
		{"L9G2B", 10}, {"V3N4P", 10}, {"E2A4H", 10}, // Canadian
		{"", 10}, {"   ", 10}, {" 7", 7}, {"-1234", 10},
	} {
		if got := ZipRegion(c.zip); got != c.want {
			t.Errorf("ZipRegion(%q): got %d, want %d", c.zip, got, c.want)
		}
	}
}

func TestGenderIdx(t *testing.T) {
	for _, c := range []struct {
		g    string
		want int32
	}{{"M", 0}, {"F", 1}, {"m", 0}, {" f ", 1}, {"", 2}, {"X", 2}} {
		if got := GenderIdx(c.g); got != c.want {
			t.Errorf("GenderIdx(%q): got %d, want %d", c.g, got, c.want)
		}
	}
}
