package process

import (
	"path/filepath"
	"testing"

	"github.com/moviegenie/pipeline/pkg/synth"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// TestSyntheticDatasets runs the stage on small synthetic datasets of each
// format synth writes, with the seed k-core: every format's files go
// through, ratings and sequences agree, and ML-1M keeps demographics.
func TestSyntheticDatasets(t *testing.T) {
	for _, format := range synth.Formats {
		t.Run(format, func(t *testing.T) {
			raw := filepath.Join(t.TempDir(), "raw")
			if _, err := synth.Write(synth.Config{Format: format, Ratings: 8000, Users: 200, Movies: 500, Seed: 5, Out: raw}); err != nil {
				t.Fatal(err)
			}
			c := Defaults()
			c.Dataset, c.ChunkSize = format, 1000 // several row groups
			out := filepath.Join(t.TempDir(), "out")
			if err := Run(c, Paths{Raw: raw, Out: out, Metrics: filepath.Join(out, "process.json")}, nil); err != nil {
				t.Fatal(err)
			}
			ratings, err := tables.Read[tables.Rating](filepath.Join(out, RatingsFile))
			if err != nil {
				t.Fatal(err)
			}
			seqs, err := tables.Read[tables.Sequence](filepath.Join(out, SequencesFile))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, s := range seqs {
				n += len(s.MovieIDs)
			}
			if n != len(ratings) || len(ratings) < 7000 {
				t.Errorf("got %d ratings and %d in sequences, want equal and most of 8000 kept", len(ratings), n)
			}
			users, _ := tables.Read[tables.User](filepath.Join(out, UsersFile))
			if got, want := users[0].HasDemographics(), format != "ml-25m"; got != want {
				t.Errorf("got demographics %v, want %v", got, want)
			}
		})
	}
}
