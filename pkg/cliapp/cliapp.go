// Package cliapp gives every pipeline binary the same shape: the same
// --params/--set flags, messages prefixed with the binary's name, and the
// same exit codes (0 success, 1 data or runtime error, 2 usage error), so
// shell scripts can tell a bad call from bad data.
package cliapp

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/params"
)

// Exit codes shared by all binaries.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
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

// NewApp returns an app with the common flags, a stderr log prefixed with
// the binary's name, and usage errors marked as such.
func NewApp(name, usage string) *cli.App {
	log.SetFlags(0)
	log.SetPrefix(name + ": ")
	return &cli.App{
		Name:            name,
		Usage:           usage,
		Flags:           []cli.Flag{ParamsFlag, SetFlag},
		Writer:          os.Stdout,
		ErrWriter:       os.Stderr,
		HideHelpCommand: true,
		// --set key=[256,128] must reach the params parser whole.
		DisableSliceFlagSeparator: true,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &UsageError{Err: err}
		},
		ExitErrHandler: func(*cli.Context, error) {}, // Main decides the exit code
	}
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
// stderr as "name: message".
func Run(app *cli.App, args []string, stderr io.Writer) int {
	err := app.Run(args)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(stderr, "%s: %v\n", app.Name, err)
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
	for _, s := range []string{"flag provided but not defined", "Required flag", "invalid value", "No help topic", "command not found"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
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
