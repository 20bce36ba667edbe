package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/recommend"
	"github.com/moviegenie/pipeline/pkg/semantic"
)

var (
	kFlag          = &cli.IntFlag{Name: "k", Value: 10, Usage: "results per query (at least 1)"}
	jsonFlag       = &cli.BoolFlag{Name: "json", Usage: "one JSON object per result instead of a table"}
	userFlag       = &cli.Int64Flag{Name: "user", Usage: "blend in user `ID`'s model scores and leave out the movies the user rated"}
	indexFlag      = &cli.StringFlag{Name: "index", Value: "models/semantic.bin", Usage: "search index `FILE`"}
	modelFlag      = &cli.StringFlag{Name: "model", Value: "models/bert4rec.bin", Usage: "model `FILE` for --user"}
	searchProcFlag = &cli.StringFlag{Name: "processed", Value: "data/processed", Usage: "`DIR` holding ratings.parquet and sequences.parquet (for --user)"}
	searchFeatFlag = &cli.StringFlag{Name: "features", Value: "data/features", Usage: "`DIR` data/features (for models that read it)"}
)

// maxLine bounds a line of stdin; longer lines are a usage error (a query
// is at most semantic.MaxQueryBytes anyway).
const maxLine = 1 << 20

func searchCommand(stdin io.Reader, stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "search",
		Usage:     "print the best movies for a query (or for each line of stdin)",
		UsageText: `semantic search ["QUERY"] [-k N] [--json] [--user ID] [--index FILE] [--model FILE]`,
		Flags:     []cli.Flag{kFlag, jsonFlag, userFlag, indexFlag, modelFlag, searchProcFlag, searchFeatFlag},
		Action: func(c *cli.Context) error {
			return search(c, stdin, stdout, stderr)
		},
	}
}

// search runs the search command: usage checks first, then the index, the
// user's scores, and the queries.
func search(c *cli.Context, stdin io.Reader, stdout, stderr io.Writer) error {
	k := c.Int(kFlag.Name)
	if k < 1 {
		return cliapp.Usagef("-k %d: want at least 1", k)
	}
	for _, f := range []*cli.StringFlag{indexFlag, modelFlag, searchProcFlag, searchFeatFlag} {
		if c.String(f.Name) == "" {
			return cliapp.Usagef("--%s must not be empty", f.Name)
		}
	}
	var query string
	if c.NArg() > 0 {
		query = strings.Join(c.Args().Slice(), " ")
		if err := semantic.CheckQuery(query); err != nil {
			return &cliapp.UsageError{Err: err}
		}
	} else if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return cliapp.Usagef("no query: give one as an argument, or one per line on stdin")
		}
	}
	var userID int32
	if c.IsSet(userFlag.Name) {
		id := c.Int64(userFlag.Name)
		if id < 1 || id > math.MaxInt32 {
			return &cliapp.UsageError{Err: fmt.Errorf("%w %d: user ids are positive integers", semantic.ErrUnknownUser, id)}
		}
		userID = int32(id)
	}

	ix, err := semantic.Load(c.String(indexFlag.Name))
	if err != nil {
		return err
	}
	cfg, err := searchConfig(c, ix)
	if err != nil {
		return err
	}
	for _, d := range cfg.BuildDiffers(ix.BuildConfig()) {
		fmt.Fprintf(stderr, "semantic: note: %s: rebuild with make models/semantic.bin\n", d)
	}
	opt := semantic.Options{K: k}
	if userID != 0 {
		if opt.Personal, err = personal(c, userID); err != nil {
			return err
		}
	}

	answer := func(q string) error {
		resp, err := ix.Search(q, cfg, opt)
		if err != nil {
			return err
		}
		if c.Bool(jsonFlag.Name) {
			if len(resp.Results) == 0 {
				fmt.Fprintf(stderr, "semantic: no movie matches %q\n", q)
			}
			return semantic.WriteJSON(stdout, resp)
		}
		return semantic.WriteTable(stdout, resp)
	}
	if query != "" {
		return answer(query)
	}

	// A bad line is reported with its number and the batch goes on; the
	// exit status says that some failed (2 if every failure was a bad
	// query, 1 if any other error).
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	n, answered, badQueries, failed := 0, 0, 0, 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		if err := semantic.CheckQuery(line); err != nil {
			fmt.Fprintf(stderr, "semantic: stdin line %d: %v\n", n, err)
			badQueries++
			continue
		}
		if answered > 0 && !c.Bool(jsonFlag.Name) {
			fmt.Fprintln(stdout)
		}
		if err := answer(line); err != nil {
			fmt.Fprintf(stderr, "semantic: stdin line %d: %v\n", n, err)
			failed++
			continue
		}
		answered++
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return cliapp.Usagef("stdin line %d: longer than %d bytes (a query is at most %d); the lines before it were answered", n+1, maxLine, semantic.MaxQueryBytes)
		}
		return fmt.Errorf("read stdin: %w", err)
	}
	switch {
	case failed > 0:
		return fmt.Errorf("%d of %d stdin queries failed (each reported above)", failed+badQueries, failed+badQueries+answered)
	case badQueries > 0:
		return cliapp.Usagef("%d of %d stdin queries are not valid queries (each reported above)", badQueries, badQueries+answered)
	}
	if answered == 0 {
		return cliapp.Usagef("no query: stdin has no non-blank line (give a query as an argument, or one per line on stdin)")
	}
	return nil
}

// searchConfig reads the weights from the params (the semantic_search
// section over the index's own config). When --params is not given and
// the default params.yaml does not exist, the index's config is used,
// with any --set overrides.
func searchConfig(c *cli.Context, ix *semantic.Index) (semantic.Config, error) {
	files := c.StringSlice(cliapp.ParamsFlag.Name)
	if !c.IsSet(cliapp.ParamsFlag.Name) {
		if _, err := os.Stat(files[0]); errors.Is(err, fs.ErrNotExist) {
			files = nil
		}
	}
	p, err := params.Load(files, c.StringSlice(cliapp.SetFlag.Name))
	if err != nil {
		return semantic.Config{}, &cliapp.UsageError{Err: err}
	}
	return semantic.DecodeConfig(p, ix.BuildConfig())
}

// personal loads what --user needs: the model (which must exist), the
// user's rated movies (an unknown user is a usage error) and the model's
// scores for the user.
func personal(c *cli.Context, userID int32) (*semantic.Personal, error) {
	model := c.String(modelFlag.Name)
	if err := semantic.CheckModel(model); err != nil {
		return nil, err
	}
	processed := c.String(searchProcFlag.Name)
	rated, err := semantic.RatedMovies(filepath.Join(processed, "ratings.parquet"), userID)
	if errors.Is(err, semantic.ErrUnknownUser) {
		return nil, &cliapp.UsageError{Err: err}
	}
	if err != nil {
		return nil, err
	}
	scores, err := semantic.PersonalScores(model, recommend.Paths{Processed: processed, Features: c.String(searchFeatFlag.Name)}, userID)
	if err != nil {
		return nil, err
	}
	return &semantic.Personal{Scores: scores, Exclude: rated}, nil
}
