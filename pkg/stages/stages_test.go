package stages

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		in      string
		want    Spec
		wantErr string
	}{
		{"process;data_processing;a b;c d", Spec{Name: "process", Section: "data_processing", Inputs: []string{"a", "b"}, Outputs: []string{"c", "d"}}, ""},
		{"x;;;out", Spec{Name: "x", Inputs: []string{}, Outputs: []string{"out"}}, ""},
		{"x;;a", Spec{}, "4 fields"},
		{";s;a;b", Spec{}, "empty stage name"},
		{"x;s;a;", Spec{}, "declares no outputs"},
	}
	for _, tt := range tests {
		got, err := ParseSpec(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseSpec(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", tt.in, err)
			continue
		}
		if g, w := js(got), js(tt.want); g != w {
			t.Errorf("ParseSpec(%q) = %s, want %s", tt.in, g, w)
		}
	}
	if _, err := ParseSpecs([]string{"a;;;x", "b;;;x"}); err == nil || !strings.Contains(err.Error(), "two stages") {
		t.Errorf("an output declared twice: got %v, want an error naming both stages", err)
	}
	if _, err := ParseSpecs([]string{"a;;;x", "a;;;y"}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a stage declared twice: got %v, want an error", err)
	}
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestEdgesAndDownstream(t *testing.T) {
	specs := []Spec{
		{Name: "a", Inputs: []string{"raw"}, Outputs: []string{"a1", "a2"}},
		{Name: "b", Inputs: []string{"a1", "a2"}, Outputs: []string{"b1"}},
		{Name: "c", Inputs: []string{"a2"}, Outputs: []string{"c1"}},
		{Name: "d", Inputs: []string{"b1", "c1"}, Outputs: []string{"d1"}},
	}
	var got []string
	for _, e := range Edges(specs) {
		got = append(got, e.From+">"+e.To+"("+strings.Join(e.Files, ",")+")")
	}
	if g, w := strings.Join(got, " "), "a>b(a1,a2) a>c(a2) b>d(b1) c>d(c1)"; g != w {
		t.Errorf("Edges = %s, want %s", g, w)
	}
	for _, tt := range []struct{ from, want string }{{"a", "a b c d"}, {"c", "c d"}, {"d", "d"}} {
		if g := strings.Join(Downstream(specs, []string{tt.from}), " "); g != tt.want {
			t.Errorf("Downstream(%s) = %s, want %s", tt.from, g, tt.want)
		}
	}
	var b strings.Builder
	if err := WriteDAG(&b, specs, "mermaid"); err != nil || !strings.Contains(b.String(), "  a --> b\n") {
		t.Errorf("mermaid: got %q, %v; want an edge a --> b", b.String(), err)
	}
	if err := WriteDAG(&b, specs, "png"); err == nil {
		t.Errorf("format png: got no error, want one")
	}
}

// TestCheck writes a record and then damages the outputs in each way the
// check must notice (and in the ways it must not).
func TestCheck(t *testing.T) {
	params := json.RawMessage(`{"k": 1}`)
	tests := []struct {
		name    string
		change  func(t *testing.T, out1, out2 string)
		params  json.RawMessage
		outputs []string // declared outputs at check time; nil: the same
		want    string   // a reason containing this; "" for none
	}{
		{"untouched", func(*testing.T, string, string) {}, params, nil, ""},
		{"touched, same content", func(t *testing.T, o, _ string) { touch(t, o, time.Now().Add(time.Hour)) }, params, nil, ""},
		{"deleted", func(t *testing.T, o, _ string) { os.Remove(o) }, params, nil, "out1 was deleted"},
		{"appended", func(t *testing.T, o, _ string) { appendTo(t, o, "x") }, params, nil, "bytes, recorded"},
		{"same size, new content", func(t *testing.T, _, o string) {
			write(t, o, "BBBB")
			touch(t, o, time.Now().Add(time.Hour))
		}, params, nil, "checksum differs"},
		{"params edited", func(*testing.T, string, string) {}, json.RawMessage(`{"k": 2}`), nil, "k 1 -> 2"},
		{"params same, other layout", func(*testing.T, string, string) {}, json.RawMessage(`{ "k":1 }`), nil, ""},
		{"output declared since", func(*testing.T, string, string) {}, params, []string{"out1", "out2", "out3"}, "out3 is a new output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			write(t, "out1", "aaaa")
			write(t, "out2", "AAAA")
			sp := Spec{Name: "s", Section: "sec", Outputs: []string{"out1", "out2"}}
			if err := Write("state", sp, params, time.Now()); err != nil {
				t.Fatal(err)
			}
			tt.change(t, "out1", "out2")
			if tt.outputs != nil {
				sp.Outputs = tt.outputs
			}
			reasons, err := Check("state", sp, tt.params)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(reasons, "; ")
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("Check: got reasons %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckWithoutRecord(t *testing.T) {
	t.Chdir(t.TempDir())
	write(t, "out", "x")
	reasons, err := Check("state", Spec{Name: "s", Outputs: []string{"out"}}, nil)
	if err != nil || len(reasons) != 1 || !strings.Contains(reasons[0], "not run yet") {
		t.Errorf("no record: got %q, %v; want one reason, not run yet", reasons, err)
	}
	if err := Write("state", Spec{Name: "s", Outputs: []string{"out", "missing"}}, nil, time.Now()); err == nil || !strings.Contains(err.Error(), "did not write the declared output missing") {
		t.Errorf("Write with a missing output: got %v, want an error naming it", err)
	}
}

func TestStampTimes(t *testing.T) {
	t.Chdir(t.TempDir())
	sp := Spec{Name: "s", Outputs: []string{"out"}}
	now := time.Now()
	for _, tt := range []struct {
		reasons []string
		old     bool
	}{{nil, true}, {[]string{"x"}, false}, {nil, true}} {
		if err := WriteStamp("state", sp, nil, tt.reasons, now); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(StampPath("state", "s"))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.ModTime().Equal(OldTime); got != tt.old {
			t.Errorf("reasons %q: stamp mtime %v, want old=%v", tt.reasons, fi.ModTime(), tt.old)
		}
	}
}

func TestRemoveTemps(t *testing.T) {
	t.Chdir(t.TempDir())
	write(t, "d/out.parquet", "x")
	write(t, "d/.out.parquet.tmp-123", "partial")
	write(t, "d/.other.tmp-1", "not ours")
	removed, err := RemoveTemps([]string{"d/out.parquet"})
	if err != nil || len(removed) != 1 || removed[0] != filepath.Join("d", ".out.parquet.tmp-123") {
		t.Errorf("RemoveTemps = %q, %v; want the one temp file of out.parquet", removed, err)
	}
	if _, err := os.Stat("d/.other.tmp-1"); err != nil {
		t.Errorf("a temp file of an undeclared output was removed: %v", err)
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func touch(t *testing.T, path string, at time.Time) {
	t.Helper()
	if err := os.Chtimes(path, at, at); err != nil {
		t.Fatal(err)
	}
}
