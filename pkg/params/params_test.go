package params

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// testConfig is a section with one key of every supported kind.
type testConfig struct {
	Epochs int       `yaml:"epochs" default:"50" range:"[1,1000]" doc:"passes"`
	Rate   float64   `yaml:"learning_rate" default:"0.001" range:"(0,1]"`
	Block  string    `yaml:"block" default:"post_ln" oneof:"post_ln pre_ln"`
	Bias   bool      `yaml:"item_bias" default:"true"`
	Layers []int     `yaml:"user_layers" default:"[64, 64]" range:"[1,4096]" len:"[1,4]"`
	Seed   int64     `yaml:"seed" default:"42" range:"[0,9007199254740992]"`
	Heads  int       `yaml:"num_heads" default:"4" range:"[1,64]"`
	Extra  []float64 `yaml:"weights" default:"[]" range:"[0,1]" len:"[0,3]"`
}

func (c testConfig) Validate() error {
	if c.Epochs == 7 && c.Heads == 1 {
		return Invalid(sec+".num_heads", c.Heads, "a divisor")
	}
	return nil
}

const sec = "model_training.bert4rec"

func TestLayeringAndOverride(t *testing.T) {
	base := writeFile(t, "base.yaml", "data_processing:\n  x: 1\n  y: 2\nmodel_training:\n  bert4rec:\n    epochs: 50\n")
	over := writeFile(t, "over.yaml", "model_training:\n  bert4rec:\n    epochs: 2\n")
	p, err := Load([]string{base, over}, []string{"data_processing.y=7"})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Section("data_processing"); got["x"] != 1 || got["y"] != 7 {
		t.Errorf("got %v, want x 1, y 7", got)
	}
	var c testConfig
	if err := p.Decode(sec, &c); err != nil {
		t.Fatal(err)
	}
	if c.Epochs != 2 || c.Rate != 0.001 || c.Block != "post_ln" || !c.Bias || len(c.Layers) != 2 || c.Seed != 42 {
		t.Errorf("got %+v, want epochs 2 from over.yaml and the defaults", c)
	}
	if w := p.Where(sec + ".epochs"); w != over+":3" {
		t.Errorf("got where %q, want %s:3", w, over)
	}
	if w := p.Where("data_processing.y"); w != "--set data_processing.y=7" {
		t.Errorf("got where %q, want the --set flag", w)
	}
}

// TestLoadRefuses: what the loader must not accept silently, and the
// message naming the file, the key and what is wrong.
func TestLoadRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		set        []string
		want       []string
	}{
		{"empty file", "", nil, []string{"p.yaml", "empty"}},
		{"comments only", "# nothing\n", nil, []string{"p.yaml", "empty"}},
		{"plain top level", "5\n", nil, []string{"p.yaml:1", "mapping"}},
		{"misspelt group", "model_trainig:\n  bert4rec:\n    epochs: 2\n", nil, []string{"p.yaml:2", "model_trainig", "did you mean model_training"}},
		{"misspelt section", "model_training:\n  bert4rek:\n    epochs: 2\n", nil, []string{"p.yaml:3", "model_training.bert4rek", "did you mean model_training.bert4rec"}},
		{"unknown top section", "databse:\n  liked_rating: 4\n", nil, []string{"databse", "did you mean database"}},
		{"section plain value", "model_training:\n  bert4rec: 5\n", nil, []string{"p.yaml:2", "model_training.bert4rec", "plain value"}},
		{"group plain value", "model_training: 5\n", nil, []string{"model_training", "plain value"}},
		{"null section", "model_training:\n  bert4rec:\n", nil, []string{"model_training.bert4rec", "null"}},
		{"null key", "model_training:\n  bert4rec:\n    epochs:\n", nil, []string{"p.yaml:3", "model_training.bert4rec.epochs", "null"}},
		{"null in list", "model_training:\n  two_tower:\n    user_layers: [64, ~]\n", nil, []string{"user_layers", "null"}},
		{"duplicate key", "data_processing:\n  split: temporal\n  split: leave_one_out\n", nil, []string{"p.yaml:3", "data_processing.split", "twice"}},
		{"two documents", "data_processing: {}\n---\ndatabase: {}\n", nil, []string{"p.yaml", "more than one"}},
		{"bad yaml", "data_processing: [\n", nil, []string{"p.yaml", "YAML"}},
		{"set empty", "data_processing: {}\n", []string{"model_training.bert4rec.epochs="}, []string{"--set model_training.bert4rec.epochs=", "empty value"}},
		{"set null", "data_processing: {}\n", []string{"model_training.bert4rec.epochs=null"}, []string{"--set", "epochs", "null"}},
		{"set no equals", "data_processing: {}\n", []string{"epochs"}, []string{"--set epochs", "key.path=value"}},
		{"set unknown section", "data_processing: {}\n", []string{"model_trainig.bert4rec.epochs=2"}, []string{"model_trainig", "did you mean"}},
		{"set section plain", "data_processing: {}\n", []string{"model_training.bert4rec=5"}, []string{"model_training.bert4rec", "plain value"}},
		{"set mapping into key", "data_processing: {}\n", []string{"data_processing.split={a: 1}"}, []string{"data_processing.split", "not a mapping"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "p.yaml", tc.file)
			_, err := Load([]string{path}, tc.set)
			var pe *Error
			if err == nil || !errors.As(err, &pe) {
				t.Fatalf("got %v, want an *Error", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to contain %q", err, w)
				}
			}
		})
	}
	if _, err := Load([]string{filepath.Join(t.TempDir(), "none.yaml")}, nil); err == nil || !strings.Contains(err.Error(), "none.yaml") {
		t.Errorf("missing file: got %v, want an error naming it", err)
	}
}

