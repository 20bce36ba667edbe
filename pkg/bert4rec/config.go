package bert4rec

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/nn"
	"github.com/moviegenie/pipeline/pkg/params"
)

// Section is the params.yaml section the trainer reads.
const Section = "model_training.bert4rec"

// Config is the model_training.bert4rec section of params.yaml: the
// architecture and the training recipe. The yaml names are the keys of the
// section; DefaultConfig gives the value of every key the section omits.
type Config struct {
	// Architecture.
	HiddenSize int     `yaml:"hidden_size" json:"hidden_size"` // C
	NumLayers  int     `yaml:"num_layers" json:"num_layers"`   // L
	Block      string  `yaml:"block" json:"block"`             // post_ln (BERT, BERT4Rec) or pre_ln
	NumHeads   int     `yaml:"num_heads" json:"num_heads"`     // NH; must divide C
	FFNMult    int     `yaml:"ffn_mult" json:"ffn_mult"`       // FFN width = ffn_mult·C
	Dropout    float64 `yaml:"dropout" json:"dropout"`         // hidden dropout
	// MaxLen is T, the sequence length. 0 means "use
	// feature_engineering.max_sequence_length", the length the windows
	// were cut to.
	MaxLen   int     `yaml:"max_len" json:"max_len"`
	InitStd  float64 `yaml:"init_std" json:"init_std"` // N(0, init_std²) initialisation, as BERT's 0.02
	MaskProb float64 `yaml:"mask_prob" json:"mask_prob"`
	// MaskTokenRatio is the share of the chosen positions replaced by the
	// [MASK] token; the rest is split evenly between "keep the item" and
	// "a random item" (BERT's 80/10/10 is 0.8). 1 masks them all.
	MaskTokenRatio float64 `yaml:"mask_token_ratio" json:"mask_token_ratio"`
	// MaskLast trains the next-item prediction the model serves, on each
	// user's most recent window (window 0, ending with the last train
	// item): "extra" adds that window once more per epoch with only its
	// last item masked (the original code's mask_last instances; costs a
	// full forward-backward per user), "force" always masks the last item
	// of that window in its Cloze example (free), "force_all" does so in
	// every window (each window's last item predicted from the items
	// before it, also free), "none" leaves the Cloze draws alone.
	MaskLast string `yaml:"mask_last" json:"mask_last"`

	// Optimisation.
	BatchSize    int     `yaml:"batch_size" json:"batch_size"`
	LearningRate float64 `yaml:"learning_rate" json:"learning_rate"`
	WeightDecay  float64 `yaml:"weight_decay" json:"weight_decay"`
	Beta1        float64 `yaml:"beta1" json:"beta1"`
	Beta2        float64 `yaml:"beta2" json:"beta2"`
	WarmupSteps  int     `yaml:"warmup_steps" json:"warmup_steps"`
	LRDecay      string  `yaml:"lr_decay" json:"lr_decay"`   // none, linear or cosine (to 0 at the last epoch)
	GradClip     float64 `yaml:"grad_clip" json:"grad_clip"` // global norm; 0 = no clipping
	Epochs       int     `yaml:"epochs" json:"epochs"`
	Seed         int64   `yaml:"seed" json:"seed"`

	// Model selection.
	EvalEvery int `yaml:"eval_every" json:"eval_every"` // validate every eval_every epochs (and after the last)
	Patience  int `yaml:"patience" json:"patience"`     // stop after this many epochs without a better validation ndcg@10; 0 = never
}

// DefaultConfig is the configuration of every key params.yaml leaves out:
// the values of params.yaml (see "Recipe" in the package documentation).
func DefaultConfig() Config {
	return Config{
		HiddenSize: 128, NumLayers: 4, Block: PostLN, NumHeads: 4, FFNMult: 4, Dropout: 0.1,
		MaxLen: 0, InitStd: 0.02, MaskProb: 0.4, MaskTokenRatio: 1, MaskLast: "force",
		BatchSize: 256, LearningRate: 0.001, WeightDecay: 0, Beta1: 0.9, Beta2: 0.999,
		WarmupSteps: 100, LRDecay: "linear", GradClip: 0, Epochs: 50, Seed: 42,
		EvalEvery: 1, Patience: 15,
	}
}

// maxSeqKey is where MaxLen comes from when the section leaves it at 0.
const maxSeqKey = "feature_engineering.max_sequence_length"

