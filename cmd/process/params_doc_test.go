package main

import (
	"testing"

	"github.com/moviegenie/pipeline/pkg/params"
)

// TestParamsDocumented: params.yaml and this manual show the section's
// defaults and ranges as the config's tags define them.
func TestParamsDocumented(t *testing.T) {
	if err := params.CheckShipped("../../params.yaml", section, &Params{}); err != nil {
		t.Error(err)
	}
	if err := params.CheckManual(docSource, &Params{}); err != nil {
		t.Error(err)
	}
}
