package params

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// Error is a params value that cannot be used: where it was set, the key,
// the value and what is allowed. Binaries treat it as a usage error.
type Error struct {
	Where string // "params.yaml:31", "--set k=v", or the files read
	Key   string // dotted path, "" for the file as a whole
	Value any    // the value given; nil when the message is not about one
	Want  string // what is allowed: "an integer in [1, 100000]"
	Msg   string // any other explanation
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Where != "" {
		b.WriteString(e.Where)
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		if e.Value != nil {
			b.WriteString(" = ")
			b.WriteString(show(e.Value))
		}
		if e.Want != "" || e.Msg != "" {
			b.WriteString(": ")
		}
	}
	if e.Want != "" {
		b.WriteString("want ")
		b.WriteString(e.Want)
		if e.Msg != "" {
			b.WriteString("; ")
		}
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Invalid is the error a config's Validate returns for a value that passes
// its own key's checks but not a check across keys. key is the dotted path
// ("model_training.bert4rec.num_heads"); Decode adds where it was set.
func Invalid(key string, value any, want string) error {
	return &Error{Key: key, Value: value, Want: want}
}

func show(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	if b, err := json.Marshal(v); err == nil {
		return string(b)
	}
	return fmt.Sprint(v)
}

// Validator is a config with checks across keys, run after decoding.
type Validator interface{ Validate() error }

// Decode fills dst, a pointer to a config struct (see the package
// documentation for its tags), from the section at path: keys the section
// sets are checked and decoded, keys it leaves out get their defaults. A
// missing section, an unknown key or a bad value is an *Error. If dst is a
// Validator, its Validate runs last.
func (p *Params) Decode(path string, dst any) error {
	return p.decode(path, dst, true)
}

// DecodeOver is Decode with dst's current values, not the defaults, kept
// for the keys the section leaves out.
func (p *Params) DecodeOver(path string, dst any) error {
	return p.decode(path, dst, false)
}

func (p *Params) decode(path string, dst any, defaults bool) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("params.Decode: want a pointer to a struct, got %T", dst))
	}
	sec := p.Section(path)
	if sec == nil {
		return &Error{Where: p.Where(path), Key: path, Msg: "section is missing: every stage's section must be present (it may be empty: {})"}
	}
	fields := fieldsOf(rv.Elem().Type())
	var unknown []string
	for k := range sec {
		if fieldByName(fields, k) == nil {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		k := unknown[0]
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.Name
		}
		msg := "unknown key"
		if c := closest(k, names); c != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", c)
		}
		return &Error{Where: p.Where(path + "." + k), Key: path + "." + k, Msg: msg + "; known: " + strings.Join(names, ", ")}
	}
	for _, f := range fields {
		fv := rv.Elem().FieldByIndex(f.index)
		raw, ok := sec[f.Name]
		if !ok {
			if defaults {
				f.setDefault(fv)
			}
			continue
		}
		if err := f.set(fv, raw); err != nil {
			err.Where, err.Key = p.Where(path+"."+f.Name), path+"."+f.Name
			return err
		}
	}
	if v, ok := dst.(Validator); ok {
		if err := v.Validate(); err != nil {
			var pe *Error
			if errors.As(err, &pe) && pe.Where == "" {
				full := pe.Key
				if full == "" {
					full = path
				} else if !strings.HasPrefix(full, path+".") {
					full = path + "." + full
				}
				return &Error{Where: p.Where(full), Key: full, Value: pe.Value, Want: pe.Want, Msg: pe.Msg}
			}
			return &Error{Where: p.Where(path), Key: path, Msg: err.Error()}
		}
	}
	return nil
}

// Field describes one key of a section, from its struct field's tags.
type Field struct {
	Name    string // the key
	Default string // the default, as YAML
	Doc     string // one line: what the key does
	Want    string // what is allowed: "an integer in [1, 4096]"

	index    []int
	typ      reflect.Type
	lo, hi   float64 // range; lo > hi when there is none
	loOpen   bool
	hiOpen   bool
	oneOf    []string
	lenLo    int
	lenHi    int
	defValue reflect.Value
}

var fieldCache sync.Map // reflect.Type -> []*Field

// Fields lists the keys of a config struct (a value or pointer), in field
// order. It panics on a malformed tag: a programmer error the tests catch.
func Fields(config any) []*Field {
	t := reflect.TypeOf(config)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return fieldsOf(t)
}

// DefaultsOf sets every field of *config that has a key to its default.
func DefaultsOf(config any) {
	rv := reflect.ValueOf(config).Elem()
	for _, f := range fieldsOf(rv.Type()) {
		f.setDefault(rv.FieldByIndex(f.index))
	}
}

