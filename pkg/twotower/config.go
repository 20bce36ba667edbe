package twotower

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/nn"
	"github.com/moviegenie/pipeline/pkg/params"
)

// Section is the params.yaml section the trainer reads.
const Section = "model_training.two_tower"

// Config is the model_training.two_tower section of params.yaml: the
// architecture and the training recipe. The yaml names are the keys of the
// section; DefaultConfig gives the value of every key the section omits.
type Config struct {
	// Architecture.
	EmbeddingDim int `yaml:"embedding_dim" json:"embedding_dim"` // E: user-id and movie-id embeddings
	FeatureDim   int `yaml:"feature_dim" json:"feature_dim"`     // F: gender, age, occupation, zip-region and decade embeddings
	TextDim      int `yaml:"text_dim" json:"text_dim"`           // P: the text embedding projected to P by a linear layer
	// TextComponents keeps only the leading components of the movies'
	// text embeddings (0 = all). The features stage's embeddings are
	// LSA projections on singular vectors in decreasing order of singular
	// value, so the leading ones carry most of the variance.
	TextComponents int   `yaml:"text_components" json:"text_components"`
	UserLayers     []int `yaml:"user_layers" json:"user_layers"` // user MLP widths; the last is D
	ItemLayers     []int `yaml:"item_layers" json:"item_layers"` // item MLP widths; the last is D
	// Dropout is the dropout rate after every hidden layer's ReLU.
	Dropout float64 `yaml:"dropout" json:"dropout"`
	// Temperature τ: the score is cos(u, v)/τ (+ the item bias).
	Temperature float64 `yaml:"temperature" json:"temperature"`
	// ItemBias adds a learned per-movie bias to the score (a popularity
	// term the unit-length vectors do not have to encode).
	ItemBias bool `yaml:"item_bias" json:"item_bias"`
	// LogQWeight α scales the log-Q correction: logits − α·log Q(j), Q(j)
	// the chance that movie j is drawn as a batch's positive (its share of
	// the train pairs). 1 is the unbiased correction of Yi et al. 2019, 0
	// none.
	LogQWeight float64 `yaml:"logq_weight" json:"logq_weight"`
	// UniformNegatives is the number of movies drawn uniformly from the
	// catalogue for every batch and added to every row's softmax as
	// negatives, beside the in-batch ones (mixed negative sampling, Yang
	// et al. 2020); 0 for in-batch negatives only. With it the softmax
	// runs over the distinct movies drawn, each corrected by α·log of its
	// chance of being drawn; at N or more it runs over the whole
	// catalogue (a full softmax, no correction).
	UniformNegatives int `yaml:"uniform_negatives" json:"uniform_negatives"`
	// ColdStartRate is the share of training examples whose user is shown
	// to the user tower as a cold-start user: the user-id embedding
	// replaced by the learned "unknown user" row and the genre affinity
	// by the mean over all users. It teaches the tower to recommend from
	// demographics alone.
	ColdStartRate float64 `yaml:"cold_start_rate" json:"cold_start_rate"`
	InitStd       float64 `yaml:"init_std" json:"init_std"` // N(0, init_std²) for the embeddings

	// Optimisation.
	BatchSize    int     `yaml:"batch_size" json:"batch_size"`
	LearningRate float64 `yaml:"learning_rate" json:"learning_rate"`
	WeightDecay  float64 `yaml:"weight_decay" json:"weight_decay"` // AdamW decoupled decay (not on biases)
	Beta1        float64 `yaml:"beta1" json:"beta1"`
	Beta2        float64 `yaml:"beta2" json:"beta2"`
	// LazyEmbeddings updates the id-embedding tables only at the rows a
	// batch uses (lazy Adam); false runs AdamW over the whole tables every
	// step.
	LazyEmbeddings bool   `yaml:"lazy_embeddings" json:"lazy_embeddings"`
	LRDecay        string `yaml:"lr_decay" json:"lr_decay"` // none, linear or cosine (to 0 at the last epoch)
	Epochs         int    `yaml:"epochs" json:"epochs"`
	Seed           int64  `yaml:"seed" json:"seed"`

	// Model selection.
	SelectMetric string `yaml:"select_metric" json:"select_metric"` // validation metric that picks the best epoch, e.g. recall@50
	Patience     int    `yaml:"patience" json:"patience"`           // stop after this many epochs without a better select_metric; 0 = never
}