// DecodeConfig reads the section over DefaultConfig, fills MaxLen from
// feature_engineering.max_sequence_length when the section does not set it,
// and validates the result. Every problem is a *cliapp.UsageError naming
// the key.
func DecodeConfig(p *params.Params) (Config, error) {
	cfg := DefaultConfig()
	if err := decodeSection(p.Section(Section), &cfg); err != nil {
		return cfg, &cliapp.UsageError{Err: err}
	}
	if cfg.MaxLen == 0 {
		if fe := p.Section("feature_engineering"); fe != nil {
			switch v := fe["max_sequence_length"].(type) {
			case int:
				cfg.MaxLen = v
			case nil:
			default:
				return cfg, cliapp.Usagef("%s = %v: want an integer", maxSeqKey, v)
			}
		}
		if cfg.MaxLen == 0 {
			return cfg, cliapp.Usagef("%s.max_len is not set and %s is missing", Section, maxSeqKey)
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, &cliapp.UsageError{Err: err}
	}
	return cfg, nil
}

// decodeSection decodes the section key by key (in sorted order) over
// cfg, so that an unknown key or a value of the wrong type is reported with
// the key's name.
func decodeSection(sec map[string]any, cfg *Config) error {
	keys := make([]string, 0, len(sec))
	for k := range sec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		data, err := yaml.Marshal(map[string]any{k: sec[k]})
		if err != nil {
			return fmt.Errorf("%s.%s: %w", Section, k, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(cfg); err != nil {
			if strings.Contains(err.Error(), "not found in type") {
				return fmt.Errorf("%s.%s: unknown key", Section, k)
			}
			return fmt.Errorf("%s.%s = %v: wrong type for this key", Section, k, sec[k])
		}
	}
	return nil
}

// Validate returns an error naming the first key whose value cannot work.
func (c Config) Validate() error {
	bad := func(key string, v any, want string) error {
		return fmt.Errorf("%s.%s = %v: want %s", Section, key, v, want)
	}
	switch {
	case c.HiddenSize < 1:
		return bad("hidden_size", c.HiddenSize, "an integer >= 1")
	case c.NumLayers < 1:
		return bad("num_layers", c.NumLayers, "an integer >= 1")
	case c.Block != PostLN && c.Block != PreLN:
		return bad("block", fmt.Sprintf("%q", c.Block), "post_ln or pre_ln")
	case c.NumHeads < 1:
		return bad("num_heads", c.NumHeads, "an integer >= 1")
	case c.HiddenSize%c.NumHeads != 0:
		return fmt.Errorf("%s.hidden_size = %d is not divisible by %s.num_heads = %d", Section, c.HiddenSize, Section, c.NumHeads)
	case c.FFNMult < 1:
		return bad("ffn_mult", c.FFNMult, "an integer >= 1")
	case !(c.Dropout >= 0 && c.Dropout < 1):
		return bad("dropout", c.Dropout, "a number in [0, 1)")
	case c.MaxLen < 2:
		return bad("max_len", c.MaxLen, "an integer >= 2")
	case !(c.InitStd > 0) || math.IsInf(c.InitStd, 0):
		return bad("init_std", c.InitStd, "a number > 0")
	case !(c.MaskProb > 0 && c.MaskProb <= 1):
		return bad("mask_prob", c.MaskProb, "a number in (0, 1]")
	case !(c.MaskTokenRatio >= 0 && c.MaskTokenRatio <= 1):
		return bad("mask_token_ratio", c.MaskTokenRatio, "a number in [0, 1]")
	case c.MaskLast != "extra" && c.MaskLast != "force" && c.MaskLast != "force_all" && c.MaskLast != "none":
		return bad("mask_last", fmt.Sprintf("%q", c.MaskLast), "extra, force, force_all or none")
	case c.BatchSize < 1:
		return bad("batch_size", c.BatchSize, "an integer >= 1")
	case !(c.LearningRate > 0) || math.IsInf(c.LearningRate, 0):
		return bad("learning_rate", c.LearningRate, "a number > 0")
	case !(c.WeightDecay >= 0) || math.IsInf(c.WeightDecay, 0):
		return bad("weight_decay", c.WeightDecay, "a number >= 0")
	case !(c.Beta1 >= 0 && c.Beta1 < 1):
		return bad("beta1", c.Beta1, "a number in [0, 1)")
	case !(c.Beta2 >= 0 && c.Beta2 < 1):
		return bad("beta2", c.Beta2, "a number in [0, 1)")
	case c.WarmupSteps < 0:
		return bad("warmup_steps", c.WarmupSteps, "an integer >= 0")
	case c.LRDecay != "none" && c.LRDecay != "linear" && c.LRDecay != "cosine":
		return bad("lr_decay", fmt.Sprintf("%q", c.LRDecay), "none, linear or cosine")
	case !(c.GradClip >= 0) || math.IsInf(c.GradClip, 0):
		return bad("grad_clip", c.GradClip, "a number >= 0 (0 = no clipping)")
	case c.Epochs < 1:
		return bad("epochs", c.Epochs, "an integer >= 1")
	case c.EvalEvery < 1:
		return bad("eval_every", c.EvalEvery, "an integer >= 1")
	case c.Patience < 0:
		return bad("patience", c.Patience, "an integer >= 0 (0 = no early stopping)")
	}
	return nil
}

// schedule is the learning-rate schedule for a run of totalSteps updates.
func (c Config) schedule(totalSteps int) nn.Schedule {
	return nn.Schedule{Peak: float32(c.LearningRate), Warmup: c.WarmupSteps, Total: totalSteps, Decay: c.LRDecay}
}
