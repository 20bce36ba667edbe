package semantic

import (
	"fmt"
	"io"
	"time"

	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// StageName is the stage's name in metrics/semantic.json.
const StageName = "semantic"

// Stage is one run of `semantic build`.
type Stage struct {
	Processed, Features string // input directories
	Index               string // index file to write
	Metrics             string // metrics file, written last
	Params              *params.Params
	Cfg                 Config
	Log                 io.Writer // progress lines
}

// Run reads the inputs, builds and writes the index, runs the quality
// suite on it and writes the metrics file last. A failed quality case is
// recorded as a failed check, not an error: the tests hold the bar.
func (s *Stage) Run() error {
	run := runmetrics.Start(StageName)
	run.SetParams(s.Params, Section)
	logf := func(format string, args ...any) { fmt.Fprintf(s.Log, StageName+": "+format+"\n", args...) }

	t0 := time.Now()
	in, err := ReadInputs(s.Processed, s.Features)
	if err != nil {
		return err
	}
	readSeconds := time.Since(t0).Seconds()
	t1 := time.Now()
	ix, err := Build(in, s.Cfg)
	if err != nil {
		return err
	}
	buildSeconds := time.Since(t1).Seconds()
	if err := ix.Save(s.Index); err != nil {
		return err
	}
	total := time.Since(t0).Seconds()
	st := ix.Stats()
	logf("indexed %d movies: %d title words, %d trigrams, %d encoder terms (dim %d), %d co-occurrence pairs from %d train+validation ratings (%d test rows ignored)",
		st.Movies, st.TitleVocabulary, st.Trigrams, st.EncoderVocabulary, st.EmbeddingDim, st.NeighbourPairs, st.Interactions, st.TestRowsIgnored)
	logf("read %.2fs, build %.2fs, total with write %.2fs -> %s", readSeconds, buildSeconds, total, s.Index)

	for _, p := range InputPaths(s.Processed, s.Features) {
		if err := run.AddInput(p); err != nil {
			return err
		}
	}
	if err := run.AddOutput(s.Index); err != nil {
		return err
	}
	q, err := Evaluate(ix, s.Cfg)
	if err != nil {
		return err
	}
	for _, o := range q.Titles {
		if o.Skipped {
			continue
		}
		run.AddCheck("title query "+o.Query, o.Pass, fmt.Sprintf("%q at rank %d (0: not in the top 10)", o.Want, o.Rank))
	}
	for _, o := range q.Descriptive {
		run.AddCheck("descriptive query "+o.Query, o.Pass, fmt.Sprintf("%d of %d match, want at least %d", o.Matches, o.Of, o.Min))
	}
	for _, o := range q.Like {
		if o.Skipped {
			continue
		}
		run.AddCheck("like query "+o.Query, o.Pass, fmt.Sprintf("read as like %q; %d share a genre, %d co-occurrence neighbours, expected titles at %v", o.Resolved, o.SharedGenre, o.Neighbours, o.ExpectRanks))
	}
	logf("quality suite: %d of %d cases pass (%d skipped: movies not in this catalogue); title queries at rank 1: %.0f%%", q.Passed, q.Cases, q.Skipped, 100*q.TitleRank1)
	if q.Passed < q.Cases {
		logf("warning: %d quality cases fail (see the checks in %s)", q.Cases-q.Passed, s.Metrics)
	}

	size := run.Outputs[0].Bytes
	run.Rows["movies"] = int64(st.Movies)
	run.Rows["title_vocabulary"] = int64(st.TitleVocabulary)
	run.Rows["trigrams"] = int64(st.Trigrams)
	run.Rows["encoder_vocabulary"] = int64(st.EncoderVocabulary)
	run.Rows["neighbour_pairs"] = int64(st.NeighbourPairs)
	run.Rows["train_validation_ratings"] = int64(st.Interactions)
	run.Rows["test_ratings_ignored"] = int64(st.TestRowsIgnored)
	run.Figures["index_bytes"] = size
	run.Figures["read_seconds"] = readSeconds
	run.Figures["build_seconds"] = buildSeconds
	run.Figures["build_total_seconds"] = total
	run.Figures["index"] = st
	run.Figures["quality"] = q
	run.Figures["quality_passed"] = q.Passed
	run.Figures["quality_cases"] = q.Cases
	run.Figures["title_rank1"] = q.TitleRank1
	return run.Finish(s.Metrics)
}
