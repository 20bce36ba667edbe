package main

import (
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/modelfile"
	"github.com/moviegenie/pipeline/pkg/recommend"
)

var (
	modelFlag     = &cli.StringFlag{Name: "model", Value: "models/bert4rec.bin", Usage: "trained model `FILE` (its kind is read from the file)"}
	userFlag      = &cli.IntFlag{Name: "user", Usage: "recommend for the user with this MovieLens user `ID`"}
	historyFlag   = &cli.StringFlag{Name: "history", Usage: "recommend after these comma-separated MovieLens movie `IDS`, oldest first"}
	kFlag         = &cli.IntFlag{Name: "k", Value: 10, Usage: "number of movies to recommend"}
	jsonFlag      = &cli.BoolFlag{Name: "json", Usage: "print JSON lines instead of a table"}
	processedFlag = &cli.StringFlag{Name: "processed", Value: "data/processed", Usage: "`DIR` holding movies.parquet and sequences.parquet"}
	featuresFlag  = &cli.StringFlag{Name: "features", Value: "data/features", Usage: "`DIR` holding the feature tables"}
)

// extension is what a model's file in this command (bert4rec.go,
// twotower.go, ...) adds in its init function: flags of its own, how they
// fill the query, and which errors of its Recommender are the caller's
// fault (reported as usage errors, exit 2).
type extension struct {
	// flags are added to the command's flags.
	flags []cli.Flag
	// fill sets the Query fields of the extension's flags and reports
	// whether any of them was given (then they form the query, alone or
	// with --user/--history as the model accepts). May be nil.
	fill func(c *cli.Context, q *recommend.Query) (given bool, err error)
	// form names the query form the flags make, for messages, e.g.
	// "--age/--gender/--occupation/--zip".
	form string
	// usageErrors are sentinel errors (errors.Is) of the model's
	// Recommender that mean a bad query.
	usageErrors []error
}

// extensions are appended to by the model files' init functions.
var extensions []extension

func main() { cliapp.Main(newApp()) }

func newApp() *cli.App {
	app := cliapp.NewApp("recommend", "print a trained model's top movies for a user or a viewing history")
	app.UsageText = "recommend [--model FILE] (--user ID | --history ID,ID,...) [-k N] [--json] [--processed DIR] [--features DIR]"
	app.Description = cliapp.Manual(docSource)
	cliapp.NoParams(app) // nothing here is a param: --params/--set would be ignored
	app.Flags = append(app.Flags, modelFlag, userFlag, historyFlag, kFlag, jsonFlag, processedFlag, featuresFlag)
	for _, e := range extensions {
		app.Flags = append(app.Flags, e.flags...)
	}
	app.Action = func(c *cli.Context) error {
		err := run(c)
		if err != nil && isUsage(err) {
			return &cliapp.UsageError{Err: err}
		}
		return err
	}
	return app
}

// run answers one query, writing to c.App.Writer.
func run(c *cli.Context) error {
	if c.NArg() > 0 {
		return cliapp.Usagef("unexpected argument %q (recommend takes flags only)", c.Args().First())
	}
	k := c.Int(kFlag.Name)
	if k < 1 {
		return cliapp.Usagef("-k %d: want at least 1", k)
	}
	q, err := query(c)
	if err != nil {
		return err
	}
	path := c.String(modelFlag.Name)
	kind, err := modelfile.Kind(path)
	if err != nil {
		return err
	}
	paths := recommend.Paths{Processed: c.String(processedFlag.Name), Features: c.String(featuresFlag.Name)}
	movies, err := loadMovies(paths.Processed)
	if err != nil {
		return err
	}
	r, err := recommend.Open(kind, path, paths)
	if err != nil {
		return err
	}
	items, err := r.Recommend(q, k)
	if err != nil {
		return err
	}
	if c.Bool(jsonFlag.Name) {
		return writeJSON(c.App.Writer, items, movies)
	}
	return writeTable(c.App.Writer, items, movies)
}

// query builds the Query from the flags: --user or --history, or an
// extension's flags.
func query(c *cli.Context) (recommend.Query, error) {
	var q recommend.Query
	forms := []string{"--user ID", "--history IDS"}
	given := 0
	if c.IsSet(userFlag.Name) {
		id := c.Int(userFlag.Name)
		if id < 1 || id > 1<<31-1 {
			return q, cliapp.Usagef("--user %d: want a positive MovieLens user id", id)
		}
		q.UserID = int32(id)
		given++
	}
	if c.IsSet(historyFlag.Name) {
		h, err := parseIDs(c.String(historyFlag.Name))
		if err != nil {
			return q, cliapp.Usagef("--history: %v", err)
		}
		q.History = h
		given++
	}
	if given > 1 {
		return q, cliapp.Usagef("give --user or --history, not both")
	}
	for _, e := range extensions {
		if e.form != "" {
			forms = append(forms, e.form)
		}
		if e.fill == nil {
			continue
		}
		ok, err := e.fill(c, &q)
		if err != nil {
			return q, &cliapp.UsageError{Err: err}
		}
		if ok {
			given++
		}
	}
	if given == 0 {
		return q, cliapp.Usagef("nothing to recommend for: give %s", strings.Join(forms, " or "))
	}
	return q, nil
}

// parseIDs parses "50,172,133" (spaces allowed around ids).
func parseIDs(s string) ([]int32, error) {
	var out []int32
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			return nil, fmt.Errorf("%q: empty movie id (want ids separated by commas, e.g. 50,172,133)", s)
		}
		v, err := strconv.ParseInt(f, 10, 32)
		if err != nil || v < 1 {
			return nil, fmt.Errorf("%q is not a movie id (want a positive integer)", f)
		}
		out = append(out, int32(v))
	}
	return out, nil
}

// isUsage reports whether a Recommender error means a bad query.
func isUsage(err error) bool {
	for _, e := range extensions {
		for _, u := range e.usageErrors {
			if errors.Is(err, u) {
				return true
			}
		}
	}
	return false
}

// docSource is this package's doc.go, whose package comment is the manual.
//
//go:embed doc.go
var docSource string
