// Package servetest gives the application's tests real pipeline outputs
// to serve: a database and the three models, built by the real stage
// binaries from real MovieLens 100K data, so the tests run wherever
// `make test` runs (nothing to build by hand first).
//
// The fixture is a small pipeline: every movie and the first FixtureUsers
// users of the raw ML-100K (pkg/realdata: ML100K_DIR; user 42 included),
// the repository's params.yaml with tiny training params (fixtureParams)
// layered on top. It takes seconds. It is built once and kept in
// build/servetest/<key> under the module root, where key hashes every
// input: the stages' code (cmd/ and pkg/ without the app's own packages
// and the tests), go.mod, go.sum, params.yaml, the fixture params and the
// raw files. Test binaries of several packages run at once (go test
// ./...): the first takes a file lock and builds into a temporary
// directory renamed into place when complete; the others wait for the
// lock and reuse it. A changed input gives a new key, and the build
// removes the older fixtures.
//
// MOVIEGENIE_SERVE_DATA=repo makes the tests use the repository's own
// outputs (data/moviegenie.db, models/ after make all) instead, failing
// when one is missing: CI runs the app's tests that way after its full
// build, to check the app on full-size models too.
package servetest

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
	"github.com/moviegenie/pipeline/pkg/realdata"
)

// App are the files the application loads (modelset.Files, to which it
// converts).
type App struct {
	DB       string
	BERT4Rec string
	TwoTower string
	Semantic string
}

// Paths are the application's files and what they were built from, for
// tests that run a stage binary beside the app.
type Paths struct {
	App
	Raw       string   // raw ML-100K files the pipeline read
	Processed string   // process stage's tables
	Features  string   // features stage's outputs
	Params    []string // params files, in order (each a --params)
}

// FixtureUsers is how many users (ids 1..FixtureUsers) the fixture keeps.
const FixtureUsers = 300

// fixtureParams is layered over params.yaml: models small and short to
// train, everything else as in a real run (same search, same k-core).
const fixtureParams = `# servetest fixture: tiny models for the app's tests
model_training:
  bert4rec:
    hidden_size: 32
    num_layers: 2
    num_heads: 2
    epochs: 2
  two_tower:
    epochs: 2
`

// DataEnv names the environment variable that selects the repository's
// outputs (value "repo") over the fixture.
const DataEnv = "MOVIEGENIE_SERVE_DATA"

// Root returns the repository root (the directory holding go.mod).
func Root(t testing.TB) string { return realdata.Root(t) }

var (
	once    sync.Once
	fixture Paths
	fixErr  error
)

// Files returns the pipeline outputs the tests serve: the fixture, built
// on the first call of the test binary (or found built), or with
// MOVIEGENIE_SERVE_DATA=repo the repository's outputs. The raw data's
// absence skips or fails as pkg/realdata says; a failed build fails.
func Files(t testing.TB) Paths {
	t.Helper()
	root := Root(t)
	if os.Getenv(DataEnv) == "repo" {
		return repoFiles(t, root)
	}
	raw := realdata.Dir(t)
	once.Do(func() { fixture, fixErr = build(root, raw) })
	if fixErr != nil {
		t.Fatalf("servetest fixture pipeline: %v", fixErr)
	}
	return fixture
}

func repoFiles(t testing.TB, root string) Paths {
	t.Helper()
	f := Paths{
		App: App{
			DB:       filepath.Join(root, "data", "moviegenie.db"),
			BERT4Rec: filepath.Join(root, "models", "bert4rec.bin"),
			TwoTower: filepath.Join(root, "models", "twotower.bin"),
			Semantic: filepath.Join(root, "models", "semantic.bin"),
		},
		Raw:       filepath.Join(root, "data", "raw", "ml-100k"),
		Processed: filepath.Join(root, "data", "processed"),
		Features:  filepath.Join(root, "data", "features"),
		Params:    []string{filepath.Join(root, "params.yaml")},
	}
	for _, p := range []string{f.DB, f.BERT4Rec, f.TwoTower, f.Semantic, f.Raw, f.Processed, f.Features} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s=repo: the app's tests need the pipeline's outputs: run make all first (%v)", DataEnv, err)
		}
	}
	return f
}

