package features

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/moviegenie/pipeline/pkg/params"
)

// Section is the params.yaml section of the features stage.
const Section = "feature_engineering"

// Config is the feature_engineering section of params.yaml. Every key is
// required.
type Config struct {
	// EmbeddingDim is the wanted text-embedding dimension; the corpus may
	// support fewer (see textembed.Stats.Dim).
	EmbeddingDim int `yaml:"embedding_dim"`
	// MaxSequenceLength is the longest BERT4Rec window.
	MaxSequenceLength int `yaml:"max_sequence_length"`
	// Seed seeds the randomized SVD of the text encoder.
	Seed int `yaml:"seed"`
	// SVDOversampling and SVDPowerIterations tune the randomized SVD
	// (textembed.Options).
	SVDOversampling    int `yaml:"svd_oversampling"`
	SVDPowerIterations int `yaml:"svd_power_iterations"`
	// TitleWeight is the weight of a movie's title against its descriptors
	// (genres, decade, genre words), which weigh 1, in its text document.
	TitleWeight float64 `yaml:"title_weight"`
}

// key describes one key of the section: its valid range and where it goes.
// Integer keys take only integers; number keys take integers or decimals.
type key struct {
	name     string
	integer  bool
	min, max float64
	set      func(*Config, float64)
}

var configKeys = []key{
	{"embedding_dim", true, 1, 4096, func(c *Config, v float64) { c.EmbeddingDim = int(v) }},
	{"max_sequence_length", true, 2, 1 << 20, func(c *Config, v float64) { c.MaxSequenceLength = int(v) }},
	{"seed", true, 0, 1 << 53, func(c *Config, v float64) { c.Seed = int(v) }},
	{"svd_oversampling", true, 0, 4096, func(c *Config, v float64) { c.SVDOversampling = int(v) }},
	{"svd_power_iterations", true, 0, 20, func(c *Config, v float64) { c.SVDPowerIterations = int(v) }},
	{"title_weight", false, 0, 100, func(c *Config, v float64) { c.TitleWeight = v }},
}

// ConfigFromParams reads and checks the feature_engineering section. A
// missing, unknown, mistyped or out-of-range key is an error naming the key
// ("params: feature_engineering.embedding_dim: want an integer in 1..4096,
// got 0").
func ConfigFromParams(p *params.Params) (Config, error) {
	sec := p.Section(Section)
	if sec == nil {
		return Config{}, fmt.Errorf("params: section %s is missing", Section)
	}
	known := map[string]bool{}
	for _, k := range configKeys {
		known[k.name] = true
	}
	var unknown []string
	for k := range sec {
		if !known[k] {
			unknown = append(unknown, Section+"."+k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return Config{}, fmt.Errorf("params: unknown key(s) %s", strings.Join(unknown, ", "))
	}
	var c Config
	for _, k := range configKeys {
		raw, ok := sec[k.name]
		if !ok {
			return Config{}, fmt.Errorf("params: %s.%s is missing", Section, k.name)
		}
		kind := "a number"
		if k.integer {
			kind = "an integer"
		}
		var v float64
		switch x := raw.(type) {
		case int:
			v = float64(x)
		case float64:
			if k.integer {
				return Config{}, fmt.Errorf("params: %s.%s: want %s in %g..%g, got %v", Section, k.name, kind, k.min, k.max, x)
			}
			v = x
		default:
			return Config{}, fmt.Errorf("params: %s.%s: want %s in %g..%g, got %T %v", Section, k.name, kind, k.min, k.max, raw, raw)
		}
		if math.IsNaN(v) || v < k.min || v > k.max {
			return Config{}, fmt.Errorf("params: %s.%s: want %s in %g..%g, got %v", Section, k.name, kind, k.min, k.max, raw)
		}
		k.set(&c, v)
	}
	return c, nil
}

// Map returns c as the section's key-value map (for the metrics file).
func (c Config) Map() map[string]any {
	return map[string]any{
		"embedding_dim":        c.EmbeddingDim,
		"max_sequence_length":  c.MaxSequenceLength,
		"seed":                 c.Seed,
		"svd_oversampling":     c.SVDOversampling,
		"svd_power_iterations": c.SVDPowerIterations,
		"title_weight":         c.TitleWeight,
	}
}
