package process

import (
	"fmt"
	"strings"

	"github.com/moviegenie/pipeline/pkg/movielens"
	"github.com/moviegenie/pipeline/pkg/params"
)

// Section is the params section the stage reads.
const Section = "data_processing"

// Config is the data_processing section of params.yaml. The tags give each
// key, its default and its range (pkg/params).
type Config struct {
	Dataset            string  `yaml:"dataset" default:"ml-100k" oneof:"ml-100k ml-1m ml-10m ml-20m ml-25m ml-32m ml-latest-small ml-latest csv" doc:"which dataset the raw directory holds (its files and their format)"`
	MinRatingsPerUser  int     `yaml:"min_ratings_per_user" default:"20" range:"[1,1000000]" doc:"k-core: fewest ratings a kept user has"`
	MinRatingsPerMovie int     `yaml:"min_ratings_per_movie" default:"5" range:"[1,1000000]" doc:"k-core: fewest ratings a kept movie has"`
	TestSplitRatio     float64 `yaml:"test_split_ratio" default:"0.2" range:"(0,1)" doc:"temporal split: share of each user's latest interactions that is test"`
	Split              string  `yaml:"split" default:"temporal" oneof:"temporal leave_one_out" doc:"how each user's interactions are split (../shared/docs/evaluation.md)"`
	HeldOut            string  `yaml:"held_out" default:"test" oneof:"test validation" doc:"test: the split as the protocol says; validation: each user's test part is removed and the rest split again the same way, so every 'test' figure downstream is a validation figure (for choosing settings)"`
	ChunkSize          int     `yaml:"chunk_size" default:"1000000" range:"[1000,100000000]" doc:"rows per parquet row group of ratings and sequences (and per write)"`
	RatingsFile        string  `yaml:"ratings_file" default:"\"\"" free:"" doc:"csv dataset: ratings file, relative to the raw directory (empty: ratings.csv)"`
	MoviesFile         string  `yaml:"movies_file" default:"\"\"" free:"" doc:"csv dataset: movies file, relative to the raw directory (empty: movies.csv)"`
	UsersFile          string  `yaml:"users_file" default:"\"\"" free:"" doc:"csv dataset: users file, relative to the raw directory (empty: users.csv if present)"`
	ExtraRatings       string  `yaml:"extra_ratings" default:"\"\"" free:"" doc:"a csv of more ratings (user_id,movie_id,rating,timestamp) appended to the dataset's; empty: none"`
}

// The values of Config.HeldOut.
const (
	// HeldOutTest is the protocol's split: its test part is held out.
	HeldOutTest = "test"
	// HeldOutValidation removes each user's test part first and splits
	// what remains again, with the same method and ratio: the second
	// split's test part is a validation fold scored exactly like the
	// test (several items per user under temporal), which the single
	// validation item per user is not.
	HeldOutValidation = "validation"
)

// Validate checks what the tags cannot: the csv file keys belong to the csv
// dataset, and paths are plain.
func (c Config) Validate() error {
	for _, f := range []struct{ key, val string }{{"ratings_file", c.RatingsFile}, {"movies_file", c.MoviesFile}, {"users_file", c.UsersFile}, {"extra_ratings", c.ExtraRatings}} {
		if strings.ContainsAny(f.val, "\x00\n") {
			return params.Invalid(Section+"."+f.key, f.val, "a file path")
		}
		if f.key != "extra_ratings" && f.val != "" && c.Dataset != movielens.CSV {
			return params.Invalid(Section+"."+f.key, f.val, fmt.Sprintf("empty unless dataset is csv (dataset is %s)", c.Dataset))
		}
	}
	return nil
}

// Defaults is the config a section that sets nothing gets.
func Defaults() Config {
	var c Config
	params.DefaultsOf(&c)
	return c
}

// Decode reads and checks the section: a missing section, an unknown key
// or a bad value is a *params.Error naming the file, key and value.
func Decode(p *params.Params) (Config, error) {
	var c Config
	err := p.Decode(Section, &c)
	return c, err
}

func (c Config) String() string {
	s := fmt.Sprintf("dataset=%s min_ratings_per_user=%d min_ratings_per_movie=%d test_split_ratio=%v split=%s chunk_size=%d",
		c.Dataset, c.MinRatingsPerUser, c.MinRatingsPerMovie, c.TestSplitRatio, c.Split, c.ChunkSize)
	if c.HeldOut != HeldOutTest {
		s += " held_out=" + c.HeldOut
	}
	for _, f := range []struct{ key, val string }{{"ratings_file", c.RatingsFile}, {"movies_file", c.MoviesFile}, {"users_file", c.UsersFile}, {"extra_ratings", c.ExtraRatings}} {
		if f.val != "" {
			s += " " + f.key + "=" + f.val
		}
	}
	return s
}
