package cliapp

import (
	"bytes"
	"errors"
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
