//go:build unix

package nn

import (
	"syscall"
	"time"
)

// processCPU returns the user+system CPU time the process has used, so that
// benchmarks can report CPU per step, which other processes sharing the
// cores disturb far less than wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
