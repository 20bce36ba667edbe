package twotower

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/moviegenie/pipeline/pkg/cputime"
	"github.com/moviegenie/pipeline/pkg/params"
)

// realData returns the processed and features directories of the real
// data: $MOVIEGENIE_DATA/{processed,features} if set, else the repository's
// data/. The benchmark is skipped when they are absent.
func realData(tb testing.TB) (processed, feats string) {
	root := os.Getenv("MOVIEGENIE_DATA")
	if root == "" {
		root = filepath.Join("..", "..", "data")
	}
	processed, feats = filepath.Join(root, "processed"), filepath.Join(root, "features")
	for _, p := range []string{filepath.Join(processed, SequencesFile), filepath.Join(feats, "twotower_pairs.parquet")} {
		if _, err := os.Stat(p); err != nil {
			tb.Skipf("real data absent (%v): run make features or set MOVIEGENIE_DATA", err)
		}
	}
	return processed, feats
}

// BenchmarkEpochML100K trains one epoch (every train pair once, in
// batches of batch_size) of the configuration of the repository's
// params.yaml on the real data and reports seconds per epoch, wall and
// CPU. Loading and the model's initialisation are outside the timer.
func BenchmarkEpochML100K(b *testing.B) {
	processed, feats := realData(b)
	in, err := ReadInputs(processed, feats, nil)
	if err != nil {
		b.Fatal(err)
	}
	p, err := params.Load([]string{filepath.Join("..", "..", "params.yaml")}, nil)
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := DecodeConfig(p)
	if err != nil {
		b.Fatal(err)
	}
	if err := in.KeepTextComponents(cfg.TextComponents); err != nil {
		b.Fatal(err)
	}
	cfg.Epochs = 1
	m, err := New(cfg, in.Users, in.Movies, in.Sizes)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0 := cputime.Process().Seconds()
	for i := 0; i < b.N; i++ {
		if _, err := Train(m, in.Pairs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/epoch")
	b.ReportMetric((cputime.Process().Seconds()-cpu0)/float64(b.N), "cpu-s/epoch")
}
