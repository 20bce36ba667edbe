package params

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
)

// Sections lists every section a params file may hold, as dotted paths.
// A name outside this list (and outside the groups its paths run through,
// such as model_training) is an error when loading.
var Sections = []string{
	"data_processing",
	"feature_engineering",
	"model_training.bert4rec",
	"model_training.two_tower",
	"semantic_search",
	"database",
}

// Params is the merged parameter tree, with where each value came from.
type Params struct {
	root  map[string]any
	where map[string]string // dotted path -> "file:line" or "--set k=v"
	files []string
}

// FromMap builds Params from an in-memory tree (for tests). The tree is not
// checked against Sections; Decode still checks the section it reads.
func FromMap(tree map[string]any) *Params {
	p := &Params{root: map[string]any{}, where: map[string]string{}}
	mergeMaps(p.root, tree)
	return p
}

func mergeMaps(dst, src map[string]any) {
	for k, v := range src {
		if sv, ok := v.(map[string]any); ok {
			dv, ok := dst[k].(map[string]any)
			if !ok {
				dv = map[string]any{}
				dst[k] = dv
			}
			mergeMaps(dv, sv)
			continue
		}
		dst[k] = v
	}
}

// Section returns the subtree at a dotted path ("model_training.bert4rec"),
// or nil if there is none.
func (p *Params) Section(path string) map[string]any {
	m := p.root
	if path == "" {
		return m
	}
	for _, part := range strings.Split(path, ".") {
		next, ok := m[part].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

// Files are the params files read, in order.
func (p *Params) Files() []string { return p.files }

// Where says where the value at a dotted path was set: "file:line", or
// "--set key=value" for an override. For a path no file mentions it names
// the files read.
func (p *Params) Where(path string) string {
	if w, ok := p.where[path]; ok {
		return w
	}
	switch len(p.files) {
	case 0:
		return "params"
	case 1:
		return p.files[0]
	}
	return strings.Join(p.files, " + ")
}

// CanonicalJSON renders the section at path as JSON with sorted keys: the
// same values always give the same bytes, whatever the file's layout.
func (p *Params) CanonicalJSON(path string) ([]byte, error) {
	sec := p.Section(path)
	if sec == nil {
		sec = map[string]any{}
	}
	return json.MarshalIndent(sec, "", "  ")
}

// Hash is the hex SHA-256 of the section's canonical JSON.
func (p *Params) Hash(path string) string {
	b, _ := p.CanonicalJSON(path)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Keys lists the dotted paths of all leaves under path, sorted.
func (p *Params) Keys(path string) []string {
	var out []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			full := k
			if prefix != "" {
				full = prefix + "." + k
			}
			if sub, ok := v.(map[string]any); ok {
				walk(full, sub)
			} else {
				out = append(out, full)
			}
		}
	}
	walk(path, p.Section(path))
	sort.Strings(out)
	return out
}
