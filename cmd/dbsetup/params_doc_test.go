package main

import (
	"testing"

	"github.com/moviegenie/pipeline/pkg/db"
	"github.com/moviegenie/pipeline/pkg/params"
)

// TestParamsDocumented: params.yaml and this manual show the section's
// defaults and ranges as the config's tags define them.
func TestParamsDocumented(t *testing.T) {
	if err := params.CheckShipped("../../params.yaml", db.ParamsSection, &db.Options{}); err != nil {
		t.Error(err)
	}
	if err := params.CheckManual(docSource, &db.Options{}); err != nil {
		t.Error(err)
	}
}
