package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/process"
)

func TestDecodeParams(t *testing.T) {
	for _, tc := range []struct {
		name    string
		section map[string]any // nil: no data_processing section
		want    process.Config
		wantErr string // a usage error containing this
	}{
		{"an empty section takes the defaults", map[string]any{}, process.Defaults(), ""},
		{"a missing section is refused", nil, process.Config{}, "data_processing: section is missing"},
		{"seed params", map[string]any{"min_ratings_per_user": 20, "min_ratings_per_movie": 5, "test_split_ratio": 0.2, "split": "temporal"}, process.Defaults(), ""},
		{"partial section keeps defaults", map[string]any{"split": "leave_one_out"},
			func() process.Config { c := process.Defaults(); c.Split = "leave_one_out"; return c }(), ""},
		{"unknown key", map[string]any{"min_rating_per_user": 3}, process.Config{}, "min_rating_per_user"},
		{"wrong type", map[string]any{"min_ratings_per_user": "many"}, process.Config{}, "many"},
		{"ratio zero", map[string]any{"test_split_ratio": 0}, process.Config{}, "data_processing.test_split_ratio = 0"},
		{"ratio one", map[string]any{"test_split_ratio": 1}, process.Config{}, "data_processing.test_split_ratio = 1"},
		{"ratio above one", map[string]any{"test_split_ratio": 1.5}, process.Config{}, "data_processing.test_split_ratio = 1.5"},
		{"ratio negative", map[string]any{"test_split_ratio": -0.1}, process.Config{}, "data_processing.test_split_ratio = -0.1"},
		{"min user zero", map[string]any{"min_ratings_per_user": 0}, process.Config{}, "data_processing.min_ratings_per_user = 0"},
		{"min movie negative", map[string]any{"min_ratings_per_movie": -1}, process.Config{}, "data_processing.min_ratings_per_movie = -1"},
		{"unknown split", map[string]any{"split": "random"}, process.Config{}, `data_processing.split = "random"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tree := map[string]any{"other": map[string]any{"x": 1}}
			if tc.section != nil || tc.wantErr == "" {
				tree[process.Section] = tc.section
			}
			got, err := process.Decode(params.FromMap(tree))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got != tc.want {
					t.Errorf("got %+v, want %+v", got, tc.want)
				}
				return
			}
			var ue *params.Error
			if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("got error %v, want a usage error containing %q", err, tc.wantErr)
			}
		})
	}
}
