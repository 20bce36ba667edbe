package stages

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Change is one params key whose value differs between two sides.
type Change struct {
	Key      string
	Old, New string // JSON values; "" when absent on that side
}

// String reads "key old -> new", "key added (v)" or "key removed (was v)".
func (c Change) String() string {
	switch {
	case c.Old == "":
		return fmt.Sprintf("%s added (%s)", c.Key, c.New)
	case c.New == "":
		return fmt.Sprintf("%s removed (was %s)", c.Key, c.Old)
	}
	return fmt.Sprintf("%s %s -> %s", c.Key, c.Old, c.New)
}

// ParamChanges compares two JSON values key by key (nested keys joined by
// dots), in key order.
func ParamChanges(old, cur json.RawMessage) []Change {
	o, n := Flatten(old), Flatten(cur)
	keys := map[string]bool{}
	for k := range o {
		keys[k] = true
	}
	for k := range n {
		keys[k] = true
	}
	var sorted []string
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var out []Change
	for _, k := range sorted {
		if o[k] != n[k] {
			out = append(out, Change{Key: k, Old: o[k], New: n[k]})
		}
	}
	return out
}

// Flatten maps each leaf key of a JSON object ("a.b.c") to its JSON value.
func Flatten(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil || v == nil {
		return out
	}
	flatten("", v, out)
	return out
}

func flatten(prefix string, v any, out map[string]string) {
	if m, ok := v.(map[string]any); ok && len(m) > 0 {
		for k, sub := range m {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			flatten(key, sub, out)
		}
		return
	}
	b, _ := json.Marshal(v)
	out[prefix] = string(b)
}

func joinChanges(cs []Change) string {
	if len(cs) == 0 {
		return "(layout only)"
	}
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = c.String()
	}
	return strings.Join(s, ", ")
}