// layout returns the fixture's paths under dir.
func layout(dir string) Paths {
	return Paths{
		App: App{
			DB:       filepath.Join(dir, "moviegenie.db"),
			BERT4Rec: filepath.Join(dir, "models", "bert4rec.bin"),
			TwoTower: filepath.Join(dir, "models", "twotower.bin"),
			Semantic: filepath.Join(dir, "models", "semantic.bin"),
		},
		Raw:       filepath.Join(dir, "raw"),
		Processed: filepath.Join(dir, "processed"),
		Features:  filepath.Join(dir, "features"),
	}
}

// build returns the fixture for the current inputs, building it unless
// another test binary already has.
func build(root, raw string) (Paths, error) {
	cache := filepath.Join(root, "build", "servetest")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return Paths{}, err
	}
	key, err := inputKey(root, raw)
	if err != nil {
		return Paths{}, err
	}
	dir := filepath.Join(cache, key)
	params := []string{filepath.Join(root, "params.yaml"), filepath.Join(dir, "fixture.yaml")}

	unlock, err := lock(filepath.Join(cache, "lock"))
	if err != nil {
		return Paths{}, err
	}
	defer unlock()
	p := layout(dir)
	p.Params = params
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return p, nil
	}
	// Older fixtures and a build killed half-way are of no more use.
	if old, err := os.ReadDir(cache); err == nil {
		for _, e := range old {
			if e.IsDir() {
				os.RemoveAll(filepath.Join(cache, e.Name()))
			}
		}
	}
	tmp, err := os.MkdirTemp(cache, "tmp-")
	if err != nil {
		return Paths{}, err
	}
	defer os.RemoveAll(tmp)
	if err := pipeline(root, raw, tmp, dir); err != nil {
		return Paths{}, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "complete"), nil, 0o644); err != nil {
		return Paths{}, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return Paths{}, err
	}
	return p, nil
}

