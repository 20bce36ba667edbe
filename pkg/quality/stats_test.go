package quality

import (
	"math"
	"testing"
)

func TestNewStat(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want Stat
	}{
		{"none", nil, Stat{}},
		{"one run has no spread", []float64{0.21}, Stat{Mean: 0.21, N: 1}},
		{"sample sd uses n-1", []float64{1, 2, 3}, Stat{Mean: 2, SD: 1, N: 3}},
		{"equal runs", []float64{0.5, 0.5}, Stat{Mean: 0.5, N: 2}},
		{"two runs", []float64{0.2, 0.21}, Stat{Mean: 0.205, SD: math.Sqrt(0.00005), N: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewStat(tt.xs)
			if got.N != tt.want.N || math.Abs(got.Mean-tt.want.Mean) > 1e-12 || math.Abs(got.SD-tt.want.SD) > 1e-12 {
				t.Errorf("NewStat(%v) = %+v, want %+v", tt.xs, got, tt.want)
			}
		})
	}
}

func TestStatsMissingMetric(t *testing.T) {
	got := Stats([]map[string]float64{{"a": 1, "b": 4}, {"a": 3}})
	if got["a"] != (Stat{Mean: 2, SD: math.Sqrt2, N: 2}) {
		t.Errorf("a: got %+v, want mean 2 sd √2 over 2 runs", got["a"])
	}
	if got["b"] != (Stat{Mean: 4, N: 1}) {
		t.Errorf("b: got %+v, want mean 4 over the 1 run that has it", got["b"])
	}
}

func TestSummarize(t *testing.T) {
	base := func(pop float64) map[string]map[string]float64 {
		return map[string]map[string]float64{"popularity": {"ndcg@10": pop}, "itemknn": {"ndcg@10": 0.18}}
	}
	runs := []RunResult{
		{Split: "temporal", Model: "bert4rec", Seed: 42, WallSeconds: 200, BestEpoch: 38, Val: map[string]float64{"ndcg@10": 0.1}, Test: map[string]float64{"ndcg@10": 0.21}, Baselines: base(0.11)},
		{Split: "temporal", Model: "bert4rec", Seed: 43, WallSeconds: 220, BestEpoch: 40, Val: map[string]float64{"ndcg@10": 0.09}, Test: map[string]float64{"ndcg@10": 0.20}, Baselines: base(0.11)},
		{Split: "temporal", Model: "twotower", Seed: 42, WallSeconds: 60, Test: map[string]float64{"ndcg@10": 0.19}, Baselines: base(0.11)},
		{Split: "leave_one_out", Model: "bert4rec", Seed: 42, WallSeconds: 250, Test: map[string]float64{"ndcg@10": 0.07}, Baselines: base(0.025)},
	}
	s := Summarize(runs)
	var got []string
	for _, r := range s.Rows {
		got = append(got, r.Split+"/"+r.Model)
	}
	want := []string{"temporal/bert4rec", "temporal/twotower", "temporal/popularity", "temporal/itemknn",
		"leave_one_out/bert4rec", "leave_one_out/popularity", "leave_one_out/itemknn"}
	if len(got) != len(want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("rows %v, want %v", got, want)
		}
	}
	b := s.Rows[0]
	if b.Test["ndcg@10"].N != 2 || math.Abs(b.Test["ndcg@10"].Mean-0.205) > 1e-12 || b.Val["ndcg@10"].N != 2 {
		t.Errorf("temporal bert4rec: got test %+v val %+v, want the mean of 2 seeds", b.Test["ndcg@10"], b.Val["ndcg@10"])
	}
	if b.BestEpoch.Mean != 39 || b.WallSeconds.Mean != 210 {
		t.Errorf("temporal bert4rec: got best epoch %v wall %v, want 39 and 210", b.BestEpoch.Mean, b.WallSeconds.Mean)
	}
	pop := s.Rows[2]
	if !pop.Baseline || pop.Test["ndcg@10"].N != 3 || pop.Test["ndcg@10"].SD != 0 {
		t.Errorf("temporal popularity: got %+v, want a baseline row over the split's 3 runs with sd 0", pop)
	}
	if s.TrainWallSeconds != 730 {
		t.Errorf("train wall: got %v, want 730", s.TrainWallSeconds)
	}
}
