package semantic

import (
	"reflect"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/params"
)

func TestDefaultConfigValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
}

// The shipped params.yaml holds every key, with the defaults' values, so
// that what the manual and DefaultConfig say is what runs.
func TestParamsYAMLMatchesDefaults(t *testing.T) {
	p, err := params.Load([]string{"../../params.yaml"}, nil)
	if err != nil {
		t.Skipf("no params.yaml: %v", err)
	}
	sec := p.Section(Section)
	if sec == nil {
		t.Fatalf("params.yaml has no %s section", Section)
	}
	cfg, err := ConfigFromParams(p)
	if err != nil {
		t.Fatal(err)
	}
	if cfg != DefaultConfig() {
		t.Errorf("params.yaml %s = %+v, want the defaults %+v", Section, cfg, DefaultConfig())
	}
	// Every key of Config is in the file.
	for _, key := range configKeys() {
		if _, ok := sec[key]; !ok {
			t.Errorf("params.yaml %s lacks %s", Section, key)
		}
	}
}

func TestConfigFromParams(t *testing.T) {
	tests := []struct {
		name string
		set  []string
		msg  string // "" = valid
	}{
		{"defaults", nil, ""},
		{"one weight", []string{"semantic_search.genre_weight=1.5"}, ""},
		{"unknown key", []string{"semantic_search.genre_wieght=1"}, "genre_wieght"},
		{"negative weight", []string{"semantic_search.lexical_weight=-1"}, "semantic_search.lexical_weight"},
		{"share above 1", []string{"semantic_search.stopword_weight=2"}, "semantic_search.stopword_weight"},
		{"zero neighbours", []string{"semantic_search.neighbours=0"}, "semantic_search.neighbours"},
		{"both blend weights 0", []string{"semantic_search.semantic_weight=0", "semantic_search.personal_weight=0"}, "semantic_search.personal_weight = 0: want a weight above 0 when semantic_weight is 0"},
		{"wrong type", []string{"semantic_search.user_pool=many"}, "user_pool"},
	}
	for _, tt := range tests {
		p, err := params.Load(nil, append([]string{"semantic_search={}"}, tt.set...))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := ConfigFromParams(p)
		switch {
		case tt.msg == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.msg != "" && (err == nil || !strings.Contains(err.Error(), tt.msg)):
			t.Errorf("%s: error %v, want one naming %q", tt.name, err, tt.msg)
		}
		if tt.name == "one weight" && cfg.GenreWeight != 1.5 {
			t.Errorf("genre_weight = %v, want 1.5", cfg.GenreWeight)
		}
	}
}

func TestDecodeConfigOverBaseAndBuildDiffers(t *testing.T) {
	base := DefaultConfig()
	base.Neighbours = 7
	p := params.FromMap(map[string]any{Section: map[string]any{"era_weight": 0.9}})
	cfg, err := DecodeConfig(p, base)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Neighbours != 7 || cfg.EraWeight != 0.9 {
		t.Errorf("DecodeConfig: neighbours %d era_weight %v, want 7 and 0.9", cfg.Neighbours, cfg.EraWeight)
	}
	if d := DefaultConfig().BuildDiffers(base); len(d) != 1 || !strings.Contains(d[0], "neighbours is 50, the index was built with 7") {
		t.Errorf("BuildDiffers = %q, want one line about neighbours", d)
	}
	if d := cfg.BuildDiffers(base); len(d) != 0 {
		t.Errorf("BuildDiffers of a query-time change = %q, want none", d)
	}
}

// configKeys lists the yaml keys of Config.
func configKeys() []string {
	var out []string
	ty := reflect.TypeOf(Config{})
	for i := range ty.NumField() {
		out = append(out, strings.Split(ty.Field(i).Tag.Get("yaml"), ",")[0])
	}
	return out
}
