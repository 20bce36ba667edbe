package features

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/params"
)

func goodSection() map[string]any {
	return map[string]any{
		"embedding_dim": 512, "max_sequence_length": 50, "seed": 42,
		"svd_oversampling": 32, "svd_power_iterations": 2, "title_weight": 1.0,
	}
}

func TestConfigFromParams(t *testing.T) {
	got, err := ConfigFromParams(params.FromMap(map[string]any{Section: goodSection()}))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{EmbeddingDim: 512, MaxSequenceLength: 50, Seed: 42, SVDOversampling: 32, SVDPowerIterations: 2, TitleWeight: 1}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// An integer is a valid number.
	sec := goodSection()
	sec["title_weight"] = 2
	if c, err := ConfigFromParams(params.FromMap(map[string]any{Section: sec})); err != nil || c.TitleWeight != 2 {
		t.Errorf("title_weight 2: got %+v, %v", c, err)
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	for _, c := range []struct {
		key  string
		val  any // nil: delete the key
		want string
	}{
		{"embedding_dim", 0, "feature_engineering.embedding_dim"},
		{"embedding_dim", "big", "feature_engineering.embedding_dim"},
		{"embedding_dim", 1.5, "feature_engineering.embedding_dim"},
		{"max_sequence_length", 1, "feature_engineering.max_sequence_length"},
		{"seed", -1, "feature_engineering.seed"},
		{"svd_oversampling", -3, "feature_engineering.svd_oversampling"},
		{"svd_power_iterations", 100, "feature_engineering.svd_power_iterations"},
		{"title_weight", -0.5, "feature_engineering.title_weight"},
		{"title_weight", "heavy", "feature_engineering.title_weight"},
		{"embeding_dim", 64, "feature_engineering.embeding_dim"}, // misspelt: unknown
	} {
		sec := goodSection()
		if c.val == nil {
			delete(sec, c.key)
		} else {
			sec[c.key] = c.val
		}
		_, err := ConfigFromParams(params.FromMap(map[string]any{Section: sec}))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s = %v: got %v, want an error containing %q", c.key, c.val, err, c.want)
		}
	}
	if _, err := ConfigFromParams(params.FromMap(map[string]any{})); err == nil || !strings.Contains(err.Error(), Section) {
		t.Errorf("no section: got %v, want an error naming %s", err, Section)
	}
}

// TestRepoParamsAreValid reads the repository's params.yaml.
func TestRepoParamsAreValid(t *testing.T) {
	path := filepath.Join("..", "..", "params.yaml")
	if _, err := os.Stat(path); err != nil {
		t.Skip(err)
	}
	p, err := params.Load([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ConfigFromParams(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.EmbeddingDim != 512 || c.MaxSequenceLength != 50 || c.Seed != 42 {
		t.Errorf("got %+v, want the seed params 512, 50, 42", c)
	}
}
