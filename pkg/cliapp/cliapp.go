// Package cliapp gives every pipeline binary the same shape: the same
// --params/--set flags, --help printing the command's manual, --version
// printing the module version and VCS revision, messages prefixed with the
// binary's name, flags named as they are typed (--user, -k), and the same
// exit codes (0 success, 1 data or runtime error, 2 usage error, 3 internal
// error), so shell scripts can tell a bad call from bad data and both from
// a bug.
package cliapp

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/params"
)

// Exit codes shared by all binaries.
const (
	ExitOK       = 0
	ExitError    = 1
	ExitUsage    = 2
	ExitInternal = 3 // a panic: a bug, whatever the input
)

// UsageError marks an error in how the binary was called (a bad flag)
// rather than in the data. A *params.Error (a bad params file or --set) is
// a usage error too.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// Common flags.
var (
	ParamsFlag = &cli.StringSliceFlag{
		Name:  "params",
		Value: cli.NewStringSlice("params.yaml"),
		Usage: "params file(s); later files override earlier ones key by key",
	}
	SetFlag = &cli.StringSliceFlag{
		Name:  "set",
		Usage: "override one param, e.g. --set model_training.bert4rec.epochs=2 (repeatable)",
	}
)

func init() {
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the module version and VCS revision"}
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: "print the manual"}
	cli.VersionPrinter = func(c *cli.Context) {
		fmt.Fprintf(c.App.Writer, "%s %s\n", c.App.Name, c.App.Version)
	}
}

// helpTemplate prints the command's manual when it has one (its doc.go
// package comment, set as Description), else urfave's generated help.
var helpTemplate = `{{if .Description}}{{.Description}}
{{if .VisibleCommands}}
Commands ({{.Name}} COMMAND --help for one):
{{range .VisibleCommands}}   {{join .Names ", "}}{{"\t"}}{{.Usage}}
{{end}}{{end}}{{else}}` + cli.AppHelpTemplate + `{{end}}`

// NewApp returns an app with the common flags, --help and --version, a
// stderr log prefixed with the binary's name, and usage errors marked as
// such. A binary that takes no params (a query tool) removes them with
// NoParams. Set Description to the manual (Manual(docSource)). An app with
// commands and no Action of its own answers a missing or unknown command
// with a usage error.
func NewApp(name, usage string) *cli.App {
	log.SetFlags(0)
	log.SetPrefix(name + ": ")
	app := &cli.App{
		Name:                  name,
		Usage:                 usage,
		Version:               Version(),
		Flags:                 []cli.Flag{ParamsFlag, SetFlag},
		Writer:                os.Stdout,
		ErrWriter:             os.Stderr,
		HideHelpCommand:       true,
		CustomAppHelpTemplate: helpTemplate,
		// --set key=[256,128] must reach the params parser whole.
		DisableSliceFlagSeparator: true,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &UsageError{Err: err}
		},
		ExitErrHandler: func(*cli.Context, error) {}, // Main decides the exit code
	}
	app.Action = func(c *cli.Context) error { return noCommand(c) }
	return app
}

// NoParams removes the common --params/--set flags from an app that reads
// no params, so that they are not accepted and ignored.
func NoParams(app *cli.App) {
	var keep []cli.Flag
	for _, f := range app.Flags {
		if f != ParamsFlag && f != SetFlag {
			keep = append(keep, f)
		}
	}
	app.Flags = keep
}

// noCommand is the Action of an app with commands: a bare call or an
// unknown command is a usage error listing the commands.
func noCommand(c *cli.Context) error {
	var names []string
	for _, cmd := range c.App.Commands {
		if !cmd.Hidden {
			names = append(names, cmd.Name)
		}
	}
	list := strings.Join(names, ", ")
	if c.NArg() == 0 {
		return Usagef("no command given; commands: %s (--help prints the manual)", list)
	}
	return Usagef("unknown command %q; commands: %s (--help prints the manual)", c.Args().First(), list)
}

// LoadParams reads the params files and overrides given on the command line.
// A malformed file or override is a *params.Error, which Run treats as a
// usage error.
func LoadParams(c *cli.Context) (*params.Params, error) {
	return params.Load(c.StringSlice(ParamsFlag.Name), c.StringSlice(SetFlag.Name))
}

// Main runs the app and exits with the code its outcome calls for.
func Main(app *cli.App) {
	os.Exit(Run(app, os.Args, os.Stderr))
}

// Run runs the app on args and returns the exit code, printing any error to
// stderr as "name: message". A panic in the app is reported with its stack
// and exits ExitInternal.
func Run(app *cli.App, args []string, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "%s: internal error (a bug; please report it): %v\n%s", app.Name, r, debug.Stack())
			code = ExitInternal
		}
	}()
	err := app.Run(args)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(stderr, "%s: %s\n", app.Name, FlagStyle(err.Error()))
	var ue *UsageError
	var pe *params.Error
	if errors.As(err, &ue) || errors.As(err, &pe) || isFlagError(err) {
		return ExitUsage
	}
	return ExitError
}

// isFlagError recognises the errors urfave/cli returns for bad flags before
// OnUsageError is consulted (required flags, unknown commands).
func isFlagError(err error) bool {
	msg := err.Error()
	for _, s := range []string{"flag provided but not defined", "Required flag", "invalid value", "No help topic", "command not found", "flag needs an argument"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

var (
	goFlag       = regexp.MustCompile(`(flag provided but not defined|flag needs an argument|for flag|invalid boolean flag|bad flag syntax):? -{1,2}([A-Za-z0-9][A-Za-z0-9_-]*)`)
	requiredFlag = regexp.MustCompile(`Required flags? "([^"]+)" not set`)
)

// FlagStyle rewrites the Go flag package's messages so that a flag is
// named as it is typed: --user (one letter: -k), and "unknown flag".
func FlagStyle(msg string) string {
	msg = goFlag.ReplaceAllStringFunc(msg, func(m string) string {
		sub := goFlag.FindStringSubmatch(m)
		what, name := sub[1], dashed(sub[2])
		switch what {
		case "flag provided but not defined":
			return "unknown flag " + name
		case "flag needs an argument":
			return "flag needs an argument: " + name
		}
		return what + " " + name
	})
	msg = requiredFlag.ReplaceAllStringFunc(msg, func(m string) string {
		names := strings.Split(requiredFlag.FindStringSubmatch(m)[1], ", ")
		for i, n := range names {
			names[i] = dashed(strings.Trim(n, `"`))
		}
		return "missing required " + strings.Join(names, ", ")
	})
	return msg
}

func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// Version is the module version and VCS revision the binary was built
// from ("(devel) revision 1a2b3c4d5e6f (modified) 2026-12-07T03:00:00Z"),
// as the Go build info records them.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (no build info)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = " (modified)"
			}
		}
	}
	if rev == "" {
		return v + " revision unknown (built without VCS information), " + bi.GoVersion
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return fmt.Sprintf("%s revision %s%s %s, %s", v, rev, modified, at, bi.GoVersion)
}

// Manual returns the package comment at the top of a Go source file (a
// command's embedded doc.go) as plain text, so that --help shows the same
// manual as go doc.
func Manual(src string) string {
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "//") {
			break
		}
		b.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "//"), " "))
		b.WriteByte('\n')
	}
	return strings.TrimSpace(b.String())
}
