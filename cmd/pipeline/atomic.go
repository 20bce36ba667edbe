package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
	"github.com/moviegenie/pipeline/pkg/cliapp"
)

func init() {
	register(&cli.Command{
		Name:  "atomic",
		Usage: "run a command that writes one file, so that the file appears whole or not at all",
		Description: `pipeline atomic --out FILE -- CMD [ARG...]

For shell stages. CMD's standard output goes to a temporary file beside
FILE (.FILE.tmp-*), or, if an argument contains {}, CMD writes the file
itself at the path that replaces {}. Only when CMD exits 0 is the temporary
file renamed to FILE; on failure or interruption FILE keeps its previous
content and the temporary file is removed (or, after a SIGKILL, removed by
the next make run). Examples:

  bin/pipeline atomic --out reports/top.csv -- sqlite3 -csv -header data/moviegenie.db 'SELECT ...'
  bin/pipeline atomic --out data/x.parquet -- duckdb -c "COPY (SELECT ...) TO '{}' (FORMAT parquet)"

Exits 1 when CMD fails (its message names CMD's status).`,
		ArgsUsage: "-- CMD [ARG...]",
		Flags:     []cli.Flag{&cli.StringFlag{Name: "out", Required: true, Usage: "the file CMD produces"}},
		Action: func(c *cli.Context) error {
			args := c.Args().Slice()
			if len(args) > 0 && args[0] == "--" {
				args = args[1:]
			}
			if len(args) == 0 {
				return cliapp.Usagef("atomic: name the command after --")
			}
			return runAtomic(c.String("out"), args)
		},
	})
}

func runAtomic(out string, args []string) error {
	return atomicfile.WriteFileWith(out, func(tmp *os.File) error {
		placeholder := false
		argv := make([]string, len(args))
		for i, a := range args {
			if strings.Contains(a, "{}") {
				placeholder = true
			}
			argv[i] = strings.ReplaceAll(a, "{}", tmp.Name())
		}
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdin, cmd.Stderr = os.Stdin, os.Stderr
		cmd.Stdout = tmp
		if placeholder {
			cmd.Stdout = os.Stdout
		}
		// The terminal's Ctrl-C reaches CMD too (same process group); we
		// outlive it so that the temporary file is removed.
		signal.Ignore(syscall.SIGINT, syscall.SIGTERM)
		defer signal.Reset(syscall.SIGINT, syscall.SIGTERM)
		if err := cmd.Run(); err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				if ee.ExitCode() < 0 {
					return fmt.Errorf("%s: %v; %s left unchanged", argv[0], ee.ProcessState, out)
				}
				return fmt.Errorf("%s exited with status %d; %s left unchanged", argv[0], ee.ExitCode(), out)
			}
			return fmt.Errorf("run %s: %w; %s left unchanged", argv[0], err, out)
		}
		return nil
	})
}
