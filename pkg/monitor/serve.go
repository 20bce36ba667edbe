package monitor

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/moviegenie/pipeline/pkg/serve/loadtest"
)

// ServeStage is the name of the application's load-test file
// (metrics/serve.json, written by `make loadtest`).
const ServeStage = "serve"

// ServeTable shows metrics/serve.json: throughput, latency percentiles
// and errors per route, and the load test's checks (targets, peak memory,
// hot reloads). It is nil when the snapshot has no serve file.
func ServeTable(s *Snapshot) *Table {
	st := s.Stage(ServeStage)
	if st == nil || st.Missing {
		return nil
	}
	t := &Table{Title: "Application under load (make loadtest)",
		Header: []string{"scenario", "route", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"},
		Right:  []bool{false, false, true, true, true, true, true}}
	if !st.OK() {
		t.Note = fmt.Sprintf("%s: %v", st.Path, st.Err)
		return t
	}
	var scs []loadtest.Result
	data, err := json.Marshal(st.File.Figures["scenarios"])
	if err == nil {
		err = json.Unmarshal(data, &scs)
	}
	if err != nil {
		t.Note = fmt.Sprintf("%s: figures.scenarios: %v", st.Path, err)
		return t
	}
	for _, c := range scs {
		t.Rows = append(t.Rows, []string{c.Name, c.Route, fmt.Sprintf("%.0f", c.RPS), fmt.Sprintf("%.2f", c.P50ms),
			fmt.Sprintf("%.2f", c.P95ms), fmt.Sprintf("%.2f", c.P99ms), fmt.Sprintf("%d/%d", c.Errors, c.Requests)})
	}
	var notes []string
	for _, c := range st.File.Checks {
		mark := "ok"
		if !c.Passed {
			mark = "MISSED"
		}
		notes = append(notes, fmt.Sprintf("%s: %s (%s)", c.Name, mark, c.Detail))
	}
	notes = append(notes, "measured "+st.File.FinishedAt)
	t.Note = strings.Join(notes, "\n")
	return t
}
