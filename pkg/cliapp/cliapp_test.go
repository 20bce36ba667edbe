package cliapp

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

func TestExitCodes(t *testing.T) {
	newApp := func() *cli.App {
		app := NewApp("demo", "test app")
		app.Flags = append(app.Flags, &cli.IntFlag{Name: "k"})
		app.Action = func(c *cli.Context) error {
			switch c.Int("k") {
			case 1:
				return errors.New("bad data")
			case 2:
				return Usagef("--k must be positive")
			}
			return nil
		}
		return app
	}
	for _, tc := range []struct {
		args []string
		want int
		msg  string
	}{
		{[]string{"demo"}, ExitOK, ""},
		{[]string{"demo", "--k", "1"}, ExitError, "demo: bad data"},
		{[]string{"demo", "--k", "2"}, ExitUsage, "demo: --k must be positive"},
		{[]string{"demo", "--nope"}, ExitUsage, "nope"},
		{[]string{"demo", "--k", "x"}, ExitUsage, "invalid value"},
	} {
		var stderr bytes.Buffer
		app := newApp()
		app.ErrWriter = &stderr
		app.Writer = &stderr
		got := Run(app, tc.args, &stderr)
		if got != tc.want {
			t.Errorf("%v: got exit %d, want %d (stderr %q)", tc.args, got, tc.want, stderr.String())
		}
		if !strings.Contains(stderr.String(), tc.msg) {
			t.Errorf("%v: stderr %q does not contain %q", tc.args, stderr.String(), tc.msg)
		}
	}
}

func TestSetKeepsCommas(t *testing.T) {
	app := NewApp("demo", "")
	var got []string
	app.Action = func(c *cli.Context) error { got = c.StringSlice(SetFlag.Name); return nil }
	if code := Run(app, []string{"demo", "--set", "a.b=[256,128]"}, &bytes.Buffer{}); code != ExitOK {
		t.Fatalf("got exit %d", code)
	}
	if len(got) != 1 || got[0] != "a.b=[256,128]" {
		t.Fatalf("got %q, want one value a.b=[256,128]", got)
	}
}

func TestManual(t *testing.T) {
	src := "// Tool does one thing.\n//\n//\ttool [--flag]\n//Tight comment.\npackage main\n// not part of it\n"
	want := "Tool does one thing.\n\n\ttool [--flag]\nTight comment."
	if got := Manual(src); got != want {
		t.Errorf("Manual = %q, want %q", got, want)
	}
	if got := Manual("package main\n"); got != "" {
		t.Errorf("Manual without a comment = %q, want empty", got)
	}
}

// TestOneStyle: usage errors name flags as they are typed, a bare app with
// commands and an unknown command are usage errors listing the commands, a
// panic exits ExitInternal, --help prints the manual and --version the
// build's version.
func TestOneStyle(t *testing.T) {
	newApp := func() *cli.App {
		app := NewApp("demo", "test app")
		app.Description = "Demo is the manual."
		app.Flags = append(app.Flags, &cli.IntFlag{Name: "k"}, &cli.IntFlag{Name: "user"})
		app.Commands = []*cli.Command{{Name: "build", Usage: "builds", Action: func(*cli.Context) error { panic("boom") }}}
		return app
	}
	for _, tc := range []struct {
		args []string
		want int
		msg  string
	}{
		{[]string{"demo", "--nope", "build"}, ExitUsage, "demo: unknown flag --nope\n"},
		{[]string{"demo", "-k"}, ExitUsage, "flag needs an argument: -k"},
		{[]string{"demo", "--k", "x"}, ExitUsage, "for flag -k"},
		{[]string{"demo", "--user", "1"}, ExitUsage, "no command given; commands: build"},
		{[]string{"demo", "--user", "1", "biuld"}, ExitUsage, `unknown command "biuld"; commands: build`},
		{[]string{"demo", "--user", "1", "build"}, ExitInternal, "demo: internal error (a bug; please report it): boom"},
		{[]string{"demo", "--help"}, ExitOK, "Demo is the manual.\n\nCommands (demo COMMAND --help for one):\n   build  builds"},
		{[]string{"demo", "--version"}, ExitOK, "demo (devel)"},
	} {
		var out bytes.Buffer
		app := newApp()
		app.ErrWriter = &out
		app.Writer = &out
		got := Run(app, tc.args, &out)
		if got != tc.want || !strings.Contains(out.String(), tc.msg) {
			t.Errorf("%v: got exit %d and %q, want exit %d and %q", tc.args, got, out.String(), tc.want, tc.msg)
		}
	}
}

func TestNoParams(t *testing.T) {
	app := NewApp("demo", "")
	NoParams(app)
	app.Action = func(*cli.Context) error { return nil }
	if code := Run(app, []string{"demo", "--set", "a.b=1"}, &bytes.Buffer{}); code != ExitUsage {
		t.Errorf("--set on an app without params: got exit %d, want %d", code, ExitUsage)
	}
}

func TestParamsErrorIsUsage(t *testing.T) {
	app := NewApp("demo", "")
	app.Action = func(c *cli.Context) error { _, err := LoadParams(c); return err }
	var stderr bytes.Buffer
	if code := Run(app, []string{"demo", "--params", "/nonexistent/p.yaml"}, &stderr); code != ExitUsage || !strings.Contains(stderr.String(), "/nonexistent/p.yaml") {
		t.Errorf("got exit %d, %q; want a usage error naming the file", code, stderr.String())
	}
}

func TestFlagStyle(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"flag provided but not defined: -user", "unknown flag --user"},
		{"flag provided but not defined: -k", "unknown flag -k"},
		{`invalid value "x" for flag -k: parse error`, `invalid value "x" for flag -k: parse error`},
		{`invalid value "x" for flag -user: parse error`, `invalid value "x" for flag --user: parse error`},
		{`Required flag "out" not set`, "missing required --out"},
		{`Required flags "out, in" not set`, "missing required --out, --in"},
	} {
		if got := FlagStyle(tc.in); got != tc.want {
			t.Errorf("FlagStyle(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestEveryBinaryHasItsManual: every command under cmd/ sets its app's
// Description to its manual (cliapp.Manual(docSource)), so that --help
// prints it.
func TestEveryBinaryHasItsManual(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "cmd", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no commands found: %v", err)
	}
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join(d, "*.go"))
		found := false
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(src), "cliapp.Manual(docSource)") && strings.Contains(string(src), "Description =") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no app.Description = cliapp.Manual(docSource): --help would not print the manual", d)
		}
	}
}
