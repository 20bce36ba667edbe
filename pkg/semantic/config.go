package semantic

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/moviegenie/pipeline/pkg/params"
)

// Section is the params.yaml section of the semantic stage.
const Section = "semantic_search"

// Config is the semantic_search section of params.yaml. Keys the section
// does not set keep DefaultConfig's values; an unknown key is an error.
//
// Build-time keys (they shape the index; a change needs a rebuild, which
// the Makefile does): Neighbours, MinCooccurrence, CooccurrenceShrinkage.
// Every other key is read when searching.
type Config struct {
	// SemanticWeight and PersonalWeight blend the min-max normalised
	// search score and the user's model score (search --user).
	SemanticWeight float64 `yaml:"semantic_weight" json:"semantic_weight"`
	PersonalWeight float64 `yaml:"personal_weight" json:"personal_weight"`
	// UserPool is how many of the best unseen search results the --user
	// blend re-ranks.
	UserPool int `yaml:"user_pool" json:"user_pool"`

	// Weights of a free-text query's score components, each in [0, 1]:
	// title match, text-embedding cosine, share of the asked genres the
	// movie has, release year inside the asked era, popularity.
	LexicalWeight    float64 `yaml:"lexical_weight" json:"lexical_weight"`
	EmbeddingWeight  float64 `yaml:"embedding_weight" json:"embedding_weight"`
	GenreWeight      float64 `yaml:"genre_weight" json:"genre_weight"`
	EraWeight        float64 `yaml:"era_weight" json:"era_weight"`
	PopularityWeight float64 `yaml:"popularity_weight" json:"popularity_weight"`

	// RelatedWeight is the weight, in a title query, of the best-matching
	// title's co-occurrence neighbours ("godfather" -> The Godfather, then
	// Part II, then what its viewers also watched), scaled by how well the
	// title matched. It applies when that match reaches LikeMinTitleMatch.
	RelatedWeight float64 `yaml:"related_weight" json:"related_weight"`

	// IntentLexicalShare scales the title match when every content word of
	// the query is a genre or era word ("animated movie for kids"), so a
	// movie titled "Kids" does not win a descriptive query.
	IntentLexicalShare float64 `yaml:"intent_lexical_share" json:"intent_lexical_share"`
	// TitleCoverageShare is λ in lexical = queryCoverage × (1-λ + λ ×
	// titleCoverage): how much a title's unmatched words cost ("godfather"
	// prefers "The Godfather" over "The Godfather: Part II").
	TitleCoverageShare float64 `yaml:"title_coverage_share" json:"title_coverage_share"`
	// StopwordWeight is the weight of a stop word ("the", "of") in title
	// matching, relative to its IDF, so a missing article costs little.
	StopwordWeight float64 `yaml:"stopword_weight" json:"stopword_weight"`
	// TypoSimilarity is the credit for a word one edit away from a title
	// word (two edits: its square); StemSimilarity for a plural/singular
	// match ("lamb" for "lambs").
	TypoSimilarity float64 `yaml:"typo_similarity" json:"typo_similarity"`
	StemSimilarity float64 `yaml:"stem_similarity" json:"stem_similarity"`
	// EraToleranceYears: a movie this many years outside the asked era
	// gets no era credit (linear in between).
	EraToleranceYears float64 `yaml:"era_tolerance_years" json:"era_tolerance_years"`

	// "movies like X": weights of the co-occurrence neighbour score and the
	// content (text-embedding) similarity to X; X must match a title with
	// at least LikeMinTitleMatch lexical score.
	LikeCooccurrenceWeight float64 `yaml:"like_cooccurrence_weight" json:"like_cooccurrence_weight"`
	LikeContentWeight      float64 `yaml:"like_content_weight" json:"like_content_weight"`
	LikeMinTitleMatch      float64 `yaml:"like_min_title_match" json:"like_min_title_match"`

	// Neighbours is how many co-occurrence neighbours the index keeps per
	// movie; MinCooccurrence the fewest users two movies must share;
	// CooccurrenceShrinkage s in cosine × c/(c+s), which discounts pairs
	// seen by few users.
	Neighbours            int     `yaml:"neighbours" json:"neighbours"`
	MinCooccurrence       int     `yaml:"min_cooccurrence" json:"min_cooccurrence"`
	CooccurrenceShrinkage float64 `yaml:"cooccurrence_shrinkage" json:"cooccurrence_shrinkage"`
	// CooccurrencePopularityExponent β in c / (n_i^(1-β) n_j^β): 0.5 is the
	// cosine; above 0.5 a neighbour j everyone watched counts less, so
	// "like The Godfather" is not Star Wars just because both are popular.
	CooccurrencePopularityExponent float64 `yaml:"cooccurrence_popularity_exponent" json:"cooccurrence_popularity_exponent"`
}

