package main

import (
	_ "embed"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	_ "github.com/moviegenie/pipeline/pkg/bert4rec" // registers the bert4rec model kind for --user
	"github.com/moviegenie/pipeline/pkg/cliapp"
	_ "github.com/moviegenie/pipeline/pkg/twotower" // and the twotower kind, as recommend does
)

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run runs the binary on args and returns its exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	return cliapp.Run(app, hoistFlags(args, app), stderr)
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := cliapp.NewApp("semantic", "natural-language movie search: build the index, search it")
	app.UsageText = "semantic [--params FILE]... [--set KEY=VALUE]... build|search [flags] [QUERY]"
	app.Description = cliapp.Manual(docSource)
	app.Writer, app.ErrWriter = stdout, stderr
	app.Commands = []*cli.Command{buildCommand(stderr), searchCommand(stdin, stdout, stderr)}
	for _, c := range app.Commands {
		// A bad flag is a usage error reported on stderr in one line, not
		// the help text on stdout.
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
			return cliapp.Usagef("%s %v (see semantic %s --help)", c.Name, err, c.Name)
		}
	}
	return app
}

// docSource is this package's doc.go, whose package comment is the manual.
//
//go:embed doc.go
var docSource string

// hoistFlags reorders args so that urfave/cli, which stops at the first
// argument that is not a flag, sees every flag: after the command name,
// the command's flags (and unknown ones, so that they are reported) move
// before the positional arguments, which follow a "--"; the global flags
// (--params, --set) move before the command name. "semantic search star
// wars -k 5 --set a.b=1" becomes "semantic --set a.b=1 search -k 5 -- star
// wars". Everything after a "--" stays positional.
func hoistFlags(args []string, app *cli.App) []string {
	if len(args) < 2 {
		return args
	}
	takesValue := func(flags []cli.Flag, name string) (known, value bool) {
		for _, f := range flags {
			for _, n := range f.Names() {
				if n == name {
					_, isBool := f.(*cli.BoolFlag)
					return true, !isBool
				}
			}
		}
		return false, false
	}
	flagName := func(a string) (name string, inline bool) {
		name = strings.TrimLeft(a, "-")
		name, _, inline = strings.Cut(name, "=")
		return name, inline
	}
	isFlag := func(a string) bool { return len(a) > 1 && a[0] == '-' && a != "--" }

	// Global flags up to the command name.
	globals := []string{}
	i := 1
	for i < len(args) && isFlag(args[i]) {
		name, inline := flagName(args[i])
		globals = append(globals, args[i])
		_, value := takesValue(app.Flags, name)
		if value && !inline && i+1 < len(args) {
			globals = append(globals, args[i+1])
			i++
		}
		i++
	}
	if i >= len(args) {
		return args
	}
	var cmd *cli.Command
	for _, c := range app.Commands {
		if c.HasName(args[i]) {
			cmd = c
		}
	}
	if cmd == nil {
		return args
	}
	out := append([]string{args[0]}, globals...)
	var flags, positional []string
	rest := args[i+1:]
	for j := 0; j < len(rest); j++ {
		a := rest[j]
		if a == "--" {
			positional = append(positional, rest[j+1:]...)
			break
		}
		if !isFlag(a) {
			positional = append(positional, a)
			continue
		}
		name, inline := flagName(a)
		dst := &flags
		known, value := takesValue(cmd.Flags, name)
		if !known {
			if gk, gv := takesValue(app.Flags, name); gk {
				dst, value = &out, gv
			}
		}
		*dst = append(*dst, a)
		if value && !inline && j+1 < len(rest) {
			*dst = append(*dst, rest[j+1])
			j++
		}
	}
	out = append(out, args[i])
	out = append(out, flags...)
	if len(positional) > 0 {
		out = append(out, "--")
		out = append(out, positional...)
	}
	return out
}
