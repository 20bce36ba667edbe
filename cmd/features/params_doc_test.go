package main

import (
	"testing"

	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/params"
)

// TestParamsDocumented: params.yaml and this manual show the section's
// defaults and ranges as the config's tags define them.
func TestParamsDocumented(t *testing.T) {
	if err := params.CheckShipped("../../params.yaml", features.Section, &features.Config{}); err != nil {
		t.Error(err)
	}
	if err := params.CheckManual(docSource, &features.Config{}); err != nil {
		t.Error(err)
	}
}
