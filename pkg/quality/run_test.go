package quality

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeStage is a stand-in for every stage binary: it appends its name and
// seed to $QUALITY_TEST_CALLS, writes a file into --out (process and
// features) and a metrics file whose test ndcg@10 is seed/1000.
const fakeStage = `#!/bin/sh
name=$(basename "$0"); seed=0; out=""; metrics=""
while [ $# -gt 0 ]; do
	case "$1" in
	--set) case "$2" in *.seed=*) seed=${2#*=};; esac; shift;;
	--out) out=$2; shift;;
	--metrics) metrics=$2; shift;;
	esac
	shift
done
echo "$name $seed" >> "$QUALITY_TEST_CALLS"
[ "$FAIL_SEED" = "$seed" ] && exit 1
[ -n "$out" ] && mkdir -p "$out" && echo "$name" > "$out/$name.txt"
mkdir -p "$(dirname "$metrics")"
model=bert4rec; [ "$name" = train-twotower ] && model=twotower
cat > "$metrics" <<JSON
{"stage": "$name", "wall_seconds": 1.5, "models": {"$model": {"ndcg@10": 0.$seed}, "popularity": {"ndcg@10": 0.1}},
 "figures": {"best_epoch": 3, "epochs_run": 5, "best_val": {"ndcg@10": 0.0$seed}}}
JSON
`

// testPlan makes a plan over fake binaries in a temporary directory and
// returns it with the file that records the calls.
func testPlan(t *testing.T) (*Plan, string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"process", "features", "train-bert4rec", "train-twotower"} {
		if err := os.WriteFile(filepath.Join(bin, b), []byte(fakeStage), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	raw := filepath.Join(dir, "raw")
	if err := os.MkdirAll(raw, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(raw, "u.data"), []byte("1\t1\t5\t1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	paramsFile := filepath.Join(dir, "params.yaml")
	writeParams(t, paramsFile, "0.001")
	calls := filepath.Join(dir, "calls")
	t.Setenv("QUALITY_TEST_CALLS", calls)
	t.Setenv("FAIL_SEED", "")
	return &Plan{
		Bin: bin, Raw: raw, Out: filepath.Join(dir, "out"), Params: []string{paramsFile},
		Splits: []Split{{Name: "temporal", Sets: []string{"data_processing.split=temporal"}}},
		Models: []Model{Models["bert4rec"], Models["twotower"]},
		Seeds:  []int64{42, 43},
	}, calls
}

func writeParams(t *testing.T, path, lr string) {
	t.Helper()
	y := "data_processing:\n  split: temporal\nfeature_engineering:\n  max_sequence_length: 50\n" +
		"model_training:\n  bert4rec:\n    learning_rate: " + lr +
		"\n  two_tower:\n    epochs: 3\n"
	if err := os.WriteFile(path, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
}

// takeCalls returns the calls recorded since the last take.
func takeCalls(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	os.Remove(path)
	return strings.Fields(strings.ReplaceAll(strings.TrimSpace(string(data)), " ", ":"))
}

func TestRunResumes(t *testing.T) {
	p, calls := testPlan(t)
	res, err := p.Run()
	if err != nil {
		t.Fatal(err)
	}
	want := "process:0 features:0 train-bert4rec:42 train-bert4rec:43 train-twotower:42 train-twotower:43"
	if got := strings.Join(takeCalls(t, calls), " "); got != want {
		t.Fatalf("first run: got calls %q, want %q", got, want)
	}
	if len(res) != 4 || res[0].Test["ndcg@10"] != 0.42 || res[0].Val["ndcg@10"] != 0.042 || res[0].Reused {
		t.Fatalf("first run: got results %+v, want 4 fresh runs, the first with test 0.42 val 0.042", res)
	}
	if _, err := os.Stat(filepath.Join(p.Out, "temporal", "bert4rec", "seed43", "metrics.json")); err != nil {
		t.Errorf("run folder: %v", err)
	}

	// Nothing changed: nothing runs again.
	res, err = p.Run()
	if err != nil {
		t.Fatal(err)
	}
	if got := takeCalls(t, calls); len(got) != 0 {
		t.Errorf("unchanged: got calls %v, want none", got)
	}
	if !res[3].Reused || res[3].Test["ndcg@10"] != 0.43 {
		t.Errorf("unchanged: got %+v, want the reused twotower seed 43 run", res[3])
	}

	// A BERT4Rec param reruns BERT4Rec only.
	writeParams(t, p.Params[0], "0.002")
	if _, err := p.Run(); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(takeCalls(t, calls), " "), "train-bert4rec:42 train-bert4rec:43"; got != want {
		t.Errorf("bert4rec param changed: got calls %q, want %q", got, want)
	}

	// A changed binary reruns its runs; a failed run is not marked done.
	bin := filepath.Join(p.Bin, "train-twotower")
	if err := os.WriteFile(bin, []byte(fakeStage+"# changed\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FAIL_SEED", "43")
	if _, err := p.Run(); err == nil || !strings.Contains(err.Error(), "temporal twotower seed 43") {
		t.Errorf("failing run: got error %v, want one naming the run", err)
	}
	if got, want := strings.Join(takeCalls(t, calls), " "), "train-twotower:42 train-twotower:43"; got != want {
		t.Errorf("binary changed: got calls %q, want %q", got, want)
	}
	t.Setenv("FAIL_SEED", "")
	if _, err := p.Run(); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(takeCalls(t, calls), " "), "train-twotower:43"; got != want {
		t.Errorf("after the failure: got calls %q, want %q (only the failed run again)", got, want)
	}
}

func TestRunFinishedOnly(t *testing.T) {
	p, calls := testPlan(t)
	p.FinishedOnly = true
	res, err := p.Run()
	if err != nil || len(res) != 0 || len(takeCalls(t, calls)) != 0 {
		t.Fatalf("nothing finished: got %d results, err %v; want none and no calls", len(res), err)
	}
	p.FinishedOnly = false
	p.Models = p.Models[1:] // twotower only
	if _, err := p.Run(); err != nil {
		t.Fatal(err)
	}
	takeCalls(t, calls)
	p.FinishedOnly = true
	p.Models = []Model{Models["bert4rec"], Models["twotower"]}
	res, err = p.Run()
	if err != nil {
		t.Fatal(err)
	}
	if got := takeCalls(t, calls); len(got) != 0 {
		t.Errorf("finished only: got calls %v, want none", got)
	}
	if len(res) != 2 || res[0].Model != "twotower" || !res[0].Reused || !res[1].Reused {
		t.Errorf("finished only: got %+v, want the 2 reused twotower runs", res)
	}
}
