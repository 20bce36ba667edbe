package monitor

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func runNames(runs []Run) string {
	var names []string
	for _, r := range runs {
		names = append(names, r.Name)
	}
	return strings.Join(names, " ")
}

func TestSaveAndList(t *testing.T) {
	dir := copyFixtures(t)
	hist := filepath.Join(t.TempDir(), "runs")
	t0 := time.Date(2025, 3, 1, 10, 11, 40, 0, time.FixedZone("CET", 3600))

	if runs, err := List(hist); err != nil || len(runs) != 0 {
		t.Fatalf("got %v, %v for a missing history directory, want no runs", runs, err)
	}
	r1, created, err := SaveWith(dir, hist, SaveOptions{Time: t0, Rev: "abc1234"})
	if err != nil || !created {
		t.Fatalf("got created %v, err %v, want a new run", created, err)
	}
	if r1.Name != "20250301T091140Z-abc1234" || r1.Rev != "abc1234" || !r1.Time.Equal(t0) {
		t.Errorf("got run %+v, want name 20250301T091140Z-abc1234 (UTC), rev abc1234", r1)
	}
	if g, w := strings.Join(r1.Stages, " "), "process features train-bert4rec train-twotower"; g != w {
		t.Errorf("got stages %q, want %q", g, w)
	}
	for _, s := range r1.Stages {
		a, _ := os.ReadFile(filepath.Join(dir, s+".json"))
		b, err := os.ReadFile(filepath.Join(r1.Dir, s+".json"))
		if err != nil || string(a) != string(b) {
			t.Errorf("stage %s: saved copy differs from metrics (err %v)", s, err)
		}
	}

	// Unchanged metrics: nothing new, the latest run comes back.
	r, created, err := SaveWith(dir, hist, SaveOptions{Time: t0.Add(time.Minute), Rev: "abc1234"})
	if err != nil || created || r.Name != r1.Name {
		t.Errorf("got %s created %v err %v for unchanged metrics, want %s not created", r.Name, created, err, r1.Name)
	}
	// Forced, in the same second: a -2 suffix.
	r, created, err = SaveWith(dir, hist, SaveOptions{Time: t0, Rev: "abc1234", Force: true})
	if err != nil || !created || r.Name != "20250301T091140Z-abc1234-2" {
		t.Errorf("got %s created %v err %v for a forced save, want 20250301T091140Z-abc1234-2", r.Name, created, err)
	}
	// Changed metrics, no git rev.
	writeFile(t, filepath.Join(dir, "features.json"), `{"stage": "features", "params": {"embedding_dim": 256}}`)
	r3, created, err := SaveWith(dir, hist, SaveOptions{Time: t0.Add(time.Hour)})
	if err != nil || !created || r3.Name != "20250301T101140Z" || r3.Rev != "" {
		t.Errorf("got %+v created %v err %v, want run 20250301T101140Z without rev", r3, created, err)
	}

	runs, err := List(hist)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := runNames(runs), "20250301T091140Z-abc1234 20250301T091140Z-abc1234-2 20250301T101140Z"; g != w {
		t.Errorf("got runs %q, want %q", g, w)
	}
	if entries, _ := os.ReadDir(hist); len(entries) != 3 {
		t.Errorf("got %d entries in the history directory, want 3 (no temporary directories left)", len(entries))
	}

	// Previous: the workspace equals the latest run, so the one before.
	cur, err := Load(dir, "workspace")
	if err != nil {
		t.Fatal(err)
	}
	prev, ok, err := Previous(hist, cur)
	if err != nil || !ok || prev.Name != "20250301T091140Z-abc1234-2" {
		t.Errorf("got previous %q ok %v err %v, want 20250301T091140Z-abc1234-2", prev.Name, ok, err)
	}
	snap, err := LoadRun(prev)
	if err != nil {
		t.Fatal(err)
	}
	if c := find(t, Diff(snap, cur), "features", KindParam, "embedding_dim"); c.DeltaString() != "-256" || c.PercentString() != "-50.0%" {
		t.Errorf("got embedding_dim change %s %s, want -256 -50.0%%", c.DeltaString(), c.PercentString())
	}

	if _, err := FindRun(hist, "20250301T101140Z"); err != nil {
		t.Errorf("FindRun of a saved run: %v", err)
	}
	for _, bad := range []string{"nope", "../runs", "", ".tmp"} {
		if _, err := FindRun(hist, bad); err == nil {
			t.Errorf("FindRun(%q): got nil error", bad)
		}
	}

	tab, err := RunsTable(runs)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := strings.Join(tab.Header, ","), "run,saved (UTC),rev,stages,popularity ndcg@10,bert4rec ndcg@10,twotower ndcg@10"; g != w {
		t.Errorf("got runs header %s, want %s", g, w)
	}
	if g, w := strings.Join(tab.Rows[0], ","), "20250301T091140Z-abc1234,2025-03-01 09:11:40,abc1234,4,0.0871,0.1294,0.1102"; g != w {
		t.Errorf("got runs row %s, want %s", g, w)
	}
}

