package cpufeat

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestAgreesWithProcCPUInfo compares AVX2FMA with the flags Linux reports
// (the kernel also clears them when it does not save the ymm registers).
func TestAgreesWithProcCPUInfo(t *testing.T) {
	info, err := os.ReadFile("/proc/cpuinfo")
	if runtime.GOARCH != "amd64" || err != nil {
		t.Skipf("no /proc/cpuinfo of an x86-64 CPU here (%s, %v)", runtime.GOARCH, err)
	}
	var flags []string
	for _, line := range strings.Split(string(info), "\n") {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "flags" {
			flags = strings.Fields(value)
			break
		}
	}
	has := map[string]bool{}
	for _, f := range flags {
		has[f] = true
	}
	want := has["avx2"] && has["fma"] && !purego
	if AVX2FMA != want {
		t.Errorf("got AVX2FMA %v, /proc/cpuinfo flags avx2 %v fma %v (purego build %v)", AVX2FMA, has["avx2"], has["fma"], purego)
	}
	if want512 := want && has["avx512f"]; AVX512F != want512 {
		t.Errorf("got AVX512F %v, /proc/cpuinfo flag avx512f %v", AVX512F, has["avx512f"])
	}
}
