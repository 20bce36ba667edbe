package twotower

import (
	"fmt"

	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/nn"
	"github.com/moviegenie/pipeline/pkg/params"
)

// Section is the params.yaml section the trainer reads.
const Section = "model_training.two_tower"

// Config is the model_training.two_tower section of params.yaml: the
// architecture and the training recipe. The tags give each key, its
// default (the value when the section leaves the key out) and its range
// (pkg/params); Validate checks what spans keys.
type Config struct {
	// Architecture.
	EmbeddingDim int `yaml:"embedding_dim" json:"embedding_dim" default:"128" range:"[1,4096]" doc:"E, the user-id and movie-id embeddings"`
	FeatureDim   int `yaml:"feature_dim" json:"feature_dim" default:"8" range:"[1,4096]" doc:"F, the gender, age, occupation, zip-region and decade embeddings"`
	TextDim      int `yaml:"text_dim" json:"text_dim" default:"32" range:"[1,4096]" doc:"P, the movie's text embedding projected to this width by a linear layer"`
	// TextComponents keeps only the leading components of the movies'
	// text embeddings (0 = all). The features stage's embeddings are
	// LSA projections on singular vectors in decreasing order of singular
	// value, so the leading ones carry most of the variance.
	TextComponents int   `yaml:"text_components" json:"text_components" default:"128" range:"[0,4096]" doc:"leading LSA components of the text embedding kept; 0 = all"`
	UserLayers     []int `yaml:"user_layers" json:"user_layers" default:"[64, 64]" range:"[1,4096]" len:"[1,8]" doc:"user MLP widths; the last is the vector size D"`
	ItemLayers     []int `yaml:"item_layers" json:"item_layers" default:"[64, 64]" range:"[1,4096]" len:"[1,8]" doc:"movie MLP widths; the last must equal user_layers' last"`
	// Dropout is the dropout rate after every hidden layer's ReLU.
	Dropout float64 `yaml:"dropout" json:"dropout" default:"0.1" range:"[0,1)" doc:"dropout after every hidden layer's ReLU"`
	// Temperature τ: the score is cos(u, v)/τ (+ the item bias).
	Temperature float64 `yaml:"temperature" json:"temperature" default:"0.05" range:"(0,100]" doc:"tau: score = cos(u, v) / tau + movie bias"`
	// ItemBias adds a learned per-movie bias to the score (a popularity
	// term the unit-length vectors do not have to encode).
	ItemBias bool `yaml:"item_bias" json:"item_bias" default:"true" doc:"a learned per-movie bias in the score"`
	// LogQWeight α scales the log-Q correction: logits − α·log Q(j), Q(j)
	// the chance that movie j is drawn as a batch's positive (its share of
	// the train pairs). 1 is the unbiased correction of Yi et al. 2019, 0
	// none.
	LogQWeight float64 `yaml:"logq_weight" json:"logq_weight" default:"1.0" range:"[0,100]" doc:"alpha of the log-Q correction of in-batch negatives (1 = unbiased, 0 = none)"`
	// UniformNegatives is the number of movies drawn uniformly from the
	// catalogue for every batch and added to every row's softmax as
	// negatives, beside the in-batch ones (mixed negative sampling, Yang
	// et al. 2020); 0 for in-batch negatives only. With it the softmax
	// runs over the distinct movies drawn, each corrected by α·log of its
	// chance of being drawn; at N or more it runs over the whole
	// catalogue (a full softmax, no correction).
	UniformNegatives int `yaml:"uniform_negatives" json:"uniform_negatives" default:"0" range:"[0,65536]" doc:"movies drawn uniformly per batch as extra negatives (at the catalogue size or more: full softmax)"`
	// ColdStartRate is the share of training examples whose user is shown
	// to the user tower as a cold-start user: the user-id embedding
	// replaced by the learned "unknown user" row and the genre affinity
	// by the mean over all users. It teaches the tower to recommend from
	// demographics alone.
	ColdStartRate float64 `yaml:"cold_start_rate" json:"cold_start_rate" default:"0.2" range:"[0,1)" doc:"share of pairs shown without id embedding and genre affinity"`
	InitStd       float64 `yaml:"init_std" json:"init_std" default:"0.05" range:"(0,1]" doc:"N(0, init_std^2) initialisation of the embeddings"`

	// Optimisation.
	BatchSize    int     `yaml:"batch_size" json:"batch_size" default:"256" range:"[2,16384]" doc:"pairs per step (in-batch negatives need two)"`
	LearningRate float64 `yaml:"learning_rate" json:"learning_rate" default:"0.001" range:"(0,10]" doc:"AdamW learning rate"`
	WeightDecay  float64 `yaml:"weight_decay" json:"weight_decay" default:"0.0" range:"[0,10]" doc:"AdamW decoupled weight decay (not on biases)"`
	Beta1        float64 `yaml:"beta1" json:"beta1" default:"0.9" range:"[0,1)" doc:"AdamW first-moment decay"`
	Beta2        float64 `yaml:"beta2" json:"beta2" default:"0.999" range:"[0,1)" doc:"AdamW second-moment decay"`
	// LazyEmbeddings updates the id-embedding tables only at the rows a
	// batch uses (lazy Adam); false runs AdamW over the whole tables every
	// step.
	LazyEmbeddings bool   `yaml:"lazy_embeddings" json:"lazy_embeddings" default:"true" doc:"update only the id-embedding rows a batch uses"`
	LRDecay        string `yaml:"lr_decay" json:"lr_decay" default:"none" oneof:"none linear cosine" doc:"learning-rate decay to 0 at the last epoch"`
	Epochs         int    `yaml:"epochs" json:"epochs" default:"50" range:"[1,100000]" doc:"at most; the best validation epoch is kept"`
	Seed           int64  `yaml:"seed" json:"seed" default:"42" range:"[0,9007199254740992]" doc:"seed of every random choice"`

	// Model selection.
	SelectMetric string `yaml:"select_metric" json:"select_metric" default:"recall@50" free:"" doc:"validation metric that picks the epoch: ndcg, recall, ... at 10, 50 or 100"`
	Patience     int    `yaml:"patience" json:"patience" default:"20" range:"[0,100000]" doc:"epochs without a better select_metric before stopping; 0 = never stop early"`
}