func fieldByName(fields []*Field, name string) *Field {
	for _, f := range fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

func fieldsOf(t reflect.Type) []*Field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]*Field)
	}
	var out []*Field
	for _, sf := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "" || name == "-" || !sf.IsExported() {
			continue
		}
		f, err := parseField(name, sf)
		if err != nil {
			panic(fmt.Sprintf("params: %s.%s: %v", t, sf.Name, err))
		}
		out = append(out, f)
	}
	fieldCache.Store(t, out)
	return out
}

func parseField(name string, sf reflect.StructField) (*Field, error) {
	f := &Field{Name: name, Doc: sf.Tag.Get("doc"), index: sf.Index, typ: sf.Type, lo: 1, hi: 0}
	def, ok := sf.Tag.Lookup("default")
	if !ok {
		return nil, fmt.Errorf("no default tag")
	}
	f.Default = def
	elem := sf.Type
	if elem.Kind() == reflect.Slice {
		elem = elem.Elem()
		l, ok := sf.Tag.Lookup("len")
		if !ok {
			return nil, fmt.Errorf("a list needs a len tag bounding its length")
		}
		lo, hi, lop, hop, err := parseRange(l)
		if err != nil || lop || hop {
			return nil, fmt.Errorf("len tag %q: want [lo,hi]", l)
		}
		f.lenLo, f.lenHi = int(lo), int(hi)
	}
	if r, ok := sf.Tag.Lookup("range"); ok {
		lo, hi, lop, hop, err := parseRange(r)
		if err != nil {
			return nil, fmt.Errorf("range tag %q: %v", r, err)
		}
		f.lo, f.hi, f.loOpen, f.hiOpen = lo, hi, lop, hop
	}
	if o, ok := sf.Tag.Lookup("oneof"); ok {
		f.oneOf = strings.Fields(o)
	}
	switch elem.Kind() {
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64:
		if f.lo > f.hi {
			return nil, fmt.Errorf("a number needs a range tag")
		}
	case reflect.String:
		_, free := sf.Tag.Lookup("free")
		if len(f.oneOf) == 0 && !free {
			return nil, fmt.Errorf("a string needs a oneof tag (or free:\"\" and a Validate check)")
		}
	case reflect.Bool:
	default:
		return nil, fmt.Errorf("type %s is not supported", sf.Type)
	}
	f.Want = f.describe()
	var raw any
	if err := yaml.Unmarshal([]byte(def), &raw); err != nil || raw == nil {
		return nil, fmt.Errorf("default %q is not a YAML value", def)
	}
	v := reflect.New(sf.Type).Elem()
	if err := f.set(v, raw); err != nil {
		return nil, fmt.Errorf("default %s: %v", def, err)
	}
	f.defValue = v
	return f, nil
}

// parseRange reads "[lo,hi]", "(lo,hi]", "[lo,hi)" or "(lo,hi)".
func parseRange(s string) (lo, hi float64, loOpen, hiOpen bool, err error) {
	s = strings.TrimSpace(s)
	if len(s) < 5 {
		return 0, 0, false, false, fmt.Errorf("want [lo,hi]")
	}
	loOpen, hiOpen = s[0] == '(', s[len(s)-1] == ')'
	if (s[0] != '[' && !loOpen) || (s[len(s)-1] != ']' && !hiOpen) {
		return 0, 0, false, false, fmt.Errorf("want [lo,hi]")
	}
	a, b, ok := strings.Cut(s[1:len(s)-1], ",")
	if !ok {
		return 0, 0, false, false, fmt.Errorf("want [lo,hi]")
	}
	if lo, err = strconv.ParseFloat(strings.TrimSpace(a), 64); err != nil {
		return
	}
	if hi, err = strconv.ParseFloat(strings.TrimSpace(b), 64); err != nil {
		return
	}
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) || lo > hi {
		return 0, 0, false, false, fmt.Errorf("want finite lo <= hi")
	}
	return
}

func (f *Field) setDefault(v reflect.Value) {
	nv := reflect.New(f.typ).Elem()
	nv.Set(f.defValue)
	if f.typ.Kind() == reflect.Slice { // never share the default's array
		nv = reflect.AppendSlice(reflect.MakeSlice(f.typ, 0, f.defValue.Len()), f.defValue)
	}
	v.Set(nv)
}

func (f *Field) describe() string {
	elem := f.typ
	list := elem.Kind() == reflect.Slice
	if list {
		elem = elem.Elem()
	}
	var one string
	switch elem.Kind() {
	case reflect.Bool:
		one = "true or false"
	case reflect.String:
		if len(f.oneOf) > 0 {
			one = oneOfText(f.oneOf)
		} else {
			one = "a name"
		}
	case reflect.Int, reflect.Int32, reflect.Int64:
		one = fmt.Sprintf("an integer in %s", f.rangeText())
	default:
		one = fmt.Sprintf("a number in %s", f.rangeText())
	}
	if list {
		return fmt.Sprintf("a list of %s to %s values, each %s", itoa(f.lenLo), itoa(f.lenHi), one)
	}
	return one
}

