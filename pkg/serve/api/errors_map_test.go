package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/serve/modelset"
	"github.com/moviegenie/pipeline/pkg/twotower"
)

// TestRecommendErrorStatus maps the model set's errors, as Recommend wraps
// them, to the status and code a client sees.
func TestRecommendErrorStatus(t *testing.T) {
	for _, tc := range []struct {
		name       string
		err        error
		status     int
		code, want string
	}{
		{"no demographics", fmt.Errorf("%w: %w", modelset.ErrBadDemo,
			fmt.Errorf("%w: its training data has none", twotower.ErrNoDemographics)),
			http.StatusBadRequest, CodeBadParam, "trained on a dataset without them"},
		{"bad demographics", fmt.Errorf("%w: %w", modelset.ErrBadDemo, twotower.ErrBadAge),
			http.StatusBadRequest, CodeBadParam, "bad demographics"},
		{"no history", modelset.ErrNoHistory, http.StatusBadRequest, CodeBadParam, modelset.ErrNoHistory.Error()},
		{"unknown model", fmt.Errorf("%w %q", modelset.ErrUnknownModel, "x"), http.StatusBadRequest, CodeUnknownModel, `"x"`},
	} {
		var ae *apiError
		if !errors.As(recommendError(tc.err), &ae) {
			t.Errorf("%s: got %v, want an API error", tc.name, recommendError(tc.err))
			continue
		}
		if ae.status != tc.status || ae.code != tc.code || !strings.Contains(ae.message, tc.want) {
			t.Errorf("%s: got %d %s %q, want %d %s with %q", tc.name, ae.status, ae.code, ae.message, tc.status, tc.code, tc.want)
		}
	}
}
