package process

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/moviegenie/pipeline/pkg/movielens"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// Output file names inside the output directory.
const (
	MoviesFile      = "movies.parquet"
	UsersFile       = "users.parquet"
	RatingsFile     = "ratings.parquet"
	SequencesFile   = "sequences.parquet"
	GenresFile      = "genres.parquet"
	OccupationsFile = "occupations.parquet"
	TagsFile        = "tags.parquet"
)

// OutputFiles lists the tables Run writes, in writing order.
var OutputFiles = []string{MoviesFile, UsersFile, RatingsFile, SequencesFile, GenresFile, OccupationsFile, TagsFile}

// Paths are where a run reads and writes.
type Paths struct {
	Raw     string // raw dataset directory
	Out     string // output directory
	Metrics string // metrics file, written last
}

// Run processes the dataset in paths.Raw under cfg and writes the tables
// and then the metrics. tree is the params tree cfg was decoded from: the
// metrics record its data_processing section as given (nothing when nil).
func Run(cfg Config, paths Paths, tree *params.Params) error {
	rec := runmetrics.Start("process")
	if tree != nil {
		rec.SetParams(tree, Section)
	}
	f, err := movielens.Lookup(cfg.Dataset)
	if err != nil {
		return err
	}
	src, err := source(cfg, paths.Raw, f)
	if err != nil {
		return err
	}
	meta, err := src.LoadMeta()
	if err != nil {
		return err
	}
	for _, c := range meta.Checks {
		rec.AddCheck(c.Name, true, c.Detail)
	}
	d, err := load(cfg, src, meta, rec)
	if err != nil {
		return err
	}
	for _, in := range meta.Inputs {
		rec.Inputs = append(rec.Inputs, runmetrics.FileInfo{Path: in.Path, Bytes: in.Bytes, SHA256: in.SHA256})
	}
	for _, in := range d.inputs {
		rec.Inputs = append(rec.Inputs, runmetrics.FileInfo{Path: in.Path, Bytes: in.Bytes, SHA256: in.SHA256})
	}
	log.Printf("read %s (%s): %d ratings, %d users, %d movies (movies file in %s), %d checks passed",
		paths.Raw, cfg.Dataset, len(d.movie), d.nUsers(), len(meta.Movies), meta.Encoding, len(rec.Checks))

	if err := d.kcore(cfg, rec); err != nil {
		return err
	}
	if cfg.HeldOut == HeldOutValidation {
		if err := d.dropTest(cfg, rec); err != nil {
			return err
		}
	}
	sum, err := d.split(cfg)
	if err != nil {
		return err
	}
	rec.AddCheck("split consistent", true, fmt.Sprintf("%s: every user has a test part; train + validation + test = %d interactions", sum.Method, len(d.movie)))
	rec.Figures["split"] = sum
	log.Printf("split %s: %d users; train %d, validation %d, test %d", sum.Method, sum.Users, sum.Train, sum.Validation, sum.Test)

	n, err := d.write(cfg, meta, paths.Out, rec)
	if err != nil {
		return err
	}
	rec.Rows["train"] = int64(sum.Train)
	rec.Rows["validation"] = int64(sum.Validation)
	rec.Rows["test"] = int64(sum.Test)
	rec.Figures["dataset"] = cfg.Dataset
	rec.Figures["held_out"] = cfg.HeldOut
	rec.Figures["u_item_encoding"] = meta.Encoding
	if err := rec.Finish(paths.Metrics); err != nil {
		return err
	}
	log.Printf("wrote %d tables to %s and %s in %.2fs (peak RSS %d MiB)", n, paths.Out, paths.Metrics, rec.WallSeconds, runmetrics.PeakRSS()>>20)
	return nil
}

// source locates the dataset's files; the csv dataset's may be renamed by
// params, relative to the raw directory or absolute.
func source(cfg Config, raw string, f *movielens.Format) (*movielens.Source, error) {
	if f.Syntax == movielens.SyntaxOwn {
		resolve := func(name string) string {
			if !filepath.IsAbs(name) {
				return name
			}
			absRaw, err := filepath.Abs(raw)
			if err != nil {
				return name
			}
			if rel, err := filepath.Rel(absRaw, name); err == nil {
				return rel
			}
			return name
		}
		for _, c := range []struct {
			dst *string
			val string
		}{{&f.Ratings, cfg.RatingsFile}, {&f.Movies, cfg.MoviesFile}, {&f.Users, cfg.UsersFile}} {
			if c.val != "" {
				*c.dst = resolve(c.val)
			}
		}
	}
	return movielens.NewSource(raw, f)
}