// DefaultConfig returns the values params.yaml ships with.
func DefaultConfig() Config {
	return Config{
		SemanticWeight: 0.6, PersonalWeight: 0.4, UserPool: 100,
		LexicalWeight: 1, EmbeddingWeight: 0.4, GenreWeight: 0.6, EraWeight: 0.5, PopularityWeight: 0.3,
		RelatedWeight:      0.5,
		IntentLexicalShare: 0.3, TitleCoverageShare: 0.5, StopwordWeight: 0.2,
		TypoSimilarity: 0.85, StemSimilarity: 0.9, EraToleranceYears: 3,
		LikeCooccurrenceWeight: 0.6, LikeContentWeight: 0.4, LikeMinTitleMatch: 0.6,
		Neighbours: 50, MinCooccurrence: 3, CooccurrenceShrinkage: 10, CooccurrencePopularityExponent: 0.85,
	}
}

// ConfigFromParams reads the semantic_search section over DefaultConfig
// and validates it. A missing section gives the defaults.
func ConfigFromParams(p *params.Params) (Config, error) {
	return DecodeConfig(p, DefaultConfig())
}

// DecodeConfig reads the semantic_search section over base (keys the
// section lacks keep base's values) and validates the result.
func DecodeConfig(p *params.Params, base Config) (Config, error) {
	cfg := base
	sec := p.Section(Section)
	keys := make([]string, 0, len(sec))
	for k := range sec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Key by key, so that an error names its key.
	for _, k := range keys {
		one := params.FromMap(map[string]any{Section: map[string]any{k: sec[k]}})
		if err := one.Decode(Section, &cfg); err != nil {
			return cfg, fmt.Errorf("params: %s.%s = %v: %w", Section, k, sec[k], err)
		}
	}
	return cfg, cfg.Validate()
}

// Validate checks every value's range; the error names the key.
func (c Config) Validate() error {
	var errs []error
	unit := func(name string, v float64) {
		if math.IsNaN(v) || v < 0 || v > 1 {
			errs = append(errs, fmt.Errorf("params: %s.%s = %v: want a number in [0, 1]", Section, name, v))
		}
	}
	weight := func(name string, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 100 {
			errs = append(errs, fmt.Errorf("params: %s.%s = %v: want a number in [0, 100]", Section, name, v))
		}
	}
	integer := func(name string, v, lo, hi int) {
		if v < lo || v > hi {
			errs = append(errs, fmt.Errorf("params: %s.%s = %d: want an integer in %d..%d", Section, name, v, lo, hi))
		}
	}
	weight("semantic_weight", c.SemanticWeight)
	weight("personal_weight", c.PersonalWeight)
	if c.SemanticWeight+c.PersonalWeight == 0 {
		errs = append(errs, fmt.Errorf("params: %s.semantic_weight and personal_weight are both 0", Section))
	}
	integer("user_pool", c.UserPool, 1, 1<<20)
	weight("lexical_weight", c.LexicalWeight)
	weight("embedding_weight", c.EmbeddingWeight)
	weight("genre_weight", c.GenreWeight)
	weight("era_weight", c.EraWeight)
	weight("popularity_weight", c.PopularityWeight)
	weight("related_weight", c.RelatedWeight)
	unit("intent_lexical_share", c.IntentLexicalShare)
	unit("title_coverage_share", c.TitleCoverageShare)
	unit("stopword_weight", c.StopwordWeight)
	unit("typo_similarity", c.TypoSimilarity)
	unit("stem_similarity", c.StemSimilarity)
	if math.IsNaN(c.EraToleranceYears) || c.EraToleranceYears < 0 || c.EraToleranceYears > 100 {
		errs = append(errs, fmt.Errorf("params: %s.era_tolerance_years = %v: want a number in [0, 100]", Section, c.EraToleranceYears))
	}
	weight("like_cooccurrence_weight", c.LikeCooccurrenceWeight)
	weight("like_content_weight", c.LikeContentWeight)
	unit("like_min_title_match", c.LikeMinTitleMatch)
	integer("neighbours", c.Neighbours, 1, 10000)
	integer("min_cooccurrence", c.MinCooccurrence, 1, 1<<20)
	weight("cooccurrence_shrinkage", c.CooccurrenceShrinkage)
	unit("cooccurrence_popularity_exponent", c.CooccurrencePopularityExponent)
	return errors.Join(errs...)
}

// BuildDiffers lists the build-time keys whose values differ between c
// and built (the config an index was built with), as "key: c's value, index
// built with built's value": a search with c uses an index that params no
// longer describe.
func (c Config) BuildDiffers(built Config) []string {
	var out []string
	have, was := c.buildKeys(), built.buildKeys()
	for _, k := range []string{"neighbours", "min_cooccurrence", "cooccurrence_shrinkage", "cooccurrence_popularity_exponent"} {
		if fmt.Sprint(have[k]) != fmt.Sprint(was[k]) {
			out = append(out, fmt.Sprintf("%s.%s is %v, the index was built with %v", Section, k, have[k], was[k]))
		}
	}
	return out
}

// buildKeys are the keys whose values shape the index.
func (c Config) buildKeys() map[string]any {
	return map[string]any{
		"neighbours":                       c.Neighbours,
		"min_cooccurrence":                 c.MinCooccurrence,
		"cooccurrence_shrinkage":           c.CooccurrenceShrinkage,
		"cooccurrence_popularity_exponent": c.CooccurrencePopularityExponent,
	}
}
