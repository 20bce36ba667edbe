package params

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// CheckShipped checks that the params file at path (the repository's
// params.yaml) sets every key of the section to its default, so that the
// file a user reads and the defaults a key falls back to are the same
// values, and that a comment listing a key's choices ("force | extra")
// lists them all.
func CheckShipped(path, section string, config any) error {
	p, err := Load([]string{path}, nil)
	if err != nil {
		return err
	}
	sec := p.Section(section)
	if sec == nil {
		return fmt.Errorf("%s: section %s is missing", path, section)
	}
	got := reflect.New(reflect.TypeOf(config).Elem())
	if err := p.Decode(section, got.Interface()); err != nil {
		return err
	}
	want := reflect.New(reflect.TypeOf(config).Elem())
	DefaultsOf(want.Interface())
	comments, err := lineComments(path)
	if err != nil {
		return err
	}
	var errs []string
	for _, f := range Fields(config) {
		key := section + "." + f.Name
		if _, ok := sec[f.Name]; !ok {
			errs = append(errs, fmt.Sprintf("%s: %s is not listed (default %s)", path, key, f.Default))
			continue
		}
		g, w := got.Elem().FieldByIndex(f.index), want.Elem().FieldByIndex(f.index)
		if !reflect.DeepEqual(g.Interface(), w.Interface()) {
			errs = append(errs, fmt.Sprintf("%s: %s = %v, but its default is %s: make them equal", p.Where(key), key, show(sec[f.Name]), f.Default))
		}
		if c := comments[key]; len(f.oneOf) > 1 && strings.Contains(c, "|") {
			if listed := choices(c); !sameSet(listed, f.oneOf) {
				errs = append(errs, fmt.Sprintf("%s: the comment of %s lists %v, want all of %v", p.Where(key), key, listed, f.oneOf))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

// CheckManual checks that a manual (a command's doc.go) carries the
// section's Table verbatim, as a tab-indented block of comment lines.
func CheckManual(manual string, config any) error {
	var want strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(Table(config), "\n"), "\n") {
		want.WriteString("//\t" + line + "\n")
	}
	if !strings.Contains(manual, want.String()) {
		return fmt.Errorf("the manual does not carry the params table; paste this block in place of the old one:\n%s", want.String())
	}
	return nil
}

// lineComments maps each dotted key of a YAML file to its line comment.
func lineComments(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	out := map[string]string{}
	var walk func(prefix string, n *yaml.Node)
	walk = func(prefix string, n *yaml.Node) {
		if n.Kind == yaml.DocumentNode {
			for _, c := range n.Content {
				walk(prefix, c)
			}
			return
		}
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			full := join(prefix, k.Value)
			out[full] = strings.TrimSpace(strings.TrimPrefix(v.LineComment+k.LineComment, "#"))
			walk(full, v)
		}
	}
	walk("", &doc)
	return out, nil
}

// choices reads "force | extra | none: what it does" as its choices: the
// first word of each part.
func choices(comment string) []string {
	var out []string
	for _, part := range strings.Split(comment, "|") {
		if f := strings.Fields(part); len(f) > 0 {
			out = append(out, strings.Trim(f[0], ":,;()"))
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
