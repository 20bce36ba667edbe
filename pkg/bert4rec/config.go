package bert4rec

import (
	"fmt"

	"github.com/moviegenie/pipeline/pkg/nn"
	"github.com/moviegenie/pipeline/pkg/params"
)

// Section is the params.yaml section the trainer reads.
const Section = "model_training.bert4rec"

// Config is the model_training.bert4rec section of params.yaml: the
// architecture and the training recipe. The tags give each key, its
// default (the value when the section leaves the key out) and its range
// (pkg/params); Validate checks what spans keys.
type Config struct {
	// Architecture.
	HiddenSize int     `yaml:"hidden_size" json:"hidden_size" default:"128" range:"[1,1024]" doc:"C, the width of the model"`
	NumLayers  int     `yaml:"num_layers" json:"num_layers" default:"4" range:"[1,24]" doc:"L, transformer blocks"`
	Block      string  `yaml:"block" json:"block" default:"post_ln" oneof:"post_ln pre_ln" doc:"post_ln (BERT, original BERT4Rec) or pre_ln"`
	NumHeads   int     `yaml:"num_heads" json:"num_heads" default:"4" range:"[1,64]" doc:"NH, attention heads; must divide hidden_size"`
	FFNMult    int     `yaml:"ffn_mult" json:"ffn_mult" default:"4" range:"[1,8]" doc:"FFN width = ffn_mult x hidden_size, GELU"`
	Dropout    float64 `yaml:"dropout" json:"dropout" default:"0.1" range:"[0,1)" doc:"hidden dropout"`
	// MaxLen is T, the sequence length. 0 means the length the features
	// stage cut the windows to (feature_engineering.max_sequence_length),
	// read from the windows themselves (Stage.Run).
	MaxLen   int     `yaml:"max_len" json:"max_len" default:"0" range:"[0,1024]" doc:"T; 0 = the length of the windows read (feature_engineering.max_sequence_length); else at least 2"`
	InitStd  float64 `yaml:"init_std" json:"init_std" default:"0.02" range:"(0,1]" doc:"N(0, init_std^2) initialisation, as BERT's 0.02"`
	MaskProb float64 `yaml:"mask_prob" json:"mask_prob" default:"0.4" range:"(0,1]" doc:"Cloze probability of masking a position"`
	// MaskTokenRatio is the share of the chosen positions replaced by the
	// [MASK] token; the rest is split evenly between "keep the item" and
	// "a random item" (BERT's 80/10/10 is 0.8). 1 masks them all.
	MaskTokenRatio float64 `yaml:"mask_token_ratio" json:"mask_token_ratio" default:"1.0" range:"[0,1]" doc:"share of the masked positions shown as [MASK] (BERT: 0.8); the rest half kept, half a random item"`
	// MaskLast trains the next-item prediction the model serves, on each
	// user's most recent window (window 0, ending with the last train
	// item): "extra" adds that window once more per epoch with only its
	// last item masked (the original code's mask_last instances; costs a
	// full forward-backward per user), "force" always masks the last item
	// of that window in its Cloze example (free), "force_all" does so in
	// every window (each window's last item predicted from the items
	// before it, also free), "none" leaves the Cloze draws alone.
	// WindowOffsets "random" moves every window but a user's most recent
	// one to a random place in the user's train sequence each epoch (same
	// length), instead of the fixed places the features stage cut.
	WindowOffsets string `yaml:"window_offsets" json:"window_offsets,omitempty" default:"fixed" oneof:"fixed random" doc:"fixed: the features stage's windows every epoch; random: each window but a user's most recent one moves to a random place in the user's train sequence each epoch"`
	MaskLast      string `yaml:"mask_last" json:"mask_last" default:"force" oneof:"force force_all extra none" doc:"next-item training: force masks the last item of each user's latest window, force_all of every window, extra adds the latest window again with only its last item masked, none leaves the Cloze draws alone"`

	// Optimisation.
	BatchSize    int     `yaml:"batch_size" json:"batch_size" default:"256" range:"[1,4096]" doc:"windows per step"`
	LearningRate float64 `yaml:"learning_rate" json:"learning_rate" default:"0.001" range:"(0,10]" doc:"AdamW peak learning rate"`
	WeightDecay  float64 `yaml:"weight_decay" json:"weight_decay" default:"0.0" range:"[0,10]" doc:"AdamW decoupled weight decay"`
	Beta1        float64 `yaml:"beta1" json:"beta1" default:"0.9" range:"[0,1)" doc:"AdamW first-moment decay"`
	Beta2        float64 `yaml:"beta2" json:"beta2" default:"0.999" range:"[0,1)" doc:"AdamW second-moment decay"`
	WarmupSteps  int     `yaml:"warmup_steps" json:"warmup_steps" default:"20" range:"[0,100000000]" doc:"linear warm-up steps"`
	LRDecay      string  `yaml:"lr_decay" json:"lr_decay" default:"linear" oneof:"none linear cosine" doc:"learning-rate decay to 0 at the last epoch"`
	GradClip     float64 `yaml:"grad_clip" json:"grad_clip" default:"0" range:"[0,1000000]" doc:"global gradient norm clip; 0 = none"`
	Epochs       int     `yaml:"epochs" json:"epochs" default:"100" range:"[1,100000]" doc:"at most; the best validation epoch is kept"`
	Seed         int64   `yaml:"seed" json:"seed" default:"42" range:"[0,9007199254740992]" doc:"seed of every random choice"`

	// Output layer. SampledSoftmax is the number of negatives of a sampled
	// softmax (nn.SampledSoftmaxCrossEntropy), drawn anew each step and
	// shared by the batch; 0 takes the full softmax over every movie (exact;
	// fast enough up to a few thousand movies). SampledUniform draws them
	// uniformly instead of by popularity^0.75 with log-Q correction.
	SampledSoftmax int `yaml:"sampled_softmax" json:"sampled_softmax,omitempty" default:"0" range:"[0,1000000]" doc:"negatives of a sampled softmax output layer, drawn each step; 0 = full softmax over every movie"`
	// LabelSmoothing spreads this share of each masked position's target
	// evenly over every movie (full softmax only).
	LabelSmoothing float64 `yaml:"label_smoothing" json:"label_smoothing,omitempty" default:"0" range:"[0,1)" doc:"share of each target spread evenly over every movie (full softmax only); 0 = none"`
	SampledUniform bool    `yaml:"sampled_uniform" json:"sampled_uniform,omitempty" default:"false" doc:"sampled softmax: draw negatives uniformly instead of by popularity^0.75 (log-Q corrected)"`

	// Scoring. ScoreMasks appends this many [MASK] tokens to a history
	// and ranks movies by their mean probability over those positions:
	// the next few items, not only the next one (a temporal test part
	// holds a user's next fifth of interactions). 1 ranks by the logits of
	// the single next position, as BERT4Rec does; 6 was chosen on
	// validation (doc.go, "Recipe").
	ScoreMasks int `yaml:"score_masks" json:"score_masks,omitempty" default:"6" range:"[1,20]" doc:"[MASK] tokens appended to a history when scoring; movies ranked by their mean probability over them (1: the next item's logits)"`

	// Model selection.
	EvalEvery int `yaml:"eval_every" json:"eval_every" default:"1" range:"[1,100000]" doc:"validate every eval_every epochs (and after the last)"`
	Patience  int `yaml:"patience" json:"patience" default:"15" range:"[0,100000]" doc:"epochs without a better validation ndcg@10 before stopping; 0 = never stop early"`
}

