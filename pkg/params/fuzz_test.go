package params_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/bert4rec"
	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/semantic"
	"github.com/moviegenie/pipeline/pkg/twotower"
)

// FuzzLoadDecode: any params file and any --set override is either
// refused with an error naming the file or the flag, or loaded; then each
// stage's decoder either refuses its section or returns a config, and
// never panics. The seeds are the repository's params.yaml and the kinds
// of bad file the strict decoder exists for.
func FuzzLoadDecode(f *testing.F) {
	repo, err := os.ReadFile(filepath.Join("..", "..", "params.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []struct{ file, set string }{
		{string(repo), ""},
		{string(repo), "model_training.bert4rec.epochs=5"},
		{string(repo), "model_training.bert4rec.epochs="},
		{string(repo), "model_training.two_tower.hidden_size=1000000"},
		{"model_training:\n  bert4rec:\n    epochs: 2.5\n", ""},
		{"model_trainig:\n  bert4rec:\n    epochs: 2\n", ""},
		{"model_training:\n  bert4rec: 5\n", ""},
		{"model_training:\n  bert4rec:\n    hidden_size: 1000000\n", ""},
		{"model_training:\n  two_tower:\n    user_layers: [64, -1]\n", ""},
		{"feature_engineering:\n  embedding_dim: null\n", ""},
		{"", ""},
		{"- a\n- b\n", ""},
		{"a: &x [*x]\n", ""},
		{"semantic_search: {semantic_weight: .nan}\n", "semantic_search.user_pool=1e400"},
	} {
		f.Add(s.file, s.set)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, file, set string) {
		path := filepath.Join(dir, "params.yaml")
		if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
			t.Fatal(err)
		}
		var sets []string
		if set != "" {
			sets = []string{set}
		}
		p, err := params.Load([]string{path}, sets)
		if err != nil {
			if !strings.Contains(err.Error(), "params.yaml") && !strings.Contains(err.Error(), set) {
				t.Errorf("Load error %q names neither the file nor the override", err)
			}
			return
		}
		_, _ = bert4rec.DecodeConfig(p)
		_, _ = twotower.DecodeConfig(p)
		_, _ = features.ConfigFromParams(p)
		_, _ = semantic.ConfigFromParams(p)
	})
}
