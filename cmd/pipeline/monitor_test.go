package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/cliapp"
)

// runMonitorCmd runs the pipeline tool with args and returns its exit
// code, stdout and stderr.
func runMonitorCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	app := cliapp.NewApp("pipeline", "test")
	app.Commands = commands
	var stdout, stderr bytes.Buffer
	app.Writer, app.ErrWriter = &stdout, &stderr
	code := cliapp.Run(app, append([]string{"pipeline"}, args...), &stderr)
	return code, stdout.String(), stderr.String()
}

// monitorFixtures copies the monitor package's fixture metrics into a
// temporary directory and returns it.
func monitorFixtures(t *testing.T) string {
	t.Helper()
	src := "../../pkg/monitor/testdata/metrics"
	dir := filepath.Join(t.TempDir(), "metrics")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestMetricsCommand(t *testing.T) {
	dir := monitorFixtures(t)
	code, out, errOut := runMonitorCmd(t, "metrics", "--metrics-dir", dir)
	if code != 0 {
		t.Fatalf("got exit %d (%s), want 0", code, errOut)
	}
	for _, s := range []string{"Stages\n", "semantic", "missing", "Models, test split", "bert4rec    train-bert4rec", "+48.6%", "Training", "Rows"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	code, out, _ = runMonitorCmd(t, "metrics", "--metrics-dir", dir, "--json")
	var sum struct {
		Stages []struct{ Name, Status string }
		Models []struct{ Model string }
	}
	if err := json.Unmarshal([]byte(out), &sum); code != 0 || err != nil {
		t.Fatalf("got exit %d, JSON error %v", code, err)
	}
	if len(sum.Stages) != 7 || len(sum.Models) != 3 {
		t.Errorf("got %d stages and %d models, want 7 and 3", len(sum.Stages), len(sum.Models))
	}
}

func TestRunsAndDiffCommands(t *testing.T) {
	dir := monitorFixtures(t)
	runs := filepath.Join(t.TempDir(), "runs")

	if code, _, errOut := runMonitorCmd(t, "metrics-diff", "--metrics-dir", dir, "--runs", runs); code != 1 || !strings.Contains(errOut, "no saved run") {
		t.Errorf("diff with no runs: got exit %d %q, want 1 and 'no saved run'", code, errOut)
	}
	code, out, errOut := runMonitorCmd(t, "runs-save", "--metrics-dir", dir, "--runs", runs)
	if code != 0 || !strings.HasPrefix(out, "saved ") {
		t.Fatalf("runs-save: got exit %d %q %q", code, out, errOut)
	}
	if code, out, _ := runMonitorCmd(t, "runs-save", "--metrics-dir", dir, "--runs", runs); code != 0 || !strings.Contains(out, "unchanged") {
		t.Errorf("second runs-save: got exit %d %q, want 0 and unchanged", code, out)
	}
	code, out, _ = runMonitorCmd(t, "runs", "--runs", runs)
	if code != 0 || !strings.Contains(out, "bert4rec ndcg@10") || !strings.Contains(out, "0.1294") {
		t.Errorf("runs: got exit %d\n%s", code, out)
	}
	entries, _ := os.ReadDir(runs)
	name := entries[0].Name()

	// A new run of bert4rec: learning rate and ndcg@10 change.
	path := filepath.Join(dir, "train-bert4rec.json")
	data, _ := os.ReadFile(path)
	data = bytes.Replace(data, []byte(`"learning_rate": 0.001`), []byte(`"learning_rate": 0.002`), 1)
	data = bytes.Replace(data, []byte(`"ndcg@10": 0.1294`), []byte(`"ndcg@10": 0.1553`), 1)
	os.WriteFile(path, data, 0o644)

	for _, args := range [][]string{{"previous"}, {}, {"--run", name}} {
		code, out, errOut := runMonitorCmd(t, append([]string{"metrics-diff", "--metrics-dir", dir, "--runs", runs}, args...)...)
		if code != 0 {
			t.Fatalf("metrics-diff %v: got exit %d (%s)", args, code, errOut)
		}
		for _, s := range []string{"learning_rate", "0.001", "0.002", "+100.0%", "bert4rec  ndcg@10", "0.1294", "0.1553", "+0.0259", "+20.0%"} {
			if !strings.Contains(out, s) {
				t.Errorf("metrics-diff %v: output lacks %q:\n%s", args, s, out)
			}
		}
		if strings.Contains(out, "hidden_size") {
			t.Errorf("metrics-diff %v: shows an unchanged param without --all", args)
		}
		if m, p := strings.Index(out, "Models ("), strings.Index(out, "Params ("); m < 0 || p < m {
			t.Errorf("metrics-diff %v: got the models table at %d and params at %d, want models first", args, m, p)
		}
		if strings.Contains(out, "wall_seconds") || !strings.Contains(out, "timing rows") {
			t.Errorf("metrics-diff %v: timings shown, or their hiding not said, without --all:\n%s", args, out)
		}
	}
	// With --all the timings appear, in human units.
	if code, out, _ := runMonitorCmd(t, "metrics-diff", "--metrics-dir", dir, "--runs", runs, "--all"); code != 0 ||
		!strings.Contains(out, "wall_seconds") || !strings.Contains(out, " MiB") {
		t.Errorf("metrics-diff --all: got exit %d, want wall_seconds and sizes in MiB:\n%s", code, out)
	}
	code, out, _ = runMonitorCmd(t, "metrics-diff", "--metrics-dir", dir, "--runs", runs, "--all", "--json")
	var d struct {
		Changes []struct {
			Key     string
			Status  string
			Percent *float64
		}
	}
	if err := json.Unmarshal([]byte(out), &d); code != 0 || err != nil {
		t.Fatalf("--json: got exit %d, error %v", code, err)
	}
	found := false
	for _, c := range d.Changes {
		if c.Key == "hidden_size" && c.Status == "unchanged" {
			found = true
		}
	}
	if !found {
		t.Error("--all --json lacks the unchanged hidden_size")
	}

	for _, args := range [][]string{
		{"--rev", "HEAD", "--run", name},
		{"--run", name, "previous"},
		{"HEAD~1"},
		{"--run", "no-such-run"},
	} {
		if code, _, errOut := runMonitorCmd(t, append([]string{"metrics-diff", "--metrics-dir", dir, "--runs", runs}, args...)...); code != 2 {
			t.Errorf("metrics-diff %v: got exit %d (%s), want 2", args, code, errOut)
		}
	}
}

func TestReportCommand(t *testing.T) {
	dir := monitorFixtures(t)
	out := filepath.Join(t.TempDir(), "reports")
	code, stdout, stderr := runMonitorCmd(t, "report", "--metrics-dir", dir, "--runs", filepath.Join(out, "none"),
		"--processed", filepath.Join(out, "none"), "--out", out)
	if code != 0 {
		t.Fatalf("got exit %d (%s)", code, stderr)
	}
	if !strings.Contains(stderr, "interactions.png not drawn") {
		t.Errorf("got stderr %q, want a note that interactions.png was not drawn", stderr)
	}
	if strings.TrimSpace(stdout) != filepath.Join(out, "index.md") {
		t.Errorf("got stdout %q, want the report's path", stdout)
	}
	for _, f := range []string{"index.md", "models.png", "curve_train-bert4rec.png", "curve_train-twotower.png"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}