func itoa(n int) string { return strconv.Itoa(n) }

func oneOfText(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return "one of " + strings.Join(names, ", ")
}

func (f *Field) rangeText() string {
	l, r := "[", "]"
	if f.loOpen {
		l = "("
	}
	if f.hiOpen {
		r = ")"
	}
	return fmt.Sprintf("%s%s, %s%s", l, num(f.lo), num(f.hi), r)
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// set checks raw (a value of the YAML tree) and stores it in v. The error
// has Value and Want; the caller adds Where and Key.
func (f *Field) set(v reflect.Value, raw any) *Error {
	bad := &Error{Value: raw, Want: f.Want}
	if v.Kind() != reflect.Slice {
		if !f.setOne(v, raw) {
			return bad
		}
		return nil
	}
	list, ok := raw.([]any)
	if !ok {
		if l, ok2 := raw.([]int); ok2 { // FromMap trees in tests
			list = make([]any, len(l))
			for i, x := range l {
				list[i] = x
			}
		} else {
			return bad
		}
	}
	if len(list) < f.lenLo || len(list) > f.lenHi {
		return bad
	}
	out := reflect.MakeSlice(v.Type(), len(list), len(list))
	for i, x := range list {
		if !f.setOne(out.Index(i), x) {
			return bad
		}
	}
	v.Set(out)
	return nil
}

func (f *Field) setOne(v reflect.Value, raw any) bool {
	switch v.Kind() {
	case reflect.Bool:
		b, ok := raw.(bool)
		v.SetBool(b)
		return ok
	case reflect.String:
		s, ok := raw.(string)
		if !ok || len(s) > 256 || (len(f.oneOf) > 0 && !slices.Contains(f.oneOf, s)) {
			return false
		}
		v.SetString(s)
		return true
	case reflect.Int, reflect.Int32, reflect.Int64:
		var n int64
		switch x := raw.(type) {
		case int:
			n = int64(x)
		case int64:
			n = x
		case uint64:
			if x > math.MaxInt64 {
				return false
			}
			n = int64(x)
		default:
			return false // 2.5, "ten", true: an integer is an integer
		}
		if !f.inRange(float64(n)) || v.OverflowInt(n) {
			return false
		}
		v.SetInt(n)
		return true
	case reflect.Float32, reflect.Float64:
		var x float64
		switch y := raw.(type) {
		case int:
			x = float64(y)
		case int64:
			x = float64(y)
		case uint64:
			x = float64(y)
		case float64:
			x = y
		default:
			return false
		}
		if math.IsNaN(x) || !f.inRange(x) {
			return false
		}
		v.SetFloat(x)
		return true
	}
	return false
}

func (f *Field) inRange(x float64) bool {
	if x < f.lo || x > f.hi || (f.loOpen && x == f.lo) || (f.hiOpen && x == f.hi) {
		return false
	}
	return true
}

// Table renders the keys of a config struct as the manuals list them:
// each key with its default and what is allowed, then what it does on
// indented lines. The manuals (cmd/*/doc.go) carry this table verbatim; a
// test checks it.
func Table(config any) string {
	fields := Fields(config)
	w := 0
	for _, f := range fields {
		w = max(w, len(f.Name))
	}
	indent := strings.Repeat(" ", w+2)
	var b strings.Builder
	for _, f := range fields {
		fmt.Fprintf(&b, "%-*s  default %s; %s\n", w, f.Name, f.Default, f.Want)
		for _, line := range wrap(f.Doc, max(72-len(indent), 32)) {
			fmt.Fprintf(&b, "%s%s\n", indent, line)
		}
	}
	return b.String()
}

// wrap splits text into lines of at most width bytes (a longer word gets
// its own line).
func wrap(text string, width int) []string {
	var lines []string
	var cur string
	for _, word := range strings.Fields(text) {
		if cur != "" && len(cur)+1+len(word) > width {
			lines = append(lines, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += word
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// CheckFields checks every key's value in a config struct against its
// tags, for a config that did not come through Decode (one read from a
// model or index file). A config's Validate calls it first, so that
// Validate alone checks everything.
func CheckFields(section string, config any) error {
	rv := reflect.Indirect(reflect.ValueOf(config))
	for _, f := range fieldsOf(rv.Type()) {
		v := rv.FieldByIndex(f.index)
		scratch := reflect.New(f.typ).Elem()
		if err := f.set(scratch, plain(v)); err != nil {
			err.Key = section + "." + f.Name
			return err
		}
	}
	return nil
}

// plain converts a field's value to the form a YAML tree holds.
func plain(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Int, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Bool:
		return v.Bool()
	case reflect.String:
		return v.String()
	case reflect.Slice:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = plain(v.Index(i))
		}
		return out
	}
	return v.Interface()
}