// data is the ratings, as compact arrays grouped by user.
type data struct {
	// users: raw ids by dense index; userOrder: dense indices sorted by raw id.
	userIDs []int32
	// start[u] .. start[u+1] are the ratings of the u-th user in id order.
	start []int64
	// Per rating, grouped by user, each user's ordered by (time, movie id).
	movie  []int32 // dense movie index (position in meta.Movies)
	rating []float32
	time   []uint32 // Unix seconds
	// movieIDs: raw id of each dense movie index.
	movieIDs []int32
	// order: dense user index of the u-th user in id order.
	order []int32
	// Split results, per kept rating and user.
	nTrain, nVal, nTest []int32
	inputs              []movielens.Input
}

func (d *data) nUsers() int { return len(d.userIDs) }

// ratingsFile is one file of ratings to read: the dataset's, then the
// extra one.
type ratingsFile struct {
	path   string
	format *movielens.Format
	open   func(*movielens.Input) (io.ReadCloser, error)
}

// load streams every ratings file into arrays, checks references and
// duplicates, groups by user and orders each user's ratings.
func load(cfg Config, src *movielens.Source, meta *movielens.Meta, rec *runmetrics.Run) (*data, error) {
	d := &data{}
	movieIdx := make(map[int32]int32, len(meta.Movies))
	for i, m := range meta.Movies {
		movieIdx[m.MovieID] = int32(i)
		d.movieIDs = append(d.movieIDs, m.MovieID)
	}
	var known map[int32]bool // users of the users file, if any
	if meta.Users != nil {
		known = make(map[int32]bool, len(meta.Users))
		for _, u := range meta.Users {
			known[u.UserID] = true
		}
	}
	strictUsers := src.Format.Demographics() // ML-100K, ML-1M: every rater is in the users file
	userIdx := make(map[int32]int32, 1024)
	files := []ratingsFile{{src.Ratings, src.Format, src.OpenRatings}}
	if cfg.ExtraRatings != "" {
		own, _ := movielens.Lookup(movielens.CSV)
		path := cfg.ExtraRatings
		files = append(files, ratingsFile{path, own, func(in *movielens.Input) (io.ReadCloser, error) {
			s := &movielens.Source{Ratings: path}
			return s.OpenRatings(in)
		}})
	}
	// Capacity from the file sizes: every rating line is at least 16 bytes,
	// so this never regrows; pages not written to cost no memory.
	var total int64
	for _, rf := range files {
		st, err := os.Stat(rf.path)
		if err != nil {
			return nil, fmt.Errorf("read raw file: %w", err)
		}
		total += st.Size()
	}
	capacity := int(total/16) + 16
	users := make([]int32, 0, capacity)
	movies := make([]int32, 0, capacity)
	ratings := make([]float32, 0, capacity)
	times := make([]uint32, 0, capacity)
	// firstLine[k]: the line of the first rating of file k, to name lines.
	type span struct {
		path       string
		from, line int
	}
	var spans []span
	for k, rf := range files {
		var in movielens.Input
		r, err := rf.open(&in)
		if err != nil {
			return nil, err
		}
		from := len(users)
		first := 0
		err = movielens.ScanRatings(rf.path, r, rf.format, func(line int, row movielens.RatingRow) error {
			if first == 0 {
				first = line
			}
			m, ok := movieIdx[row.Movie]
			if !ok {
				return &movielens.LineError{File: rf.path, Line: line, Msg: fmt.Sprintf("movie %d: not in %s", row.Movie, filepath.Base(src.Movies))}
			}
			u, ok := userIdx[row.User]
			if !ok {
				if strictUsers && k == 0 && !known[row.User] {
					return &movielens.LineError{File: rf.path, Line: line, Msg: fmt.Sprintf("user %d: not in %s", row.User, filepath.Base(src.Users))}
				}
				u = int32(len(d.userIDs))
				userIdx[row.User] = u
				d.userIDs = append(d.userIDs, row.User)
			}
			users = append(users, u)
			movies = append(movies, m)
			ratings = append(ratings, row.Rating)
			times = append(times, uint32(row.Time))
			return nil
		})
		r.Close()
		if err != nil {
			return nil, err
		}
		d.inputs = append(d.inputs, in)
		spans = append(spans, span{rf.path, from, first})
	}
	n := len(users)
	if n == 0 {
		return nil, errors.New("no ratings")
	}
	if n > math.MaxInt32 {
		return nil, fmt.Errorf("%d ratings: at most %d", n, math.MaxInt32)
	}
	// Users in id order, then a counting sort of the ratings by user
	// (stable: each user's ratings stay in file order).
	d.order = make([]int32, len(d.userIDs))
	for i := range d.order {
		d.order[i] = int32(i)
	}
	slices.SortFunc(d.order, func(a, b int32) int { return cmp.Compare(d.userIDs[a], d.userIDs[b]) })
	rank := make([]int32, len(d.userIDs))
	for r, u := range d.order {
		rank[u] = int32(r)
	}
	d.start = make([]int64, len(d.userIDs)+1)
	for _, u := range users {
		d.start[rank[u]+1]++
	}
	for r := range d.order {
		d.start[r+1] += d.start[r]
	}
	fill := slices.Clone(d.start[:len(d.order)])
	d.movie = make([]int32, n)
	d.rating = make([]float32, n)
	d.time = make([]uint32, n)
	for i, u := range users {
		p := fill[rank[u]]
		fill[rank[u]]++
		d.movie[p], d.rating[p], d.time[p] = movies[i], ratings[i], times[i]
	}
	// Duplicates: a (user, movie) pair seen twice. lastUser[m] is the rank+1
	// of the last user seen rating m.
	lastUser := make([]int32, len(meta.Movies))
	for r := range d.order {
		for p := d.start[r]; p < d.start[r+1]; p++ {
			m := d.movie[p]
			if lastUser[m] == int32(r+1) {
				// Name the lines: find the user's ratings of m in file order.
				var at []int
				for i := range n {
					if users[i] == d.order[r] && movies[i] == m {
						at = append(at, i)
					}
				}
				where := func(i int) (string, int) {
					for k := len(spans) - 1; k >= 0; k-- {
						if i >= spans[k].from {
							return spans[k].path, spans[k].line + i - spans[k].from
						}
					}
					return "", 0
				}
				f1, l1 := where(at[0])
				f2, l2 := where(at[1])
				return nil, &movielens.LineError{File: f2, Line: l2, Msg: fmt.Sprintf("duplicate rating of movie %d by user %d (first at %s:%d)", d.movieIDs[m], d.userIDs[d.order[r]], f1, l1)}
			}
			lastUser[m] = int32(r + 1)
		}
	}
	users, movies, ratings, times = nil, nil, nil, nil
	for _, in := range d.inputs {
		rec.AddCheck(filepath.Base(in.Path)+" schema, integers and ranges", true, "every line has 4 fields; ids positive integers; ratings and timestamps in range")
	}
	rec.AddCheck("ratings referential integrity", true, fmt.Sprintf("every rating's movie is in the movies file (%d movies)%s", len(meta.Movies),
		map[bool]string{true: fmt.Sprintf(" and user in the users file (%d users)", len(meta.Users)), false: ""}[strictUsers]))
	rec.AddCheck("ratings unique (user, movie) pairs", true, fmt.Sprintf("%d distinct pairs", n))
	minT, maxT := uint32(math.MaxUint32), uint32(0)
	for _, t := range d.time {
		minT, maxT = min(minT, t), max(maxT, t)
	}
	rec.AddCheck("ratings timestamps plausible", true, fmt.Sprintf("%s..%s UTC, within 1990-01-01..tomorrow", day(minT), day(maxT)))
	rec.Rows["raw_ratings"] = int64(n)
	rec.Rows["raw_users"] = int64(max(len(meta.Users), len(d.userIDs)))
	rec.Rows["raw_movies"] = int64(len(meta.Movies))
	d.sortUsers()
	return d, nil
}

// sortUsers orders each user's ratings by (time, movie id, rating).
func (d *data) sortUsers() {
	type key struct {
		t      uint32
		id     int32
		m      int32
		rating float32
	}
	var buf []key
	for r := range d.order {
		lo, hi := d.start[r], d.start[r+1]
		buf = buf[:0]
		for p := lo; p < hi; p++ {
			buf = append(buf, key{d.time[p], d.movieIDs[d.movie[p]], d.movie[p], d.rating[p]})
		}
		slices.SortFunc(buf, func(a, b key) int {
			if a.t != b.t {
				return cmp.Compare(a.t, b.t)
			}
			return cmp.Compare(a.id, b.id) // (user, movie) pairs are unique
		})
		for i, k := range buf {
			p := lo + int64(i)
			d.time[p], d.movie[p], d.rating[p] = k.t, k.m, k.rating
		}
	}
}