// DefaultConfig is the configuration of every key params.yaml leaves out.
func DefaultConfig() Config {
	return Config{
		EmbeddingDim: 128, FeatureDim: 8, TextDim: 32,
		UserLayers: []int{64, 64}, ItemLayers: []int{64, 64},
		Dropout: 0.1, Temperature: 0.05, ItemBias: true, LogQWeight: 1,
		UniformNegatives: 0, ColdStartRate: 0.2, InitStd: 0.05,
		BatchSize: 256, LearningRate: 0.001, WeightDecay: 0, Beta1: 0.9, Beta2: 0.999, LazyEmbeddings: true,
		LRDecay: "none", Epochs: 50, Seed: 42,
		SelectMetric: "recall@50", Patience: 20,
	}
}

// DecodeConfig reads the section over DefaultConfig and validates the
// result. Every problem is a *cliapp.UsageError naming the key.
func DecodeConfig(p *params.Params) (Config, error) {
	cfg := DefaultConfig()
	if p.Section(Section) != nil {
		// Lists replace the defaults rather than merging into them.
		cfg.UserLayers, cfg.ItemLayers = nil, nil
		if err := p.Decode(Section, &cfg); err != nil {
			return cfg, &cliapp.UsageError{Err: keyError(p, err)}
		}
		if cfg.UserLayers == nil {
			cfg.UserLayers = DefaultConfig().UserLayers
		}
		if cfg.ItemLayers == nil {
			cfg.ItemLayers = DefaultConfig().ItemLayers
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, &cliapp.UsageError{Err: err}
	}
	return cfg, nil
}

// keyError turns a decoding error into one naming the key whose value
// does not decode (yaml's own message gives only a line number): each key
// of the section is decoded alone until one fails.
func keyError(p *params.Params, err error) error {
	sec := p.Section(Section)
	keys := make([]string, 0, len(sec))
	for k := range sec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		one := params.FromMap(map[string]any{"s": map[string]any{k: sec[k]}})
		var c Config
		if e := one.Decode("s", &c); e != nil {
			if strings.Contains(e.Error(), "not found in type") {
				return fmt.Errorf("%s.%s: unknown key (known: %s)", Section, k, strings.Join(knownKeys(), ", "))
			}
			return fmt.Errorf("%s.%s = %v: wrong type for this key", Section, k, sec[k])
		}
	}
	return err
}

// knownKeys lists the keys of the section, from Config's yaml tags.
func knownKeys() []string {
	t := reflect.TypeOf(Config{})
	var out []string
	for i := 0; i < t.NumField(); i++ {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); tag != "" {
			out = append(out, tag)
		}
	}
	sort.Strings(out)
	return out
}

// D is the width of the user and movie vectors: the last layer of both MLPs.
func (c Config) D() int { return c.UserLayers[len(c.UserLayers)-1] }

