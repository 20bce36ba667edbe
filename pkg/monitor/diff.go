package monitor

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
)

// Kinds of Change.
const (
	KindParam  = "param"
	KindMetric = "metric"
)

// Value is one side of a Change: a number, some other value shown as a
// string, or absent.
type Value struct {
	Present bool
	IsNum   bool
	Num     float64
	Str     string
}

// Num returns a present numeric Value.
func Num(v float64) Value { return Value{Present: true, IsNum: true, Num: v} }

// Str returns a present non-numeric Value.
func Str(s string) Value { return Value{Present: true, Str: s} }

// String shows the value, or "-" when absent.
func (v Value) String() string {
	switch {
	case !v.Present:
		return "-"
	case v.IsNum:
		return FormatNum(v.Num)
	}
	return v.Str
}

// Equal reports whether two values are the same.
func (v Value) Equal(w Value) bool {
	if v.Present != w.Present || v.IsNum != w.IsNum {
		return false
	}
	if v.IsNum {
		return v.Num == w.Num || (math.IsNaN(v.Num) && math.IsNaN(w.Num))
	}
	return v.Str == w.Str
}

// Change is one key of one stage compared between two snapshots.
type Change struct {
	Stage string
	Kind  string // KindParam or KindMetric
	Key   string // dotted: "learning_rate", "models.bert4rec.ndcg@10"
	Old   Value
	New   Value
}

// Changed reports whether old and new differ.
func (c Change) Changed() bool { return !c.Old.Equal(c.New) }

// Delta is new - old, when both are numbers.
func (c Change) Delta() (float64, bool) {
	if !c.Old.Present || !c.New.Present || !c.Old.IsNum || !c.New.IsNum {
		return 0, false
	}
	return c.New.Num - c.Old.Num, true
}

// Percent is the change relative to |old| in percent, when both are
// numbers and old is not zero.
func (c Change) Percent() (float64, bool) {
	d, ok := c.Delta()
	if !ok || c.Old.Num == 0 {
		return 0, false
	}
	return 100 * d / math.Abs(c.Old.Num), true
}

// Status says how the key changed: "added", "removed", "changed" or
// "unchanged".
func (c Change) Status() string {
	switch {
	case !c.Old.Present && c.New.Present:
		return "added"
	case c.Old.Present && !c.New.Present:
		return "removed"
	case c.Changed():
		return "changed"
	}
	return "unchanged"
}

// DeltaString shows Delta with a sign ("+0.02"), or "" when there is none.
func (c Change) DeltaString() string {
	d, ok := c.Delta()
	if !ok {
		return ""
	}
	s := FormatNum(d)
	if d >= 0 {
		s = "+" + s
	}
	return s
}

// PercentString shows Percent ("+20.0%"), "n/a" when old is zero and new
// is not, or "" when not numeric.
func (c Change) PercentString() string {
	p, ok := c.Percent()
	if ok {
		return fmt.Sprintf("%+.1f%%", p)
	}
	if d, ok := c.Delta(); ok {
		if d == 0 {
			return "+0.0%"
		}
		return "n/a"
	}
	return ""
}

// FormatNum shows integers in full and other numbers with 6 significant
// digits, so float noise (0.12-0.10 = 0.019999999999999997) reads 0.02.
func FormatNum(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// Diff compares every param and metric of every stage of old and new,
// unchanged keys included, in stage order (new's, then stages only old
// has), params before metrics, keys sorted.
func Diff(old, new *Snapshot) []Change {
	var names []string
	seen := map[string]bool{}
	for _, s := range append(slices.Clone(new.Stages), old.Stages...) {
		if !seen[s.Name] {
			seen[s.Name] = true
			names = append(names, s.Name)
		}
	}
	var out []Change
	for _, name := range names {
		o, n := old.Stage(name), new.Stage(name)
		for _, kind := range []string{KindParam, KindMetric} {
			ov, nv := flatten(o, kind), flatten(n, kind)
			keys := map[string]bool{}
			for k := range ov {
				keys[k] = true
			}
			for k := range nv {
				keys[k] = true
			}
			for _, k := range slices.Sorted(maps.Keys(keys)) {
				out = append(out, Change{Stage: name, Kind: kind, Key: k, Old: ov[k], New: nv[k]})
			}
		}
	}
	return out
}

// flatten lists the params or metrics of a stage as dotted keys. A stage
// whose file is missing or malformed has the one metric "file" with its
// status, so that a file appearing, vanishing or breaking shows in a diff.
func flatten(st *Stage, kind string) map[string]Value {
	out := map[string]Value{}
	if st == nil {
		return out
	}
	if kind == KindMetric {
		out["file"] = Str(st.Status())
	}
	f := st.File
	if f == nil {
		return out
	}
	if kind == KindParam {
		flattenAny(out, "", f.Params)
		return out
	}
	out["wall_seconds"] = Num(f.WallSeconds)
	out["cpu_seconds"] = Num(f.CPUSeconds)
	out["peak_rss_bytes"] = Num(float64(f.PeakRSSBytes))
	for k, v := range f.Rows {
		out["rows."+k] = Num(float64(v))
	}
	for model, m := range f.Models {
		for k, v := range m {
			out["models."+model+"."+k] = Num(v)
		}
	}
	for _, c := range f.Checks {
		res := "passed"
		if !c.Passed {
			res = "FAILED"
		}
		out["checks."+c.Name] = Str(res)
	}
	if n := len(f.Curve); n > 0 {
		out["curve.epochs"] = Num(float64(n))
		out["curve.last_train_loss"] = Num(f.Curve[n-1].TrainLoss)
	}
	if len(f.Figures) > 0 {
		flattenAny(out, "figures", f.Figures)
	}
	return out
}

// flattenAny adds the leaves of a decoded JSON value under dotted keys.
// Numbers stay numbers; lists and other values are shown as JSON.
func flattenAny(out map[string]Value, prefix string, v any) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			flattenAny(out, join(k), sub)
		}
	case float64:
		out[prefix] = Num(x)
	case int:
		out[prefix] = Num(float64(x))
	case int64:
		out[prefix] = Num(float64(x))
	case string:
		out[prefix] = Str(x)
	case nil:
		out[prefix] = Str("null")
	default:
		b, err := json.Marshal(x)
		if err != nil {
			out[prefix] = Str(fmt.Sprint(x))
			return
		}
		out[prefix] = Str(string(b))
	}
}

// DiffTables lays a Diff out as a params table and a metrics table, with
// unchanged rows left out unless all is set.
func DiffTables(changes []Change, oldLabel, newLabel string, all bool) (params, metrics *Table) {
	mk := func(title, what string) *Table {
		return &Table{
			Title:  title,
			Header: []string{"stage", what, oldLabel, newLabel, "change", "change %"},
			Right:  []bool{false, false, true, true, true, true},
		}
	}
	params = mk("Params diff ("+oldLabel+" → "+newLabel+")", "param")
	metrics = mk("Metrics diff ("+oldLabel+" → "+newLabel+")", "metric")
	for _, c := range changes {
		if !all && !c.Changed() {
			continue
		}
		t := metrics
		if c.Kind == KindParam {
			t = params
		}
		t.Rows = append(t.Rows, []string{c.Stage, c.Key, c.Old.String(), c.New.String(), c.DeltaString(), c.PercentString()})
	}
	for _, t := range []*Table{params, metrics} {
		if len(t.Rows) == 0 {
			t.Note = "(no changes)"
		}
	}
	return params, metrics
}