// DefaultConfig is the configuration of every key params.yaml leaves out:
// the values of params.yaml (see "Recipe" in the package documentation).
func DefaultConfig() Config {
	var c Config
	params.DefaultsOf(&c)
	return c
}

// DecodeConfig reads and checks the section (pkg/params): a missing
// section, an unknown key or a bad value is a *params.Error naming the
// file, key and value. MaxLen stays 0 when the section leaves it so; the
// stage takes it from the windows it reads.
func DecodeConfig(p *params.Params) (Config, error) {
	var cfg Config
	err := p.Decode(Section, &cfg)
	return cfg, err
}

// MaxMemory bounds the training memory a config may ask for, so that no
// params file can exhaust the machine's memory.
const MaxMemory = 8 << 30

// Validate checks every key against its tag, then what spans keys;
// the error names the key.
func (c Config) Validate() error {
	if err := params.CheckFields(Section, c); err != nil {
		return err
	}
	if c.HiddenSize%c.NumHeads != 0 {
		return params.Invalid(Section+".num_heads", c.NumHeads, fmt.Sprintf("a divisor of hidden_size %d", c.HiddenSize))
	}
	if c.LabelSmoothing > 0 && c.SampledSoftmax > 0 {
		return params.Invalid(Section+".label_smoothing", c.LabelSmoothing, "0 with sampled_softmax (label smoothing needs the full softmax)")
	}
	if c.MaxLen == 1 {
		return params.Invalid(Section+".max_len", c.MaxLen, "0 (the windows' length) or an integer in [2, 1024]")
	}
	if c.MaxLen > 0 {
		if b := c.MemoryEstimate(); b > MaxMemory {
			return params.Invalid(Section+".batch_size", c.BatchSize, fmt.Sprintf(
				"a smaller batch_size, max_len, hidden_size, ffn_mult or num_layers: training would need about %.1f GiB, more than the %d GiB bound",
				float64(b)/(1<<30), MaxMemory>>30))
		}
	}
	return nil
}

// MemoryEstimate is a rough upper bound, in bytes, of the activations and
// optimiser state of one training step with sequence length MaxLen
// (without the catalogue-sized output layer, which the data bounds).
func (c Config) MemoryEstimate() int64 {
	B, T, L, C := int64(c.BatchSize), int64(c.MaxLen), int64(c.NumLayers), int64(c.HiddenSize)
	F, NH := int64(c.FFNMult)*C, int64(c.NumHeads)
	act := B * T * L * (16*C + 2*F + 2*NH*T)
	weights := L * (4*C*C + 2*C*F) * 4 // weights, gradients, two Adam moments
	return 4 * (act + weights)
}

// schedule is the learning-rate schedule for a run of totalSteps updates.
func (c Config) schedule(totalSteps int) nn.Schedule {
	return nn.Schedule{Peak: float32(c.LearningRate), Warmup: c.WarmupSteps, Total: totalSteps, Decay: c.LRDecay}
}
