package params

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxFileSize bounds a params file: the real one is a few kilobytes.
const MaxFileSize = 1 << 20

// Load reads and merges the YAML files in order, then applies the overrides
// ("model_training.bert4rec.epochs=2"; the value is parsed as YAML). Every
// error is an *Error naming the file (and line) or the override.
func Load(files []string, overrides []string) (*Params, error) {
	p := &Params{root: map[string]any{}, where: map[string]string{}, files: files}
	for _, f := range files {
		if err := p.loadFile(f); err != nil {
			return nil, err
		}
	}
	for _, o := range overrides {
		if err := p.Set(o); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *Params) loadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return &Error{Where: path, Msg: fmt.Sprintf("cannot read the params file: %v", unwrapPath(err))}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return &Error{Where: path, Msg: fmt.Sprintf("cannot read the params file: %v", err)}
	}
	if len(data) > MaxFileSize {
		return &Error{Where: path, Msg: fmt.Sprintf("params file larger than %d bytes", MaxFileSize)}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &Error{Where: path, Msg: "empty params file: want sections such as " + Sections[0] + ":"}
		}
		return &Error{Where: path, Msg: fmt.Sprintf("not valid YAML: %v", strings.TrimPrefix(err.Error(), "yaml: "))}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return &Error{Where: path, Msg: "more than one YAML document (---): want one"}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if isNull(root) {
		return &Error{Where: path, Msg: "empty params file: want sections such as " + Sections[0] + ":"}
	}
	if root.Kind != yaml.MappingNode {
		return &Error{Where: fmt.Sprintf("%s:%d", path, root.Line), Msg: "want a mapping of sections (" + strings.Join(topLevel(), ", ") + ")"}
	}
	src := func(line int) string { return fmt.Sprintf("%s:%d", path, line) }
	return p.mergeMapping(p.root, "", root, src)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Set applies one "key.path=value" override (the value is YAML: 2, 0.5,
// leave_one_out, [64, 64]).
func (p *Params) Set(kv string) error {
	where := "--set " + kv
	key, raw, ok := strings.Cut(kv, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return &Error{Where: where, Msg: "want --set key.path=value"}
	}
	if strings.TrimSpace(raw) == "" {
		return &Error{Where: where, Key: key, Msg: "empty value (an unset shell variable?): give a value"}
	}
	var v yaml.Node
	if err := yaml.Unmarshal([]byte(raw), &v); err != nil {
		return &Error{Where: where, Key: key, Msg: fmt.Sprintf("value is not valid YAML: %v", strings.TrimPrefix(err.Error(), "yaml: "))}
	}
	node := &v
	if node.Kind == yaml.DocumentNode && len(node.Content) == 1 {
		node = node.Content[0]
	}
	parts := strings.Split(key, ".")
	m := p.root
	for i, part := range parts[:len(parts)-1] {
		full := strings.Join(parts[:i+1], ".")
		if k := classify(full); k != kindGroup && k != kindSection {
			return unknownName(where, full)
		}
		next, ok := m[part].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[part] = next
		}
		m = next
	}
	return p.mergeEntry(m, key, parts[len(parts)-1], node, func(int) string { return where })
}

// mergeMapping merges the pairs of a YAML mapping at path prefix into dst.
func (p *Params) mergeMapping(dst map[string]any, prefix string, n *yaml.Node, src func(int) string) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if kn.Kind != yaml.ScalarNode || kn.Tag == "!!merge" {
			return &Error{Where: src(kn.Line), Msg: fmt.Sprintf("key %q under %s: want a plain name", kn.Value, orRoot(prefix))}
		}
		name := kn.Value
		full := join(prefix, name)
		if seen[name] {
			return &Error{Where: src(kn.Line), Key: full, Msg: "set twice in the same file"}
		}
		seen[name] = true
		if err := p.mergeEntry(dst, full, name, vn, src); err != nil {
			return err
		}
	}
	return nil
}

// mergeEntry merges value node v at dotted path full (the key name in dst).
func (p *Params) mergeEntry(dst map[string]any, full, name string, v *yaml.Node, src func(int) string) error {
	for v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	kind := classify(full)
	if kind == kindUnknown {
		return unknownName(src(v.Line), full)
	}
	if _, ok := p.where[full]; !ok || kind == kindKey {
		p.where[full] = src(v.Line)
	}
	if isNull(v) {
		if kind == kindKey {
			return &Error{Where: src(v.Line), Key: full, Msg: "no value (null): give a value or remove the key"}
		}
		return &Error{Where: src(v.Line), Key: full, Msg: "section has no keys (null): give its keys or remove it"}
	}
	if kind != kindKey {
		if v.Kind != yaml.MappingNode {
			return &Error{Where: src(v.Line), Key: full, Msg: fmt.Sprintf("section set to a plain value (%s): want a mapping of its keys", v.Value)}
		}
		sub, ok := dst[name].(map[string]any)
		if !ok {
			sub = map[string]any{}
			dst[name] = sub
		}
		return p.mergeMapping(sub, full, v, src)
	}
	if v.Kind == yaml.MappingNode {
		return &Error{Where: src(v.Line), Key: full, Msg: "want a value, not a mapping"}
	}
	var val any
	if err := v.Decode(&val); err != nil {
		return &Error{Where: src(v.Line), Key: full, Msg: err.Error()}
	}
	if l, ok := val.([]any); ok && slices.Contains(l, nil) {
		return &Error{Where: src(v.Line), Key: full, Msg: "null in a list: give a value"}
	}
	dst[name] = val
	return nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") ||
		(n.Kind == yaml.DocumentNode && len(n.Content) == 0)
}

type kind int

const (
	kindUnknown kind = iota
	kindGroup        // a path leading to sections: model_training
	kindSection      // one of Sections
	kindKey          // a key inside a section
)

func classify(path string) kind {
	for _, s := range Sections {
		switch {
		case path == s:
			return kindSection
		case strings.HasPrefix(path, s+"."):
			return kindKey
		}
	}
	for _, s := range Sections {
		if strings.HasPrefix(s, path+".") {
			return kindGroup
		}
	}
	return kindUnknown
}

// unknownName is the error for a section or group name outside Sections,
// suggesting the closest known one.
func unknownName(where, path string) error {
	parent, _ := cutLast(path)
	var known []string
	for _, s := range append(slices.Clone(Sections), groups()...) {
		if sp, _ := cutLast(s); sp == parent {
			known = append(known, s)
		}
	}
	slices.Sort(known)
	known = slices.Compact(known)
	msg := "unknown section"
	if c := closest(path, known); c != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", c)
	}
	return &Error{Where: where, Key: path, Msg: msg + "; known: " + strings.Join(known, ", ")}
}

func groups() []string {
	var out []string
	for _, s := range Sections {
		parts := strings.Split(s, ".")
		for i := 1; i < len(parts); i++ {
			out = append(out, strings.Join(parts[:i], "."))
		}
	}
	return out
}

func topLevel() []string {
	var out []string
	for _, s := range Sections {
		top, _, _ := strings.Cut(s, ".")
		out = append(out, top)
	}
	return slices.Compact(out)
}

func cutLast(path string) (parent, last string) {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i], path[i+1:]
	}
	return "", path
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func orRoot(prefix string) string {
	if prefix == "" {
		return "the top level"
	}
	return prefix
}

// closest returns the candidate within edit distance 3 of name (comparing
// the last path element), or "".
func closest(name string, candidates []string) string {
	_, last := cutLast(name)
	best, bestD := "", 4
	for _, c := range candidates {
		_, cl := cutLast(c)
		if d := editDistance(last, cl); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