// TestDecodeRefuses: every bad value is an error with where, key, value
// and what is allowed.
func TestDecodeRefuses(t *testing.T) {
	for _, tc := range []struct {
		set  string
		want string
	}{
		{"epochs=2.5", `--set model_training.bert4rec.epochs=2.5: model_training.bert4rec.epochs = 2.5: want an integer in [1, 1000]`},
		{"epochs=2.0", `epochs = 2: want an integer`},
		{"epochs=0", `epochs = 0: want an integer in [1, 1000]`},
		{"epochs=1000000", `epochs = 1000000: want an integer in [1, 1000]`},
		{"epochs=ten", `epochs = "ten": want an integer`},
		{"epochs=true", `epochs = true: want an integer`},
		{"epochs=99999999999999999999999", `want an integer`},
		{"learning_rate=0", `learning_rate = 0: want a number in (0, 1]`},
		{"learning_rate=.nan", `learning_rate = `},
		{"learning_rate=fast", `learning_rate = "fast": want a number in (0, 1]`},
		{"block=pre", `block = "pre": want one of post_ln, pre_ln`},
		{"block=5", `block = 5: want one of post_ln, pre_ln`},
		{"item_bias=yes", `item_bias = "yes": want true or false`},
		{"user_layers=[]", `user_layers = []: want a list of 1 to 4 values, each an integer in [1, 4096]`},
		{"user_layers=[64, 0]", `user_layers = [64,0]`},
		{"user_layers=[1,2,3,4,5]", `user_layers = [1,2,3,4,5]`},
		{"user_layers=64", `user_layers = 64: want a list`},
		{"seed=-1", `seed = -1: want an integer in [0, 9007199254740992]`},
		{"epochz=3", `model_training.bert4rec.epochz: unknown key (did you mean epochs?); known: epochs, learning_rate`},
		{"num_heads=1", `--set model_training.bert4rec.num_heads=1: model_training.bert4rec.num_heads = 1: want a divisor`},
	} {
		p, err := Load(nil, []string{"model_training.bert4rec.epochs=7", sec + "." + tc.set})
		if err != nil {
			t.Fatalf("%s: %v", tc.set, err)
		}
		var c testConfig
		err = p.Decode(sec, &c)
		var pe *Error
		if err == nil || !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an *Error containing %q", tc.set, err, tc.want)
		}
	}
}

func TestDecodeMissingSection(t *testing.T) {
	path := writeFile(t, "p.yaml", "data_processing: {}\n")
	p, err := Load([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var c testConfig
	err = p.Decode(sec, &c)
	if err == nil || !strings.Contains(err.Error(), path+": model_training.bert4rec: section is missing") {
		t.Errorf("got %v, want the file and the missing section named", err)
	}
	// An empty section is present: every key takes its default.
	p, err = Load([]string{path}, []string{"model_training.bert4rec={}"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Decode(sec, &c); err != nil || c.Epochs != 50 {
		t.Errorf("empty section: got %+v, %v, want the defaults", c, err)
	}
}

func TestDecodeOverKeepsValues(t *testing.T) {
	p := FromMap(map[string]any{"model_training": map[string]any{"bert4rec": map[string]any{"epochs": 3}}})
	c := testConfig{Rate: 0.5, Heads: 2}
	if err := p.DecodeOver(sec, &c); err != nil {
		t.Fatal(err)
	}
	if c.Epochs != 3 || c.Rate != 0.5 || c.Heads != 2 {
		t.Errorf("got %+v, want epochs 3 and the other values kept", c)
	}
}

func TestDefaultsDoNotShareLists(t *testing.T) {
	var a, b testConfig
	DefaultsOf(&a)
	DefaultsOf(&b)
	a.Layers[0] = 1
	if b.Layers[0] != 64 {
		t.Errorf("got %v, want the default list not shared", b.Layers)
	}
}

func TestBadTagsPanic(t *testing.T) {
	for _, c := range []any{
		struct {
			X int `yaml:"x" default:"1"`
		}{}, // no range
		struct {
			X int `yaml:"x" default:"9" range:"[1,5]"`
		}{}, // default out of range
		struct {
			X string `yaml:"x" default:"a"`
		}{}, // string without oneof
		struct {
			X []int `yaml:"x" default:"[1]" range:"[1,5]"`
		}{}, // list without len
		struct {
			X int `yaml:"x" range:"[1,5]"`
		}{}, // no default
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%T: got no panic, want one for the bad tag", c)
				}
			}()
			Fields(c)
		}()
	}
}

func TestTable(t *testing.T) {
	got := Table(testConfig{})
	want := "epochs         default 50; an integer in [1, 1000]\n               passes\n"
	if !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want it to start with %q", got, want)
	}
}

func TestHashIgnoresLayoutButNotValues(t *testing.T) {
	a := FromMap(map[string]any{"s": map[string]any{"x": 1, "y": 2}})
	b := FromMap(map[string]any{"s": map[string]any{"y": 2, "x": 1}})
	c := FromMap(map[string]any{"s": map[string]any{"y": 2, "x": 3}})
	if a.Hash("s") != b.Hash("s") {
		t.Fatal("same values, different hashes")
	}
	if a.Hash("s") == c.Hash("s") {
		t.Fatal("different values, same hash")
	}
}

// TestShippedParamsHaveEverySection: the repository's params.yaml loads
// and has every section (each stage refuses to run without its own).
func TestShippedParamsHaveEverySection(t *testing.T) {
	p, err := Load([]string{filepath.Join("..", "..", "params.yaml")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Sections {
		if p.Section(s) == nil {
			t.Errorf("params.yaml: section %s is missing", s)
		}
	}
}
