// Command pipeline is the Makefile's own helper: it fetches and verifies
// the raw data, turns params.yaml into one stamp file per section so Make
// reruns only the stages whose params changed, explains why a target would
// be rebuilt, and shows the metrics, history, plots and report of runs.
//
// Usage:
//
//	pipeline [--params FILE]... [--set KEY=VALUE]... COMMAND [flags]
//
// Each command is declared in its own file and registered in init; run
// `pipeline --help` for the list and `pipeline COMMAND --help` for one.
package main

import (
	_ "embed"
	"sort"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
)

var commands []*cli.Command

// register adds a command to the pipeline tool; each command file calls it
// from init.
func register(c *cli.Command) { commands = append(commands, c) }

func main() {
	app := cliapp.NewApp("pipeline", "Make's helper: raw data, param stamps, metrics, plots, report")
	app.Description = cliapp.Manual(docSource)
	sort.Slice(commands, func(i, j int) bool { return commands[i].Name < commands[j].Name })
	app.Commands = commands
	cliapp.Main(app)
}

// docSource is this file, whose package comment is the manual.
//
//go:embed main.go
var docSource string
