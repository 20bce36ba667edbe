package cputime

import (
	"runtime"
	"testing"
	"time"
)

// TestProcessCountsWork spins for a while and expects the CPU clock to move
// by a good part of the wall time spent (on Unix; elsewhere it reads 0).
func TestProcessCountsWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("CPU time is not measured on " + runtime.GOOS)
	}
	before := Process()
	start := time.Now()
	x := 1.0
	for time.Since(start) < 50*time.Millisecond {
		for range 1000 {
			x = x*1.0000001 + 1e-9
		}
	}
	got := Process() - before
	if got <= 0 || got > 10*time.Second {
		t.Errorf("got %v of CPU time for 50ms of spinning (x=%v), want > 0", got, x)
	}
}
