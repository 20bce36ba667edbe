package stages

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
)

// Spec is one stage as the Makefile declares it.
type Spec struct {
	// Name is the stage's one name: its make target, its metrics file
	// metrics/<name>.json, its record and its row in pipeline_runs.
	Name string
	// Section is the params.yaml section the stage reads ("" for none).
	Section string
	// Inputs and Outputs are file paths, relative to the repository root.
	Inputs  []string
	Outputs []string
}

// ParseSpec reads the form the Makefile passes on the command line:
// "NAME;SECTION;INPUT...;OUTPUT...", lists separated by spaces.
func ParseSpec(s string) (Spec, error) {
	f := strings.Split(s, ";")
	if len(f) != 4 {
		return Spec{}, fmt.Errorf("stage spec %q: want NAME;SECTION;INPUTS;OUTPUTS (4 fields separated by ';'), got %d fields", s, len(f))
	}
	sp := Spec{Name: strings.TrimSpace(f[0]), Section: strings.TrimSpace(f[1]),
		Inputs: strings.Fields(f[2]), Outputs: strings.Fields(f[3])}
	if sp.Name == "" {
		return Spec{}, fmt.Errorf("stage spec %q: empty stage name", s)
	}
	if len(sp.Outputs) == 0 {
		return Spec{}, fmt.Errorf("stage %s: declares no outputs (a stage must produce at least one file)", sp.Name)
	}
	return sp, nil
}

// ParseSpecs parses several specs and rejects two stages with one name or
// one output claimed by two stages.
func ParseSpecs(args []string) ([]Spec, error) {
	var out []Spec
	names := map[string]bool{}
	owner := map[string]string{}
	for _, a := range args {
		sp, err := ParseSpec(a)
		if err != nil {
			return nil, err
		}
		if names[sp.Name] {
			return nil, fmt.Errorf("stage %s is declared twice", sp.Name)
		}
		names[sp.Name] = true
		for _, o := range sp.Outputs {
			if other, ok := owner[o]; ok {
				return nil, fmt.Errorf("output %s is declared by two stages, %s and %s", o, other, sp.Name)
			}
			owner[o] = sp.Name
		}
		out = append(out, sp)
	}
	return out, nil
}

// Edge says that stage To reads files stage From writes.
type Edge struct {
	From, To string
	Files    []string
}

// Edges lists, for every stage, which earlier-or-later stages produce its
// inputs, in declaration order.
func Edges(specs []Spec) []Edge {
	owner := map[string]string{}
	for _, sp := range specs {
		for _, o := range sp.Outputs {
			owner[o] = sp.Name
		}
	}
	var edges []Edge
	for _, sp := range specs {
		byFrom := map[string]*Edge{}
		for _, in := range sp.Inputs {
			from, ok := owner[in]
			if !ok || from == sp.Name {
				continue
			}
			if byFrom[from] == nil {
				byFrom[from] = &Edge{From: from, To: sp.Name}
			}
			byFrom[from].Files = append(byFrom[from].Files, in)
		}
		for _, up := range specs { // in declaration order
			if e := byFrom[up.Name]; e != nil {
				edges = append(edges, *e)
			}
		}
	}
	return edges
}

// Downstream returns the names of the stages that read, directly or not,
// what any of the given stages write, in declaration order, the given
// stages included.
func Downstream(specs []Spec, names []string) []string {
	mark := map[string]bool{}
	for _, n := range names {
		mark[n] = true
	}
	edges := Edges(specs)
	for changed := true; changed; {
		changed = false
		for _, e := range edges {
			if mark[e.From] && !mark[e.To] {
				mark[e.To] = true
				changed = true
			}
		}
	}
	var out []string
	for _, sp := range specs {
		if mark[sp.Name] {
			out = append(out, sp.Name)
		}
	}
	return out
}

// declaredFile holds the declarations of the current make run, saved by
// the stage check for the stage-record step of each recipe.
const declaredFile = "declared"

// WriteDeclared saves the stage declarations in dir.
func WriteDeclared(dir string, specs []Spec) error {
	b, err := json.MarshalIndent(specs, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, declaredFile)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, append(b, '\n')) {
		return nil
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}

// Declared returns the saved declaration of one stage.
func Declared(dir, name string) (Spec, error) {
	path := filepath.Join(dir, declaredFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return Spec{}, fmt.Errorf("read the stage declarations: %w (run make, which writes them)", err)
	}
	var specs []Spec
	if err := json.Unmarshal(data, &specs); err != nil {
		return Spec{}, fmt.Errorf("%s: %w", path, err)
	}
	for _, sp := range specs {
		if sp.Name == name {
			return sp, nil
		}
	}
	return Spec{}, fmt.Errorf("%s: no stage %q is declared", path, name)
}
