package monitor

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
)

// Report is what WriteReport puts on the page.
type Report struct {
	Current *Snapshot
	// Previous, when not nil, adds a "Changes since" section.
	Previous *Snapshot
	// Charts are PNG paths; each is linked relative to the page.
	ModelsChart       string
	CurveCharts       []string
	InteractionsChart string
	// Generated is the time shown at the top (zero: omitted).
	Generated time.Time
}

// WriteReport writes the report as one Markdown page at path (atomically):
// models, training, changes since the previous run, data, stages, checks.
func WriteReport(path string, r Report) error {
	var b bytes.Buffer
	if err := r.write(&b, filepath.Dir(path)); err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, b.Bytes())
}

func (r Report) write(w io.Writer, dir string) error {
	s := r.Current
	ok, missing, bad := 0, 0, 0
	last := ""
	for _, st := range s.Stages {
		switch {
		case st.OK():
			ok++
			if st.File.FinishedAt > last {
				last = st.File.FinishedAt
			}
		case st.Missing:
			missing++
		default:
			bad++
		}
	}
	fmt.Fprintf(w, "# Movie Genie pipeline report\n\n")
	fmt.Fprintf(w, "Metrics from `%s`: %d stages ok, %d missing, %d malformed.", s.Label, ok, missing, bad)
	if last != "" {
		fmt.Fprintf(w, " Last stage finished %s UTC.", finished(last))
	}
	if !r.Generated.IsZero() {
		fmt.Fprintf(w, " Report generated %s UTC.", r.Generated.UTC().Format("2006-01-02 15:04:05"))
	}
	fmt.Fprintf(w, "\n\nEvery model is scored on the test split with full ranking (no sampled negatives), ")
	fmt.Fprintf(w, "train and validation movies excluded; see `../shared/docs/evaluation.md`. ")
	fmt.Fprintf(w, "Read each model against the popularity baseline.\n\n")

	img := func(alt, p string) {
		if p == "" {
			return
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			rel = p
		}
		fmt.Fprintf(w, "![%s](%s)\n\n", alt, filepath.ToSlash(rel))
	}
	tables := func(ts ...*Table) error {
		for _, t := range ts {
			if err := t.WriteMarkdown(w); err != nil {
				return err
			}
		}
		return nil
	}

	fmt.Fprintf(w, "## Models\n\n")
	mt := ModelTable(s)
	boldBest(mt)
	if err := tables(mt); err != nil {
		return err
	}
	img("Model comparison", r.ModelsChart)

	if cs := Curves(s); len(cs) > 0 {
		fmt.Fprintf(w, "## Training\n\n")
		if err := tables(CurveTable(s)); err != nil {
			return err
		}
		for _, p := range r.CurveCharts {
			stage := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "curve_"), ".png")
			img(stage+" training curve", p)
		}
	}

	if r.Previous != nil {
		fmt.Fprintf(w, "## Changes since %s\n\n", r.Previous.Label)
		params, metrics := DiffTables(Diff(r.Previous, s), r.Previous.Label, s.Label, false)
		if err := tables(params, metrics); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(w, "## Changes\n\nNo saved run differs from these metrics (`make runs-save` saves one after each run).\n\n")
	}

	fmt.Fprintf(w, "## Data\n\n")
	img("Interactions per user and per movie", r.InteractionsChart)
	if err := tables(RowsTable(s)); err != nil {
		return err
	}

	fmt.Fprintf(w, "## Stages\n\n")
	if err := tables(StageTable(s)); err != nil {
		return err
	}
	if ct := ChecksTable(s); len(ct.Rows) > 0 {
		if err := tables(ct); err != nil {
			return err
		}
	}
	return nil
}

// boldBest marks in bold the best (highest) value of each metric column
// of a model table; ties are all marked.
func boldBest(t *Table) {
	for col := 2; col < len(t.Header)-1; col++ {
		best := -1.0
		for _, row := range t.Rows {
			if v, err := strconv.ParseFloat(row[col], 64); err == nil && v > best {
				best = v
			}
		}
		if best < 0 || len(t.Rows) < 2 {
			continue
		}
		for _, row := range t.Rows {
			if v, err := strconv.ParseFloat(row[col], 64); err == nil && v == best {
				row[col] = "**" + row[col] + "**"
			}
		}
	}
}