// Validate returns an error naming the first key whose value cannot work.
func (c Config) Validate() error {
	bad := func(key string, v any, want string) error {
		return fmt.Errorf("%s.%s = %v: want %s", Section, key, v, want)
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	layers := func(key string, l []int) error {
		if len(l) == 0 {
			return bad(key, l, "a list of at least one layer width")
		}
		for _, w := range l {
			if w < 1 || w > 1<<16 {
				return bad(key, l, "layer widths in 1..65536")
			}
		}
		return nil
	}
	switch {
	case c.EmbeddingDim < 1 || c.EmbeddingDim > 1<<16:
		return bad("embedding_dim", c.EmbeddingDim, "an integer in 1..65536")
	case c.FeatureDim < 1 || c.FeatureDim > 1<<16:
		return bad("feature_dim", c.FeatureDim, "an integer in 1..65536")
	case c.TextDim < 1 || c.TextDim > 1<<16:
		return bad("text_dim", c.TextDim, "an integer in 1..65536")
	case c.TextComponents < 0 || c.TextComponents > 1<<16:
		return bad("text_components", c.TextComponents, "an integer in 0..65536 (0 = all)")
	}
	if err := layers("user_layers", c.UserLayers); err != nil {
		return err
	}
	if err := layers("item_layers", c.ItemLayers); err != nil {
		return err
	}
	if du, di := c.UserLayers[len(c.UserLayers)-1], c.ItemLayers[len(c.ItemLayers)-1]; du != di {
		return fmt.Errorf("%s.user_layers ends with %d but %s.item_layers with %d: the two towers' last widths (the vector size) must be equal", Section, du, Section, di)
	}
	switch {
	case !(c.Dropout >= 0 && c.Dropout < 1):
		return bad("dropout", c.Dropout, "a number in [0, 1)")
	case !(c.Temperature > 0) || !finite(c.Temperature):
		return bad("temperature", c.Temperature, "a number > 0")
	case !(c.LogQWeight >= 0) || !finite(c.LogQWeight):
		return bad("logq_weight", c.LogQWeight, "a number >= 0")
	case c.UniformNegatives < 0 || c.UniformNegatives > 1<<16:
		return bad("uniform_negatives", c.UniformNegatives, "an integer in 0..65536")
	case !(c.ColdStartRate >= 0 && c.ColdStartRate < 1):
		return bad("cold_start_rate", c.ColdStartRate, "a number in [0, 1)")
	case !(c.InitStd > 0) || !finite(c.InitStd):
		return bad("init_std", c.InitStd, "a number > 0")
	case c.BatchSize < 2:
		return bad("batch_size", c.BatchSize, "an integer >= 2 (in-batch negatives need two pairs)")
	case !(c.LearningRate > 0) || !finite(c.LearningRate):
		return bad("learning_rate", c.LearningRate, "a number > 0")
	case !(c.WeightDecay >= 0) || !finite(c.WeightDecay):
		return bad("weight_decay", c.WeightDecay, "a number >= 0")
	case !(c.Beta1 >= 0 && c.Beta1 < 1):
		return bad("beta1", c.Beta1, "a number in [0, 1)")
	case !(c.Beta2 >= 0 && c.Beta2 < 1):
		return bad("beta2", c.Beta2, "a number in [0, 1)")
	case c.LRDecay != "none" && c.LRDecay != "linear" && c.LRDecay != "cosine":
		return bad("lr_decay", fmt.Sprintf("%q", c.LRDecay), "none, linear or cosine")
	case c.Epochs < 1:
		return bad("epochs", c.Epochs, "an integer >= 1")
	case c.Patience < 0:
		return bad("patience", c.Patience, "an integer >= 0 (0 = no early stopping)")
	}
	if !validSelectMetric(c.SelectMetric) {
		return bad("select_metric", fmt.Sprintf("%q", c.SelectMetric), fmt.Sprintf("a metric at K = 10, 50 or 100, such as recall@50 (metrics: %v)", eval.MetricNames))
	}
	return nil
}

// validSelectMetric reports whether name is a metric Evaluate computes at
// one of eval.RetrievalKs.
func validSelectMetric(name string) bool {
	for _, m := range eval.MetricNames {
		for _, k := range eval.RetrievalKs {
			if name == eval.Key(m, k) {
				return true
			}
		}
	}
	return false
}

// schedule is the learning-rate schedule for a run of totalSteps updates.
func (c Config) schedule(totalSteps int) nn.Schedule {
	return nn.Schedule{Peak: float32(c.LearningRate), Total: totalSteps, Decay: c.LRDecay}
}
