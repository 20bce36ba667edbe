package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/synth"
)

func init() {
	register(&cli.Command{
		Name:      "synth",
		Usage:     "write a synthetic MovieLens dataset of any size in a release's exact format",
		UsageText: "pipeline synth --format ml-25m|ml-1m|ml-100k --ratings N --users U --movies M [--seed S] --out DIR",
		Description: `Writes the files of the chosen release's format into --out (replaced as a
whole): ml-25m writes ratings.csv, movies.csv, tags.csv and links.csv (the
layout of ML-20M, ML-25M, ML-32M and ml-latest); ml-1m writes ratings.dat,
movies.dat and users.dat; ml-100k writes u.data, u.item, u.user, u.genre and
u.occupation. Zipf-like movie popularity, heavy-tailed user activity (at
least 20 ratings each), sessions in time, titles with commas, quotes and
non-ASCII letters. The same flags write byte-identical files.

Example: pipeline synth --format ml-25m --ratings 25000000 --users 162000 --movies 59000 --seed 1 --out /tmp/ml-25m-synth`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Usage: "ml-25m, ml-1m or ml-100k", Required: true},
			&cli.IntFlag{Name: "ratings", Usage: "number of ratings", Required: true},
			&cli.IntFlag{Name: "users", Usage: "number of users", Required: true},
			&cli.IntFlag{Name: "movies", Usage: "number of movies", Required: true},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed"},
			&cli.StringFlag{Name: "out", Usage: "output `DIR`", Required: true},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return cliapp.Usagef("synth: unexpected argument %q", c.Args().First())
			}
			cfg := synth.Config{Format: c.String("format"), Ratings: c.Int("ratings"), Users: c.Int("users"),
				Movies: c.Int("movies"), Seed: c.Uint64("seed"), Out: c.String("out")}
			if err := cfg.Validate(); err != nil {
				return cliapp.Usagef("synth: %v", err)
			}
			start := time.Now()
			sum, err := synth.Write(cfg)
			if err != nil {
				return fmt.Errorf("synth: %w", err)
			}
			fmt.Fprintf(c.App.ErrWriter, "pipeline: synth %s: %d ratings, %d users, %d movies, %d tags into %s %v in %.1fs\n",
				cfg.Format, sum.Ratings, sum.Users, sum.Movies, sum.Tags, cfg.Out, sum.Files, time.Since(start).Seconds())
			return nil
		},
	})
}
