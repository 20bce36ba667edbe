package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/rawdata"
)

func init() {
	register(&cli.Command{
		Name:  "fetch-data",
		Usage: "provide the raw MovieLens 100K files in --out, verified against --checksums",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Value: "data/raw/ml-100k", Usage: "directory the raw files go to"},
			&cli.StringFlag{Name: "from", Usage: "copy from this existing ml-100k folder instead of downloading"},
			&cli.StringFlag{Name: "checksums", Value: "checksums/ml-100k.sha256", Usage: "committed SHA-256 sums"},
			&cli.StringFlag{Name: "url", Value: rawdata.OfficialURL, Usage: "download address"},
		},
		Action: func(c *cli.Context) error {
			sums, err := rawdata.ReadSums(c.String("checksums"))
			if err != nil {
				return err
			}
			dir := c.String("out")
			if from := c.String("from"); from != "" {
				if err := rawdata.CopyFrom(from, dir, sums); err != nil {
					return fmt.Errorf("copy MovieLens 100K from %s: %w", from, err)
				}
				fmt.Fprintf(c.App.ErrWriter, "pipeline: copied and verified %d files from %s into %s\n", len(sums), from, dir)
				return nil
			}
			url := c.String("url")
			if err := rawdata.Download(c.Context, url, dir, sums); err != nil {
				return fmt.Errorf(`could not download MovieLens 100K (%v).
The pipeline needs the raw files in %s, verified against %s. Either
connect to the network and run make again (it downloads %s), or
point it at a copy you already have: make all ML100K_DIR=/path/to/ml-100k
(a folder holding u.data, u.item, u.user, u.genre, u.occupation and README; it
is checked against the same checksums and copied).`, err, dir, c.String("checksums"), url)
			}
			fmt.Fprintf(c.App.ErrWriter, "pipeline: downloaded and verified %d files into %s\n", len(sums), dir)
			return nil
		},
	})
}