// DefaultConfig is the configuration of every key params.yaml leaves out.
func DefaultConfig() Config {
	var c Config
	params.DefaultsOf(&c)
	return c
}

// DecodeConfig reads and checks the section (pkg/params): a missing
// section, an unknown key or a bad value is a *params.Error naming the
// file, key and value.
func DecodeConfig(p *params.Params) (Config, error) {
	var cfg Config
	err := p.Decode(Section, &cfg)
	return cfg, err
}

// D is the width of the user and movie vectors: the last layer of both MLPs.
func (c Config) D() int { return c.UserLayers[len(c.UserLayers)-1] }

// maxLogits bounds a batch's score matrix (batch_size rows, batch_size +
// uniform_negatives columns), so that no params file can exhaust memory.
const maxLogits = 1 << 28

// Validate checks every key against its tag, then what spans keys;
// the error names the key.
func (c Config) Validate() error {
	if err := params.CheckFields(Section, c); err != nil {
		return err
	}
	if du, di := c.UserLayers[len(c.UserLayers)-1], c.ItemLayers[len(c.ItemLayers)-1]; du != di {
		return params.Invalid(Section+".item_layers", c.ItemLayers, fmt.Sprintf("the same last width as user_layers (%d): the two towers' vectors are compared", du))
	}
	if n := int64(c.BatchSize) * int64(c.BatchSize+c.UniformNegatives); n > maxLogits {
		return params.Invalid(Section+".batch_size", c.BatchSize, fmt.Sprintf("batch_size x (batch_size + uniform_negatives) at most %d (a batch's scores; uniform_negatives is %d)", maxLogits, c.UniformNegatives))
	}
	if !validSelectMetric(c.SelectMetric) {
		return params.Invalid(Section+".select_metric", c.SelectMetric, fmt.Sprintf("a metric at K = 10, 50 or 100, such as recall@50 (metrics: %v)", eval.MetricNames))
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
