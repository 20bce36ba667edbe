package bert4rec

import (
	"errors"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/params"
)

func seedParams() *params.Params {
	return params.FromMap(map[string]any{
		"feature_engineering": map[string]any{"max_sequence_length": 50},
		"model_training": map[string]any{"bert4rec": map[string]any{
			"hidden_size": 128, "num_layers": 4, "batch_size": 256, "learning_rate": 0.001, "epochs": 50, "seed": 42,
		}},
	})
}

func TestDecodeConfig(t *testing.T) {
	cfg, err := DecodeConfig(seedParams())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxLen != 0 || cfg.HiddenSize != 128 || cfg.NumHeads != 4 || cfg.Epochs != 50 {
		t.Errorf("got %+v, want max_len 0 (from the windows) and the seed values", cfg)
	}
	p := seedParams()
	p.Set("model_training.bert4rec.max_len=20")
	if cfg, _ := DecodeConfig(p); cfg.MaxLen != 20 {
		t.Errorf("got max_len %d, want the section's 20", cfg.MaxLen)
	}
}

// TestDecodeConfigErrors: every bad value is a usage error naming its key.
func TestDecodeConfigErrors(t *testing.T) {
	for _, c := range []struct{ set, key string }{
		{"num_heads=3", "num_heads"},
		{"hidden_size=0", "hidden_size"},
		{"epochs=0", "epochs"},
		{"learning_rate=-0.1", "learning_rate"},
		{"weight_decay=-1", "weight_decay"},
		{"dropout=1", "dropout"},
		{"mask_prob=0", "mask_prob"},
		{"mask_token_ratio=1.5", "mask_token_ratio"},
		{"batch_size=-3", "batch_size"},
		{"lr_decay=step", "lr_decay"},
		{"patience=-1", "patience"},
		{"eval_every=0", "eval_every"},
		{"max_len=1", "max_len"},
		{"learnig_rate=0.1", "learnig_rate"},
		{"epochs=ten", "epochs"},
	} {
		p := seedParams()
		if err := p.Set(Section + "." + c.set); err != nil {
			t.Fatal(err)
		}
		_, err := DecodeConfig(p)
		var ue *params.Error
		if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), c.key) {
			t.Errorf("%s: got %v, want a *params.Error naming %s", c.set, err, c.key)
		}
	}
	// No params file can ask for more memory than MaxMemory.
	p := seedParams()
	for _, kv := range []string{"hidden_size=1024", "num_layers=24", "batch_size=4096", "max_len=1024", "ffn_mult=8"} {
		p.Set(Section + "." + kv)
	}
	if _, err := DecodeConfig(p); err == nil || !strings.Contains(err.Error(), "GiB") {
		t.Errorf("largest sizes: got %v, want an error naming the memory bound", err)
	}
	p = params.FromMap(map[string]any{"feature_engineering": map[string]any{"max_sequence_length": 50}})
	if _, err := DecodeConfig(p); err == nil || !strings.Contains(err.Error(), "section is missing") {
		t.Errorf("no section: got %v, want the missing section named", err)
	}
}
