// Package params loads params.yaml, the one file that holds every tunable
// value of the pipeline, and hands each stage its own section.
//
// Several files may be layered (later ones override earlier ones key by
// key), and single values may be overridden with "key.path=value" strings,
// so that shell scripts and CI can change one number without editing the
// file. Sections decode into typed structs that reject unknown keys, so a
// misspelt parameter is an error, not a silent default.
package params

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Params is the merged parameter tree.
type Params struct {
	root  map[string]any
	files []string
}

// Load reads and merges the YAML files in order, then applies the overrides
// ("model_training.bert4rec.epochs=2"; the value is parsed as YAML).
func Load(files []string, overrides []string) (*Params, error) {
	p := &Params{root: map[string]any{}, files: files}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read params: %w", err)
		}
		var tree map[string]any
		if err := yaml.Unmarshal(data, &tree); err != nil {
			return nil, fmt.Errorf("parse params %s: %w", f, err)
		}
		merge(p.root, tree)
	}
	for _, o := range overrides {
		if err := p.Set(o); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// FromMap builds Params from an in-memory tree (for tests).
func FromMap(tree map[string]any) *Params {
	p := &Params{root: map[string]any{}}
	merge(p.root, tree)
	return p
}

// Set applies one "key.path=value" override.
func (p *Params) Set(kv string) error {
	key, raw, ok := strings.Cut(kv, "=")
	if !ok || key == "" {
		return fmt.Errorf("param override %q: want key.path=value", kv)
	}
	var v any
	if err := yaml.Unmarshal([]byte(raw), &v); err != nil {
		return fmt.Errorf("param override %q: value: %w", kv, err)
	}
	parts := strings.Split(key, ".")
	m := p.root
	for _, part := range parts[:len(parts)-1] {
		next, ok := m[part].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[part] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
	return nil
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

// Decode fills dst (a pointer to a struct with yaml tags) from the section
// at path. Keys in the section that dst does not know are an error naming
// the key; keys dst has that the section lacks keep dst's current values,
// so callers set defaults before decoding.
func (p *Params) Decode(path string, dst any) error {
	sec := p.Section(path)
	if sec == nil {
		return fmt.Errorf("params: section %q is missing", path)
	}
	data, err := yaml.Marshal(sec)
	if err != nil {
		return fmt.Errorf("params: section %q: %w", path, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("params: section %q: %w", path, err)
	}
	return nil
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

func merge(dst, src map[string]any) {
	for k, v := range src {
		if sv, ok := v.(map[string]any); ok {
			dv, ok := dst[k].(map[string]any)
			if !ok {
				dv = map[string]any{}
				dst[k] = dv
			}
			merge(dv, sv)
			continue
		}
		dst[k] = v
	}
}
