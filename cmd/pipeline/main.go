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
	app := cliapp.NewApp("pipeline", "Make's helper: the data stage, stage records and checks, metrics, plots, report")
	app.UsageText = "pipeline [--params FILE]... [--set KEY=VALUE]... COMMAND [flags] [args]"
	app.Description = cliapp.Manual(docSource)
	sort.Slice(commands, func(i, j int) bool { return commands[i].Name < commands[j].Name })
	app.Commands = commands
	cliapp.Main(app)
}

// docSource is this package's doc.go, whose package comment is the manual.
//
//go:embed doc.go
var docSource string
