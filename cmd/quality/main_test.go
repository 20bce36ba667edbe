package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/cliapp"
)

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad seed", []string{"--seeds", "42,x"}, `--seeds: "x" is not an integer`},
		{"unknown model", []string{"--models", "bert4rec,sasrec"}, `unknown model "sasrec"`},
		{"unknown split", []string{"--splits", "random"}, `unknown split "random"`},
		{"no seeds", []string{"--seeds", ","}, "at least one value"},
		{"empty out", []string{"--out", ""}, "--out must not be empty"},
		{"argument", []string{"now"}, `unexpected argument "now"`},
		{"missing params file", []string{"--params", "nope.yaml"}, "nope.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := cliapp.Run(newApp(), append([]string{"quality"}, tt.args...), &stderr)
			if code != cliapp.ExitUsage || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("quality %v: got exit %d %q, want exit %d with %q", tt.args, code, stderr.String(), cliapp.ExitUsage, tt.want)
			}
		})
	}
}