// lock takes an exclusive flock on path (blocking) and returns its release.
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// inputKey hashes everything the fixture is built from.
func inputKey(root, raw string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "users %d\n%s\n", FixtureUsers, fixtureParams)
	add := func(name, path string) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(h, "file %s\n", name)
		_, err = io.Copy(h, f)
		return err
	}
	for _, name := range []string{"go.mod", "go.sum", "params.yaml"} {
		if err := add(name, filepath.Join(root, name)); err != nil {
			return "", err
		}
	}
	for _, name := range realdata.Files {
		if err := add("raw/"+name, filepath.Join(raw, name)); err != nil {
			return "", err
		}
	}
	for _, top := range []string{"cmd", "pkg"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			if d.IsDir() {
				switch {
				case d.Name() == "testdata", rel == filepath.Join("cmd", "serve"), rel == filepath.Join("pkg", "serve"):
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(path, "_test.go") || !d.Type().IsRegular() {
				return nil
			}
			return add(filepath.ToSlash(rel), path)
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// stageCmds are the stage binaries the fixture runs.
var stageCmds = []string{"process", "features", "train-bert4rec", "train-twotower", "semantic", "dbsetup"}

// pipeline builds the stage binaries and runs them into tmp; the files
// name final (where tmp is renamed to) in the params they read, so the
// paths are those of dir.
func pipeline(root, raw, tmp, final string) error {
	bin := filepath.Join(tmp, "bin")
	// Without symbol tables and DWARF the link takes half the time.
	args := []string{"build", "-ldflags=-s -w", "-o", bin + string(filepath.Separator)}
	for _, c := range stageCmds {
		args = append(args, "./cmd/"+c)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build the stages: %v\n%s", err, out)
	}
	defer os.RemoveAll(bin) // 300 MB of binaries, needed only here
	if err := subset(raw, filepath.Join(tmp, "raw")); err != nil {
		return err
	}
	fixture := filepath.Join(tmp, "fixture.yaml")
	if err := os.WriteFile(fixture, []byte(fixtureParams), 0o644); err != nil {
		return err
	}
	p := layout(tmp)
	m := filepath.Join(tmp, "metrics")
	params := []string{"--params", filepath.Join(root, "params.yaml"), "--params", fixture}
	steps := [][]string{
		{"process", "--raw", p.Raw, "--out", p.Processed, "--metrics", filepath.Join(m, "process.json")},
		{"features", "--processed", p.Processed, "--out", p.Features, "--metrics", filepath.Join(m, "features.json")},
		{"train-bert4rec", "--processed", p.Processed, "--features", p.Features, "--model", p.BERT4Rec,
			"--recs", filepath.Join(tmp, "recs", "bert4rec.parquet"), "--metrics", filepath.Join(m, "train-bert4rec.json")},
		{"train-twotower", "--processed", p.Processed, "--features", p.Features, "--model", p.TwoTower,
			"--recs", filepath.Join(tmp, "recs", "twotower.parquet"), "--vectors", filepath.Join(tmp, "vectors"),
			"--metrics", filepath.Join(m, "train-twotower.json")},
		{"semantic", "build", "--processed", p.Processed, "--features", p.Features, "--index", p.Semantic,
			"--metrics", filepath.Join(m, "semantic.json")},
		{"dbsetup", "--processed", p.Processed, "--recs", filepath.Join(tmp, "recs"), "--vectors", filepath.Join(tmp, "vectors"),
			"--features", p.Features, "--metrics-dir", m, "--db", p.DB, "--metrics", filepath.Join(m, "dbsetup.json")},
	}
	for _, s := range steps {
		cmd := exec.Command(filepath.Join(bin, s[0]), append(append([]string{}, params...), s[1:]...)...)
		cmd.Dir = tmp
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s %q: %v\n%s", s[0], s[1:], err, out)
		}
	}
	return nil
}

// subset writes the fixture's raw folder: every raw file as is, but
// u.data only with the ratings of users 1..FixtureUsers.
func subset(raw, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, name := range realdata.Files {
		if name == "u.data" {
			continue
		}
		if err := atomicfile.Copy(filepath.Join(raw, name), filepath.Join(out, name)); err != nil {
			return err
		}
	}
	in, err := os.Open(filepath.Join(raw, "u.data"))
	if err != nil {
		return err
	}
	defer in.Close()
	var b strings.Builder
	sc := bufio.NewScanner(in)
	for line := 1; sc.Scan(); line++ {
		var user int
		if _, err := fmt.Sscanf(sc.Text(), "%d", &user); err != nil {
			return fmt.Errorf("%s line %d: %v", filepath.Join(raw, "u.data"), line, err)
		}
		if user >= 1 && user <= FixtureUsers {
			b.WriteString(sc.Text())
			b.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "u.data"), []byte(b.String()), 0o644)
}

// Copy copies the app's four files into dir (so a test can replace them)
// and returns the paths with those four replaced.
func Copy(t testing.TB, f Paths, dir string) Paths {
	t.Helper()
	out := f
	out.DB = filepath.Join(dir, "moviegenie.db")
	out.BERT4Rec = filepath.Join(dir, "bert4rec.bin")
	out.TwoTower = filepath.Join(dir, "twotower.bin")
	out.Semantic = filepath.Join(dir, "semantic.bin")
	for _, p := range [][2]string{{f.DB, out.DB}, {f.BERT4Rec, out.BERT4Rec}, {f.TwoTower, out.TwoTower}, {f.Semantic, out.Semantic}} {
		if err := atomicfile.Copy(p[0], p[1]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
