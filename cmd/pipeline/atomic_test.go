package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAtomic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "sub", "out.csv")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string // content of out afterwards
	}{
		{"stdout becomes the file", []string{"--", "printf", "a,b\\n1,2\\n"}, 0, "a,b\n1,2\n"},
		{"a failure keeps the previous file", []string{"--", "sh", "-c", "printf partial; exit 3"}, 1, "a,b\n1,2\n"},
		{"{} is the temporary path", []string{"--", "sh", "-c", "printf x > {}"}, 0, "x"},
		{"a missing command keeps the file", []string{"--", "no-such-command-here"}, 1, "x"},
	}
	for _, tt := range tests {
		code, _, errOut := runMonitorCmd(t, append([]string{"atomic", "--out", out}, tt.args...)...)
		if code != tt.wantCode {
			t.Errorf("%s: got exit %d (%s), want %d", tt.name, code, errOut, tt.wantCode)
		}
		if got, _ := os.ReadFile(out); string(got) != tt.want {
			t.Errorf("%s: got %q in the file, want %q", tt.name, got, tt.want)
		}
		if tt.wantCode != 0 && !strings.Contains(errOut, "left unchanged") {
			t.Errorf("%s: got message %q, want it to say the file was left unchanged", tt.name, errOut)
		}
		temps, _ := filepath.Glob(filepath.Join(dir, "sub", ".out.csv.tmp-*"))
		if len(temps) != 0 {
			t.Errorf("%s: temporary files left: %q", tt.name, temps)
		}
	}
	if code, _, _ := runMonitorCmd(t, "atomic", "--out", out); code != 2 {
		t.Errorf("no command: got exit %d, want 2", code)
	}
}
