package semantic

import (
	"fmt"

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
	SemanticWeight float64 `yaml:"semantic_weight" json:"semantic_weight" default:"0.6" range:"[0,100]" doc:"weight of the search score in the search --user blend"`
	PersonalWeight float64 `yaml:"personal_weight" json:"personal_weight" default:"0.4" range:"[0,100]" doc:"weight of the user's model score in the search --user blend"`
	// UserPool is how many of the best unseen search results the --user
	// blend re-ranks.
	UserPool int `yaml:"user_pool" json:"user_pool" default:"100" range:"[1,1048576]" doc:"how many of the best unseen search results search --user re-ranks"`

	// Weights of a free-text query's score components, each in [0, 1]:
	// title match, text-embedding cosine, share of the asked genres the
	// movie has, release year inside the asked era, popularity.
	LexicalWeight    float64 `yaml:"lexical_weight" json:"lexical_weight" default:"1.0" range:"[0,100]" doc:"free-text query: weight of the title match (typo tolerant)"`
	EmbeddingWeight  float64 `yaml:"embedding_weight" json:"embedding_weight" default:"0.4" range:"[0,100]" doc:"free-text query: weight of the cosine with the movie's text embedding"`
	GenreWeight      float64 `yaml:"genre_weight" json:"genre_weight" default:"0.6" range:"[0,100]" doc:"free-text query: weight of the share of the asked genres (\"scary\" -> Horror)"`
	EraWeight        float64 `yaml:"era_weight" json:"era_weight" default:"0.5" range:"[0,100]" doc:"free-text query: weight of the release year in the asked era (\"90s\")"`
	PopularityWeight float64 `yaml:"popularity_weight" json:"popularity_weight" default:"0.3" range:"[0,100]" doc:"free-text query: weight of popularity (train+validation)"`

	// RelatedWeight is the weight, in a title query, of the best-matching
	// title's co-occurrence neighbours ("godfather" -> The Godfather, then
	// Part II, then what its viewers also watched), scaled by how well the
	// title matched. It applies when that match reaches LikeMinTitleMatch.
	RelatedWeight float64 `yaml:"related_weight" json:"related_weight" default:"0.5" range:"[0,100]" doc:"title query: weight of the co-occurrence neighbours of the title found"`

	// IntentLexicalShare scales the title match when every content word of
	// the query is a genre or era word ("animated movie for kids"), so a
	// movie titled "Kids" does not win a descriptive query.
	IntentLexicalShare float64 `yaml:"intent_lexical_share" json:"intent_lexical_share" default:"0.3" range:"[0,1]" doc:"title match scale when every word is a genre or era cue"`
	// TitleCoverageShare is λ in lexical = queryCoverage × (1-λ + λ ×
	// titleCoverage): how much a title's unmatched words cost ("godfather"
	// prefers "The Godfather" over "The Godfather: Part II").
	TitleCoverageShare float64 `yaml:"title_coverage_share" json:"title_coverage_share" default:"0.5" range:"[0,1]" doc:"cost of a title's unmatched words"`
	// StopwordWeight is the weight of a stop word ("the", "of") in title
	// matching, relative to its IDF, so a missing article costs little.
	StopwordWeight float64 `yaml:"stopword_weight" json:"stopword_weight" default:"0.2" range:"[0,1]" doc:"weight of \"the\", \"of\" in title matching"`
	// TypoSimilarity is the credit for a word one edit away from a title
	// word (two edits: its square); StemSimilarity for a plural/singular
	// match ("lamb" for "lambs").
	TypoSimilarity float64 `yaml:"typo_similarity" json:"typo_similarity" default:"0.85" range:"[0,1]" doc:"credit per edit (one or two edits)"`
	StemSimilarity float64 `yaml:"stem_similarity" json:"stem_similarity" default:"0.9" range:"[0,1]" doc:"credit for plural/singular"`
	// EraToleranceYears: a movie this many years outside the asked era
	// gets no era credit (linear in between).
	EraToleranceYears float64 `yaml:"era_tolerance_years" json:"era_tolerance_years" default:"3" range:"[0,100]" doc:"era credit falls to 0 this far outside the era"`

	// "movies like X": weights of the co-occurrence neighbour score and the
	// content (text-embedding) similarity to X; X must match a title with
	// at least LikeMinTitleMatch lexical score.
	LikeCooccurrenceWeight float64 `yaml:"like_cooccurrence_weight" json:"like_cooccurrence_weight" default:"0.6" range:"[0,100]" doc:"\"movies like X\": weight of the co-occurrence neighbours"`
	LikeContentWeight      float64 `yaml:"like_content_weight" json:"like_content_weight" default:"0.4" range:"[0,100]" doc:"\"movies like X\": weight of the text-embedding similarity"`
	LikeMinTitleMatch      float64 `yaml:"like_min_title_match" json:"like_min_title_match" default:"0.6" range:"[0,1]" doc:"\"movies like X\": X must match a title this well"`

	// Neighbours is how many co-occurrence neighbours the index keeps per
	// movie; MinCooccurrence the fewest users two movies must share;
	// CooccurrenceShrinkage s in cosine × c/(c+s), which discounts pairs
	// seen by few users.
	Neighbours            int     `yaml:"neighbours" json:"neighbours" default:"50" range:"[1,10000]" doc:"index build: co-occurrence neighbours kept per movie"`
	MinCooccurrence       int     `yaml:"min_cooccurrence" json:"min_cooccurrence" default:"3" range:"[1,1048576]" doc:"index build: fewest users two movies must share"`
	CooccurrenceShrinkage float64 `yaml:"cooccurrence_shrinkage" json:"cooccurrence_shrinkage" default:"10" range:"[0,100]" doc:"index build: s in c / (c + s), discounting pairs seen by few users"`
	// CooccurrencePopularityExponent β in c / (n_i^(1-β) n_j^β): 0.5 is the
	// cosine; above 0.5 a neighbour j everyone watched counts less, so
	// "like The Godfather" is not Star Wars just because both are popular.
	CooccurrencePopularityExponent float64 `yaml:"cooccurrence_popularity_exponent" json:"cooccurrence_popularity_exponent" default:"0.85" range:"[0,1]" doc:"index build: b in c / (n_i^(1-b) n_j^b); 0.5 is the cosine"`
}

// DefaultConfig returns the values params.yaml ships with.
func DefaultConfig() Config {
	var c Config
	params.DefaultsOf(&c)
	return c
}

// ConfigFromParams reads and checks the semantic_search section
// (pkg/params): a missing section, an unknown key or a bad value is a
// *params.Error naming the file, key and value.
func ConfigFromParams(p *params.Params) (Config, error) {
	var c Config
	err := p.Decode(Section, &c)
	return c, err
}

// DecodeConfig reads the semantic_search section over base (keys the
// section lacks keep base's values, such as the config an index was built
// with) and checks the result. With no params file read and no section
// given by --set, the result is base itself: a search with only an index.
func DecodeConfig(p *params.Params, base Config) (Config, error) {
	if len(p.Files()) == 0 && p.Section(Section) == nil {
		return base, base.Validate()
	}
	cfg := base
	err := p.DecodeOver(Section, &cfg)
	return cfg, err
}

// Validate checks every key against its tag, then what spans keys.
func (c Config) Validate() error {
	if err := params.CheckFields(Section, c); err != nil {
		return err
	}
	if c.SemanticWeight+c.PersonalWeight == 0 {
		return params.Invalid(Section+".personal_weight", c.PersonalWeight, "a weight above 0 when semantic_weight is 0")
	}
	return nil
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
