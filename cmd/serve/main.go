package main

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/semantic"
	"github.com/moviegenie/pipeline/pkg/serve/appstore"
	"github.com/moviegenie/pipeline/pkg/serve/catalog"
	"github.com/moviegenie/pipeline/pkg/serve/modelset"
)

// docSource is this package's doc.go, whose package comment is the manual.
//
//go:embed doc.go
var docSource string

var appDBFlag = &cli.StringFlag{Name: "app-db", Value: "data/app/app.db", Usage: "the app's own store of users and ratings `FILE`"}

func main() { cliapp.Main(newApp()) }

func newApp() *cli.App {
	app := cliapp.NewApp("serve", "the Movie Genie application: JSON API and web page over the database and live models")
	app.UsageText = "serve [--params FILE]... [--set KEY=VALUE]... [run|export|loadtest] [flags]"
	app.Description = cliapp.Manual(docSource)
	run := runCommand()
	app.Commands = []*cli.Command{run, exportCommand(), loadtestCommand()}
	app.Flags = append(app.Flags, run.Flags...)
	app.Action = run.Action
	return app
}

func exportCommand() *cli.Command {
	out := &cli.StringFlag{Name: "out", Value: appstore.DefaultExportPath, Usage: "CSV `FILE` to write"}
	return &cli.Command{
		Name:  "export",
		Usage: "write the app's ratings as CSV for data_processing.extra_ratings",
		Flags: []cli.Flag{appDBFlag, out, dbFlag},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return cliapp.Usagef("unexpected argument %q", c.Args().First())
			}
			if _, err := os.Stat(c.String(appDBFlag.Name)); err != nil {
				return fmt.Errorf("app store %s: %w (run the app first: make serve)", c.String(appDBFlag.Name), err)
			}
			// The data's own ratings: a movie rated in the data and again
			// in the app is left out (process refuses a pair twice).
			cat, err := catalog.Load(c.String(dbFlag.Name))
			if err != nil {
				return fmt.Errorf("%w (the export leaves out the movies users rated in the data: build it with make all)", err)
			}
			st, err := appstore.Open(c.String(appDBFlag.Name))
			if err != nil {
				return err
			}
			defer st.Close()
			inData := func(u, m int32) bool {
				for _, r := range cat.Ratings(u) {
					if r.MovieID == m {
						return true
					}
				}
				return false
			}
			n, skipped, err := st.Export(c.String(out.Name), inData)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "serve: %d ratings given in the app -> %s\n", n, c.String(out.Name))
			if skipped > 0 {
				fmt.Fprintf(c.App.Writer, "serve: %d left out: movies the user had rated in the data (the pipeline keeps the data's rating)\n", skipped)
			}
			return nil
		},
	}
}

// searchConfig reads the semantic search weights as `semantic search`
// does: the params files (params.yaml by default, skipped if it does not
// exist and --params was not given) over the index's own config.
func searchConfig(c *cli.Context) (modelset.SearchConfig, error) {
	files := c.StringSlice(cliapp.ParamsFlag.Name)
	if !c.IsSet(cliapp.ParamsFlag.Name) && len(files) > 0 {
		if _, err := os.Stat(files[0]); errors.Is(err, fs.ErrNotExist) {
			files = nil
		}
	}
	p, err := params.Load(files, c.StringSlice(cliapp.SetFlag.Name))
	if err != nil {
		return nil, &cliapp.UsageError{Err: err}
	}
	return func(ix *semantic.Index) (semantic.Config, error) {
		return semantic.DecodeConfig(p, ix.BuildConfig())
	}, nil
}
