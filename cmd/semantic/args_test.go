package main

import (
	"github.com/moviegenie/pipeline/pkg/cliapp"

	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestHoistFlags(t *testing.T) {
	app := newApp(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	tests := []struct {
		in, want string
	}{
		{"semantic search godfather", "semantic search -- godfather"},
		{"semantic search star wars -k 5", "semantic search -k 5 -- star wars"},
		{"semantic search -k 5 star wars --json", "semantic search -k 5 --json -- star wars"},
		{"semantic search star --user=3 wars", "semantic search --user=3 -- star wars"},
		{"semantic search -k -3 godfather", "semantic search -k -3 -- godfather"},
		{"semantic search godfather --set a.b=1", "semantic --set a.b=1 search -- godfather"},
		{"semantic --params p.yaml search godfather --params q.yaml", "semantic --params p.yaml --params q.yaml search -- godfather"},
		{"semantic search godfather --bogus", "semantic search --bogus -- godfather"},
		{"semantic search -- -k is a word", "semantic search -- -k is a word"},
		{"semantic search", "semantic search"},
		{"semantic build --index x.bin", "semantic build --index x.bin"},
		{"semantic build extra --index x.bin", "semantic build --index x.bin -- extra"},
		{"semantic nosuchcommand -k 3", "semantic nosuchcommand -k 3"},
		{"semantic", "semantic"},
	}
	for _, tt := range tests {
		got := hoistFlags(strings.Fields(tt.in), app)
		if !slices.Equal(got, strings.Fields(tt.want)) {
			t.Errorf("hoistFlags(%q) = %q, want %q", tt.in, strings.Join(got, " "), tt.want)
		}
	}
}

func TestManualIsThePackageComment(t *testing.T) {
	m := cliapp.Manual(docSource)
	if !strings.HasPrefix(m, "Semantic is natural-language movie search") || strings.Contains(m, "package main") {
		t.Errorf("manual starts %q", m[:min(80, len(m))])
	}
}
