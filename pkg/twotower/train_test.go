package twotower

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/params"
)

// TestTrainTiny trains a tiny model twice: the loss goes down, the model
// learns the world's structure (a user's best movies are of the user's
// genre), and both runs save byte-identical files.
func TestTrainTiny(t *testing.T) {
	w := newWorld(24, 18, 4)
	save := func() ([]byte, *Result, *Model) {
		cfg := tinyConfig()
		cfg.Epochs, cfg.LearningRate = 30, 0.01
		m := newTiny(t, cfg, w)
		res, err := Train(m, w.pairs, Options{})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "m.bin")
		if err := m.Save(path); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b, res, m
	}
	b1, res, m := save()
	b2, _, _ := save()
	if !bytes.Equal(b1, b2) {
		t.Fatal("two runs with the same seed saved different model files")
	}
	first, last := res.Curve[0].Loss, res.Curve[len(res.Curve)-1].Loss
	if !(last < 0.8*first) {
		t.Fatalf("loss went from %.4f to %.4f, want a drop of at least 20%%", first, last)
	}
	// Each user's top-3 movies: mostly of the user's genre (gender g ->
	// genre g), against 1/3 by chance.
	N, G := m.Sizes.Movies, m.Sizes.Genres
	scores := scoresOf(m, false)
	var hits, total int
	for u := 0; u < m.Sizes.Users; u++ {
		row := scores[u*N : (u+1)*N]
		idx := make([]int, N)
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			switch {
			case row[a] > row[b]:
				return -1
			case row[a] < row[b]:
				return 1
			}
			return 0
		})
		for _, n := range idx[:3] {
			if m.Movies.Genres[n*G+int(w.users.Gender[u])] == 1 {
				hits++
			}
			total++
		}
	}
	if frac := float64(hits) / float64(total); frac < 0.8 {
		t.Fatalf("%.2f of the users' top-3 movies are of their genre, want >= 0.8", frac)
	}
}

// TestTrainMixedNegatives trains with uniform negatives (a few, and the
// whole catalogue), with a last batch shorter than the others: the loss
// goes down.
func TestTrainMixedNegatives(t *testing.T) {
	w := newWorld(24, 18, 4)
	if len(w.pairs)%8 == 0 {
		t.Fatalf("%d pairs: want a partial last batch of 8", len(w.pairs))
	}
	for _, M := range []int{5, 100} {
		cfg := tinyConfig()
		cfg.Epochs, cfg.LearningRate, cfg.UniformNegatives = 10, 0.01, M
		m := newTiny(t, cfg, w)
		res, err := Train(m, w.pairs, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if first, last := res.Curve[0].Loss, res.Curve[len(res.Curve)-1].Loss; !(last < 0.8*first) {
			t.Fatalf("uniform_negatives %d: loss went from %.4f to %.4f, want a drop of at least 20%%", M, first, last)
		}
	}
}

// TestTrainSelectsBestEpoch checks that the weights kept are those of the
// best validation epoch and that patience stops the run.
func TestTrainSelectsBestEpoch(t *testing.T) {
	w := newWorld(10, 14, 5)
	cfg := tinyConfig()
	cfg.Epochs, cfg.Patience, cfg.SelectMetric = 10, 2, "recall@10"
	m := newTiny(t, cfg, w)
	vals := []float64{0.1, 0.3, 0.2, 0.25, 0.5}
	var saved []float32
	epoch := 0
	res, err := Train(m, w.pairs, Options{Validate: func(m *Model) (map[string]float64, error) {
		epoch++
		if epoch == 2 {
			saved = slices.Clone(m.P.Data)
		}
		return map[string]float64{"recall@10": vals[epoch-1]}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.BestEpoch != 2 || len(res.Curve) != 4 || !res.StoppedEarly {
		t.Fatalf("got best epoch %d after %d epochs (stopped early %v), want 2 after 4 (true)", res.BestEpoch, len(res.Curve), res.StoppedEarly)
	}
	if !slices.Equal(m.P.Data, saved) {
		t.Fatal("the model does not hold the best epoch's weights")
	}
}

// TestBadParams checks that a bad value is a usage error naming the key,
// before any work.
func TestBadParams(t *testing.T) {
	for _, tc := range []struct {
		key  string
		val  any
		want string
	}{
		{"epochs", 0, "model_training.two_tower.epochs"},
		{"batch_size", 1, "model_training.two_tower.batch_size"},
		{"learning_rate", -0.1, "model_training.two_tower.learning_rate"},
		{"temperature", 0, "model_training.two_tower.temperature"},
		{"dropout", 1.0, "model_training.two_tower.dropout"},
		{"cold_start_rate", -0.5, "model_training.two_tower.cold_start_rate"},
		{"logq_weight", -1, "model_training.two_tower.logq_weight"},
		{"user_layers", []any{128, 32}, "same last width as user_layers (32)"},
		{"item_layers", []any{}, "model_training.two_tower.item_layers"},
		{"lr_decay", "exp", "model_training.two_tower.lr_decay"},
		{"select_metric", "recall@7", "model_training.two_tower.select_metric"},
		{"embeding_dim", 64, "embeding_dim"},
		{"embedding_dim", "big", "embedding_dim"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			p := params.FromMap(map[string]any{"model_training": map[string]any{"two_tower": map[string]any{"epochs": 5, tc.key: tc.val}}})
			_, err := DecodeConfig(p)
			var ue *params.Error
			if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a *params.Error mentioning %q", err, tc.want)
			}
		})
	}
	p := params.FromMap(map[string]any{"model_training": map[string]any{"two_tower": map[string]any{"epochs": 5, "user_layers": []any{32}, "item_layers": []any{64, 32}}}})
	cfg, err := DecodeConfig(p)
	if err != nil || cfg.Epochs != 5 || !slices.Equal(cfg.UserLayers, []int{32}) || cfg.D() != 32 || cfg.Temperature != DefaultConfig().Temperature {
		t.Fatalf("got %+v, %v; want epochs 5, user_layers [32], other keys at their defaults", cfg, err)
	}
}
