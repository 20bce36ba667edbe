package main

import (
	"errors"
	"fmt"
	"log"
	"path/filepath"
	"slices"

	"github.com/moviegenie/pipeline/pkg/movielens"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/split"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// Output file names inside --out.
const (
	moviesFile      = "movies.parquet"
	usersFile       = "users.parquet"
	ratingsFile     = "ratings.parquet"
	sequencesFile   = "sequences.parquet"
	genresFile      = "genres.parquet"
	occupationsFile = "occupations.parquet"
)

// config is one run of the stage.
type config struct {
	Raw     string // raw dataset directory
	Out     string // output directory
	Metrics string // metrics file
	Params  Params // the data_processing section, decoded and validated
	// Tree is the whole params tree Params came from: the metrics record
	// its data_processing section as given (runmetrics.SetParams).
	Tree *params.Params
}

// result is everything the stage writes, computed before anything is.
type result struct {
	movies      []tables.Movie
	users       []tables.User
	ratings     []tables.Rating
	sequences   []tables.Sequence
	genres      []tables.Genre
	occupations []tables.Occupation
}

// run reads and validates the raw files, filters, orders and splits the
// interactions, and only then writes the tables and, last, the metrics.
func run(cfg config) error {
	rec := runmetrics.Start("process")
	rec.SetParams(cfg.Tree, section)

	ds, err := movielens.Load(cfg.Raw)
	if err != nil {
		return err
	}
	for _, in := range ds.Inputs {
		rec.Inputs = append(rec.Inputs, runmetrics.FileInfo{Path: in.Path, Bytes: in.Bytes, SHA256: in.SHA256})
	}
	for _, c := range ds.Checks {
		rec.AddCheck(c.Name, true, c.Detail)
	}
	log.Printf("read %s: %d ratings, %d users, %d movies (u.item in %s), %d checks passed",
		cfg.Raw, len(ds.Ratings), len(ds.Users), len(ds.Movies), ds.Encoding, len(ds.Checks))

	res, err := process(ds, cfg.Params, rec)
	if err != nil {
		return err
	}

	outputs := []struct {
		name  string
		write func(path string) error
	}{
		{moviesFile, func(p string) error { return tables.Write(p, res.movies) }},
		{usersFile, func(p string) error { return tables.Write(p, res.users) }},
		{ratingsFile, func(p string) error { return tables.WriteRatings(p, res.ratings, 0) }},
		{sequencesFile, func(p string) error { return tables.WriteSequences(p, res.sequences) }},
		{genresFile, func(p string) error { return tables.Write(p, res.genres) }},
		{occupationsFile, func(p string) error { return tables.Write(p, res.occupations) }},
	}
	for _, o := range outputs {
		path := filepath.Join(cfg.Out, o.name)
		if err := o.write(path); err != nil {
			return err
		}
		if err := rec.AddOutput(path); err != nil {
			return err
		}
	}
	if err := rec.Finish(cfg.Metrics); err != nil {
		return err
	}
	log.Printf("wrote %d tables to %s and %s in %.2fs", len(outputs), cfg.Out, cfg.Metrics, rec.WallSeconds)
	return nil
}

// process computes every output table from the dataset and records counts,
// figures and checks in rec.
func process(ds *movielens.Dataset, p Params, rec *runmetrics.Run) (*result, error) {
	before := split.CountOf(ds.Ratings)
	kept, iters := split.KCore(ds.Ratings, p.MinRatingsPerUser, p.MinRatingsPerMovie)
	after := iters[len(iters)-1].Out
	rec.Figures["kcore"] = map[string]any{
		"min_ratings_per_user":  p.MinRatingsPerUser,
		"min_ratings_per_movie": p.MinRatingsPerMovie,
		"before":                before,
		"after":                 after,
		"iterations":            iters,
	}
	log.Printf("k-core (users >= %d, movies >= %d): %d iterations; users %d -> %d, movies %d -> %d, interactions %d -> %d",
		p.MinRatingsPerUser, p.MinRatingsPerMovie, len(iters),
		before.Users, after.Users, before.Movies, after.Movies, before.Interactions, after.Interactions)
	if len(kept) == 0 {
		return nil, fmt.Errorf("k-core left no interactions (min_ratings_per_user=%d, min_ratings_per_movie=%d): lower them or check %s",
			p.MinRatingsPerUser, p.MinRatingsPerMovie, movielens.DataFile)
	}
	if err := checkKCore(kept, p); err != nil {
		return nil, err
	}
	rec.AddCheck("k-core fixed point", true, fmt.Sprintf("every kept user has >= %d interactions and every kept movie >= %d", p.MinRatingsPerUser, p.MinRatingsPerMovie))

	split.Order(kept)
	seqs, sum, err := split.Assign(kept, p.Split, p.TestSplitRatio)
	if err != nil {
		return nil, err
	}
	if err := checkSplit(seqs, sum); err != nil {
		return nil, err
	}
	rec.AddCheck("split consistent", true, fmt.Sprintf("%s: every user has a test part; train + validation + test = %d interactions", sum.Method, len(kept)))
	rec.Figures["split"] = sum
	log.Printf("split %s: %d users; train %d, validation %d, test %d", sum.Method, sum.Users, sum.Train, sum.Validation, sum.Test)

	keptUser := map[int32]bool{}
	keptMovie := map[int32]bool{}
	for _, r := range kept {
		keptUser[r.UserID] = true
		keptMovie[r.MovieID] = true
	}
	res := &result{ratings: kept, sequences: seqs}
	for _, m := range ds.Movies {
		if keptMovie[m.MovieID] {
			res.movies = append(res.movies, m)
		}
	}
	slices.SortFunc(res.movies, func(a, b tables.Movie) int { return int(a.MovieID) - int(b.MovieID) })
	for _, u := range ds.Users {
		if keptUser[u.UserID] {
			res.users = append(res.users, u)
		}
	}
	slices.SortFunc(res.users, func(a, b tables.User) int { return int(a.UserID) - int(b.UserID) })
	for i, g := range ds.Genres {
		res.genres = append(res.genres, tables.Genre{GenreID: int32(i), Name: g})
	}
	for i, o := range ds.Occupations {
		res.occupations = append(res.occupations, tables.Occupation{OccupationID: int32(i), Name: o})
	}
	if len(res.movies) != len(keptMovie) || len(res.users) != len(keptUser) {
		return nil, errors.New("internal error: a kept rating refers to a user or movie missing from the raw files")
	}

	rec.Rows["raw_ratings"] = int64(len(ds.Ratings))
	rec.Rows["raw_users"] = int64(len(ds.Users))
	rec.Rows["raw_movies"] = int64(len(ds.Movies))
	rec.Rows["movies"] = int64(len(res.movies))
	rec.Rows["users"] = int64(len(res.users))
	rec.Rows["ratings"] = int64(len(res.ratings))
	rec.Rows["sequences"] = int64(len(res.sequences))
	rec.Rows["genres"] = int64(len(res.genres))
	rec.Rows["occupations"] = int64(len(res.occupations))
	rec.Rows["train"] = int64(sum.Train)
	rec.Rows["validation"] = int64(sum.Validation)
	rec.Rows["test"] = int64(sum.Test)
	// density: the share of the kept user x movie matrix that is rated.
	rec.Figures["density"] = float64(len(kept)) / (float64(len(res.users)) * float64(len(res.movies)))
	rec.Figures["u_item_encoding"] = ds.Encoding
	return res, nil
}

// checkKCore re-counts the kept interactions: a failure is a bug in KCore.
func checkKCore(kept []tables.Rating, p Params) error {
	users, movies := map[int32]int{}, map[int32]int{}
	for _, r := range kept {
		users[r.UserID]++
		movies[r.MovieID]++
	}
	for u, n := range users {
		if n < p.MinRatingsPerUser {
			return fmt.Errorf("internal error: k-core kept user %d with %d interactions", u, n)
		}
	}
	for m, n := range movies {
		if n < p.MinRatingsPerMovie {
			return fmt.Errorf("internal error: k-core kept movie %d with %d interactions", m, n)
		}
	}
	return nil
}

// checkSplit verifies that every user has a test part and that the parts
// add up: a failure is a bug in split.
func checkSplit(seqs []tables.Sequence, sum split.Summary) error {
	for _, s := range seqs {
		if s.NTest < 1 || int(s.NTrain+s.NVal+s.NTest) != len(s.MovieIDs) {
			return fmt.Errorf("internal error: user %d split %d/%d/%d of %d interactions", s.UserID, s.NTrain, s.NVal, s.NTest, len(s.MovieIDs))
		}
	}
	if sum.Users != len(seqs) {
		return fmt.Errorf("internal error: split summary counts %d users, %d sequences", sum.Users, len(seqs))
	}
	return nil
}
