package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/movielens"
	"github.com/moviegenie/pipeline/pkg/rawdata"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

func init() {
	register(&cli.Command{
		Name:  "fetch-data",
		Usage: "provide a dataset's raw files in --out, downloaded from GroupLens or copied with --from, verified against checksums/",
		Description: `Every release is checked against what checksums/ records for it
(checksums/README.md says where each value comes from): ml-100k file by
file (SHA-256), the other releases by the MD5 GroupLens publishes for
its zip, which checks a download but not a copy. A dataset with nothing
recorded to check against (ml-32m, ml-latest, ml-latest-small, a copy of
any release but ml-100k, csv) is refused unless --unverified is given.
This is the pipeline's data stage: with --metrics it records the run like
any stage (metrics/data.json: the files and their checksums, the time
taken), written last.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "dataset", Value: movielens.ML100K, Usage: "which dataset (" + fmt.Sprint(movielens.Names()) + ")"},
			&cli.StringFlag{Name: "out", Value: "data/raw/ml-100k", Usage: "directory the raw files go to"},
			&cli.StringFlag{Name: "from", Usage: "copy from this existing unpacked folder instead of downloading"},
			&cli.StringFlag{Name: "checksums", Usage: "per-file SHA-256 sums (default checksums/DATASET.sha256 when it exists)"},
			&cli.StringFlag{Name: "url", Usage: "download address (default " + rawdata.BaseURL + "DATASET.zip)"},
			&cli.BoolFlag{Name: "unverified", Usage: "accept a dataset that has no recorded checksum to verify against"},
			&cli.StringFlag{Name: "metrics", Usage: "write the stage's metrics file here (written last)"},
		},
		Action: func(c *cli.Context) error {
			rec := runmetrics.Start("data")
			f, err := movielens.Lookup(c.String("dataset"))
			if err != nil {
				return cliapp.Usagef("fetch-data --dataset: %v", err)
			}
			r := rawdata.Release{Name: f.Name, Files: f.Files(), ZipDir: f.ZipDir, Unverified: c.Bool("unverified")}
			sumsPath := c.String("checksums")
			if sumsPath == "" {
				if p := filepath.Join("checksums", f.Name+".sha256"); exists(p) {
					sumsPath = p
				}
			}
			if sumsPath != "" {
				if r.Sums, err = rawdata.ReadSums(sumsPath); err != nil {
					return err
				}
				r.Files = r.Sums.Names()
			}
			if p := filepath.Join("checksums", f.Name+".zip.md5"); exists(p) {
				if r.ZipMD5, err = rawdata.ReadMD5(p); err != nil {
					return err
				}
			}
			dir := c.String("out")
			if from := c.String("from"); from != "" && f.Syntax == movielens.SyntaxOwn && !exists(filepath.Join(from, f.Users)) {
				r.Files = slices.DeleteFunc(r.Files, func(n string) bool { return n == f.Users }) // users.csv is optional
			}
			if from := c.String("from"); from != "" {
				if err := rawdata.CopyRelease(from, dir, r); err != nil {
					return fmt.Errorf("copy %s from %s: %w", f.Name, from, err)
				}
				how := "verified"
				if r.Sums == nil {
					how = "NOT verified (--unverified)"
				}
				fmt.Fprintf(c.App.ErrWriter, "pipeline: copied %d files of %s from %s into %s, %s\n", len(r.Files), f.Name, from, dir, how)
				return writeDataMetrics(rec, c.String("metrics"), sumsPath, dir, r.Files)
			}
			if f.Zip == "" {
				return cliapp.Usagef("fetch-data: dataset %s is your own data: give its folder with --from (make all DATA_DIR=...)", f.Name)
			}
			url := c.String("url")
			if url == "" {
				url = rawdata.BaseURL + f.Zip
			}
			if err := rawdata.DownloadRelease(c.Context, url, dir, r); err != nil {
				return fmt.Errorf(`could not provide %s (%v).
The pipeline needs the raw files in %s. Either connect to the network and
run make again (it downloads %s), or point it at a copy you already have:
make all DATA_DIR=/path/to/%s (ML100K_DIR=... for ml-100k); it is checked
against checksums/ where they record the files, and copied.`, f.Name, err, dir, url, f.ZipDir)
			}
			fmt.Fprintf(c.App.ErrWriter, "pipeline: downloaded %s, verified, %d files into %s\n", f.Name, len(r.Files), dir)
			return writeDataMetrics(rec, c.String("metrics"), sumsPath, dir, r.Files)
		},
	})
}

// writeDataMetrics records the data stage's run in path (nothing when path
// is empty): the checksums file it verified against, the files it provided.
func writeDataMetrics(rec *runmetrics.Run, path, sumsPath, dir string, files []string) error {
	if path == "" {
		return nil
	}
	rec.Params = map[string]any{}
	if sumsPath != "" {
		if err := rec.AddInput(sumsPath); err != nil {
			return err
		}
	}
	for _, name := range files {
		if err := rec.AddOutput(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	rec.Rows["files"] = int64(len(files))
	return rec.Finish(path)
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }
