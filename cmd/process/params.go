package main

import (
	"fmt"
	"math"
	"slices"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/split"
)

// section is the params section this stage reads.
const section = "data_processing"

// Params is the data_processing section of params.yaml.
type Params struct {
	MinRatingsPerUser  int     `yaml:"min_ratings_per_user"`
	MinRatingsPerMovie int     `yaml:"min_ratings_per_movie"`
	TestSplitRatio     float64 `yaml:"test_split_ratio"`
	Split              string  `yaml:"split"`
}

// defaultParams are used for keys the section does not set.
func defaultParams() Params {
	return Params{MinRatingsPerUser: 20, MinRatingsPerMovie: 5, TestSplitRatio: 0.2, Split: split.Temporal}
}

// decodeParams reads the section over the defaults and validates it. Every
// problem is a usage error naming the key.
func decodeParams(p *params.Params) (Params, error) {
	cfg := defaultParams()
	if p.Section(section) != nil {
		if err := p.Decode(section, &cfg); err != nil {
			return cfg, &cliapp.UsageError{Err: err}
		}
	}
	return cfg, cfg.validate()
}

func (c Params) validate() error {
	if c.MinRatingsPerUser < 1 {
		return cliapp.Usagef("%s.min_ratings_per_user = %d: want an integer >= 1", section, c.MinRatingsPerUser)
	}
	if c.MinRatingsPerMovie < 1 {
		return cliapp.Usagef("%s.min_ratings_per_movie = %d: want an integer >= 1", section, c.MinRatingsPerMovie)
	}
	if !(c.TestSplitRatio > 0 && c.TestSplitRatio < 1) || math.IsNaN(c.TestSplitRatio) {
		return cliapp.Usagef("%s.test_split_ratio = %v: want a number strictly between 0 and 1", section, c.TestSplitRatio)
	}
	if !slices.Contains(split.Methods, c.Split) {
		return cliapp.Usagef("%s.split = %q: want one of temporal, leave_one_out", section, c.Split)
	}
	return nil
}

func (c Params) String() string {
	return fmt.Sprintf("min_ratings_per_user=%d min_ratings_per_movie=%d test_split_ratio=%v split=%s",
		c.MinRatingsPerUser, c.MinRatingsPerMovie, c.TestSplitRatio, c.Split)
}
