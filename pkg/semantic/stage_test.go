package semantic

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/semantic/semantictest"
)

func TestStageRun(t *testing.T) {
	dir := t.TempDir()
	processed, feats, err := semantictest.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := params.FromMap(map[string]any{Section: map[string]any{"neighbours": 5, "genre_weight": 0.7}})
	cfg, err := ConfigFromParams(p)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	st := &Stage{Processed: processed, Features: feats, Index: filepath.Join(dir, "models", "semantic.bin"),
		Metrics: filepath.Join(dir, "metrics", "semantic.json"), Params: p, Cfg: cfg, Log: &log}
	if err := st.Run(); err != nil {
		t.Fatal(err)
	}
	ix, err := Load(st.Index)
	if err != nil {
		t.Fatal(err)
	}
	if ix.BuildConfig().Neighbours != 5 {
		t.Errorf("index built with neighbours %d, want 5", ix.BuildConfig().Neighbours)
	}
	m, err := runmetrics.Read(st.Metrics)
	if err != nil {
		t.Fatal(err)
	}
	if m.Stage != StageName || len(m.Params) != 2 || m.ParamsHash != p.Hash(Section) {
		t.Errorf("metrics stage %q params %v hash %s, want the raw section", m.Stage, m.Params, m.ParamsHash)
	}
	if len(m.Inputs) != 5 || len(m.Outputs) != 1 || m.Outputs[0].Path != st.Index {
		t.Errorf("metrics inputs %v outputs %v", m.Inputs, m.Outputs)
	}
	for _, key := range []string{"index_bytes", "build_seconds", "read_seconds", "index", "quality", "title_rank1"} {
		if _, ok := m.Figures[key]; !ok {
			t.Errorf("metrics figures lack %s", key)
		}
	}
	if m.Rows["movies"] != int64(len(semantictest.Movies)) || m.Rows["test_ratings_ignored"] != semantictest.Users {
		t.Errorf("metrics rows %v", m.Rows)
	}
	// The fixture lacks the suite's movies: quality fails loudly, not the run.
	if !strings.Contains(log.String(), "indexed 13 movies") {
		t.Errorf("log %q", log.String())
	}
}
