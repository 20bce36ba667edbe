package main

import (
	"testing"

	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/process"
)

// TestParamsDocumented: params.yaml and this manual show the section's
// defaults and ranges as the config's tags define them.
func TestParamsDocumented(t *testing.T) {
	if err := params.CheckShipped("../../params.yaml", process.Section, &process.Config{}); err != nil {
		t.Error(err)
	}
	if err := params.CheckManual(docSource, &process.Config{}); err != nil {
		t.Error(err)
	}
}
