//go:build !unix

package nn

import "time"

// processCPU is unavailable here; CPU-per-step metrics read 0.
func processCPU() time.Duration { return 0 }