func TestPreviousNone(t *testing.T) {
	dir := copyFixtures(t)
	hist := filepath.Join(t.TempDir(), "runs")
	cur, _ := Load(dir, "workspace")
	if _, ok, err := Previous(hist, cur); ok || err != nil {
		t.Errorf("got ok %v err %v with no runs, want false, nil", ok, err)
	}
	if _, _, err := SaveWith(dir, hist, SaveOptions{Time: time.Unix(0, 0)}); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := Previous(hist, cur); ok || err != nil {
		t.Errorf("got ok %v err %v when the only run equals now, want false, nil", ok, err)
	}
}

func TestSaveNothing(t *testing.T) {
	if _, _, err := SaveWith(t.TempDir(), t.TempDir(), SaveOptions{Time: time.Now()}); err == nil {
		t.Error("got nil error saving an empty metrics directory")
	}
}

// gitRepo makes a repository in a temporary directory with metrics/ from
// the fixtures committed, and returns its metrics directory.
func gitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := copyFixtures(t)
	repo := filepath.Dir(dir)
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q")
	writeFile(t, filepath.Join(repo, "README"), "x")
	run("add", "README")
	run("commit", "-q", "-m", "no metrics yet")
	run("tag", "bare")
	run("add", "metrics")
	run("commit", "-q", "-m", "metrics")
	return dir
}

func TestLoadGit(t *testing.T) {
	dir := gitRepo(t)
	// The workspace moves on: bert4rec breaks, twotower goes.
	writeFile(t, filepath.Join(dir, "train-bert4rec.json"), "{")
	os.Remove(filepath.Join(dir, "train-twotower.json"))

	head, err := LoadGit(dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if g := statuses(head); g["train-bert4rec"] != "ok" || g["train-twotower"] != "ok" || g["semantic"] != "missing" {
		t.Errorf("got statuses %v at HEAD, want the committed fixtures", g)
	}
	if head.Label != "HEAD" || !strings.HasPrefix(head.Stage("train-bert4rec").Path, "HEAD:") {
		t.Errorf("got label %q path %q, want HEAD and HEAD:...", head.Label, head.Stage("train-bert4rec").Path)
	}
	cur, _ := Load(dir, "workspace")
	c := find(t, Diff(head, cur), "train-bert4rec", KindMetric, "models.bert4rec.ndcg@10")
	if c.Status() != "removed" || c.Old.String() != "0.1294" {
		t.Errorf("got %s %s, want removed 0.1294", c.Status(), c.Old)
	}

	bare, err := LoadGit(dir, "bare")
	if err != nil {
		t.Fatalf("revision without metrics/: %v", err)
	}
	if bare.Present() != 0 {
		t.Errorf("got %d stages present at a revision without metrics/, want 0", bare.Present())
	}
	if _, err := LoadGit(dir, "no-such-rev"); err == nil || !strings.Contains(err.Error(), "unknown git revision") {
		t.Errorf("got error %v, want unknown git revision", err)
	}
	if rev := GitRev(dir); len(rev) < 4 {
		t.Errorf("got GitRev %q, want a short hash", rev)
	}
}

func TestLoadGitOutsideRepo(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := filepath.Join(t.TempDir(), "metrics")
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(filepath.Dir(dir)))
	if _, err := LoadGit(dir, "HEAD"); err == nil || !strings.Contains(err.Error(), "not inside a git work tree") {
		t.Errorf("got error %v, want not inside a git work tree", err)
	}
}
