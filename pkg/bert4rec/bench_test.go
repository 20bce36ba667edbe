package bert4rec

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/moviegenie/pipeline/pkg/cputime"
	"github.com/moviegenie/pipeline/pkg/eval"
	"github.com/moviegenie/pipeline/pkg/features"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// realInputs loads the real split and features from the repository's
// data/ directory, or from the directories named by BERT4REC_PROCESSED and
// BERT4REC_FEATURES; it skips the benchmark when they are absent.
func realInputs(b *testing.B, T int) *inputs {
	processed := os.Getenv("BERT4REC_PROCESSED")
	if processed == "" {
		processed = filepath.Join("..", "..", "data", "processed")
	}
	feats := os.Getenv("BERT4REC_FEATURES")
	if feats == "" {
		feats = filepath.Join("..", "..", "data", "features")
	}
	if _, err := os.Stat(filepath.Join(feats, features.WindowsFile)); err != nil {
		b.Skipf("no real data (%v): run make features, or set BERT4REC_PROCESSED and BERT4REC_FEATURES", err)
	}
	s, err := eval.LoadSplit(filepath.Join(processed, SequencesFile))
	if err != nil {
		b.Fatal(err)
	}
	movies, err := tables.Read[features.MovieFeature](filepath.Join(feats, features.MovieFeaturesFile))
	if err != nil {
		b.Fatal(err)
	}
	seqs, err := tables.Read[features.TrainSequence](filepath.Join(feats, features.TrainSequencesFile))
	if err != nil {
		b.Fatal(err)
	}
	windows, err := tables.Read[features.Window](filepath.Join(feats, features.WindowsFile))
	if err != nil {
		b.Fatal(err)
	}
	in, err := assemble(s, movies, seqs, windows, T)
	if err != nil {
		b.Fatal(err)
	}
	return in
}

// BenchmarkEpoch times one training epoch (no validation) on the real
// data at the seed params (C=128, L=4, NH=4, B=256, T=50) and reports
// seconds per epoch. Other processes on the machine skew it: report
// medians of -count runs.
func BenchmarkEpoch(b *testing.B) {
	cfg := DefaultConfig()
	cfg.MaxLen = 50
	in := realInputs(b, cfg.MaxLen)
	b.Run("ML100K_C128_L4_B256_T50", func(b *testing.B) {
		cfg.Epochs = 1
		m := NewModel(cfg, len(in.movieIDs))
		b.ResetTimer()
		start, cpu := time.Now(), cputime.Process().Seconds()
		for range b.N {
			if _, err := Train(m, in.data, Options{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/epoch")
		b.ReportMetric((cputime.Process().Seconds()-cpu)/float64(b.N), "cpu-s/epoch")
	})
}

// BenchmarkStepLargeCatalogue times training steps on a 60,000-movie
// catalogue (ML-25M's size; seed params, B=256, T=50 windows of random
// movies) with the full softmax and with sampled ones, and reports seconds
// per step and the seconds an epoch of windowsPerEpoch windows would take
// (ML-25M-size data cut into T=50 windows: about 25M/50 × 1.1). The
// output layer dominates a full-softmax step at this size.
func BenchmarkStepLargeCatalogue(b *testing.B) {
	const (
		V, T, steps     = 60000, 50, 4
		windowsPerEpoch = 550000
	)
	cfg := DefaultConfig()
	cfg.MaxLen, cfg.Epochs, cfg.WarmupSteps = T, 1, 0
	rng := rand.New(rand.NewPCG(5, 6))
	var data TrainData
	for range steps * cfg.BatchSize {
		w := make([]int32, T)
		for i := range w {
			// Zipf-like popularity: small movie_idx far more often.
			w[i] = int32(min(V, 1+int(float64(V)*rng.Float64()*rng.Float64()*rng.Float64())))
		}
		data.Windows = append(data.Windows, w)
	}
	for _, k := range []int{0, 8192, 2048} {
		name := "full_softmax"
		if k > 0 {
			name = fmt.Sprintf("sampled_%d", k)
		}
		b.Run(name, func(b *testing.B) {
			c := cfg
			c.SampledSoftmax = k
			m := NewModel(c, V)
			b.ResetTimer()
			start, cpu := time.Now(), cputime.Process().Seconds()
			for range b.N {
				if _, err := Train(m, data, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			perStep := time.Since(start).Seconds() / float64(b.N*steps)
			b.ReportMetric(perStep, "s/step")
			b.ReportMetric(perStep*windowsPerEpoch/float64(cfg.BatchSize), "s/epoch_25M")
			b.ReportMetric((cputime.Process().Seconds()-cpu)/float64(b.N*steps), "cpu-s/step")
		})
	}
}
