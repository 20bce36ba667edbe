package features

import (
	"github.com/moviegenie/pipeline/pkg/params"
)

// Section is the params.yaml section of the features stage.
const Section = "feature_engineering"

// Config is the feature_engineering section of params.yaml. The tags give
// each key, its default and its range (pkg/params).
type Config struct {
	// EmbeddingDim is the wanted text-embedding dimension; the corpus may
	// support fewer (see textembed.Stats.Dim).
	EmbeddingDim int `yaml:"embedding_dim" default:"512" range:"[1,4096]" doc:"wanted text-embedding dimension (the corpus may support fewer)"`
	// MaxSequenceLength is the longest BERT4Rec window.
	MaxSequenceLength int `yaml:"max_sequence_length" default:"50" range:"[2,1024]" doc:"longest BERT4Rec window"`
	// Seed seeds the randomized SVD of the text encoder.
	Seed int `yaml:"seed" default:"42" range:"[0,9007199254740992]" doc:"seed of the text encoder's randomized SVD"`
	// SVDOversampling and SVDPowerIterations tune the randomized SVD
	// (textembed.Options).
	SVDOversampling    int `yaml:"svd_oversampling" default:"32" range:"[0,4096]" doc:"columns the randomized SVD samples beyond embedding_dim"`
	SVDPowerIterations int `yaml:"svd_power_iterations" default:"2" range:"[0,20]" doc:"subspace iterations of the randomized SVD"`
	// TitleWeight is the weight of a movie's title against its descriptors
	// (genres, decade, genre words), which weigh 1, in its text document.
	TitleWeight float64 `yaml:"title_weight" default:"1.0" range:"[0,100]" doc:"weight of a movie's title against its genres, decade and genre words (weight 1)"`
}

// DefaultConfig is the configuration of every key the section leaves out.
func DefaultConfig() Config {
	var c Config
	params.DefaultsOf(&c)
	return c
}

// ConfigFromParams reads and checks the feature_engineering section: a
// missing section, an unknown key or a value of the wrong type or out of
// range is a *params.Error naming the file, key and value.
func ConfigFromParams(p *params.Params) (Config, error) {
	var c Config
	err := p.Decode(Section, &c)
	return c, err
}
