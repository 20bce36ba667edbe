package main

import (
	"fmt"

	"github.com/moviegenie/pipeline/pkg/params"
)

// section is the params section this stage reads.
const section = "data_processing"

// Params is the data_processing section of params.yaml. The tags give each
// key, its default and its range (pkg/params).
type Params struct {
	MinRatingsPerUser  int     `yaml:"min_ratings_per_user" default:"20" range:"[1,1000000]" doc:"k-core: fewest ratings a kept user has"`
	MinRatingsPerMovie int     `yaml:"min_ratings_per_movie" default:"5" range:"[1,1000000]" doc:"k-core: fewest ratings a kept movie has"`
	TestSplitRatio     float64 `yaml:"test_split_ratio" default:"0.2" range:"(0,1)" doc:"temporal split: share of each user's latest interactions that is test"`
	Split              string  `yaml:"split" default:"temporal" oneof:"temporal leave_one_out" doc:"how each user's interactions are split (../shared/docs/evaluation.md)"`
}

// defaultParams are used for keys the section does not set.
func defaultParams() Params {
	var c Params
	params.DefaultsOf(&c)
	return c
}

// decodeParams reads and checks the section: a missing section, an unknown
// key or a bad value is a *params.Error naming the file, key and value.
func decodeParams(p *params.Params) (Params, error) {
	var cfg Params
	err := p.Decode(section, &cfg)
	return cfg, err
}

func (c Params) String() string {
	return fmt.Sprintf("min_ratings_per_user=%d min_ratings_per_movie=%d test_split_ratio=%v split=%s",
		c.MinRatingsPerUser, c.MinRatingsPerMovie, c.TestSplitRatio, c.Split)
}
