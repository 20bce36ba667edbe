package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" database/sql driver

	"github.com/moviegenie/pipeline/pkg/atomicfile"
	"github.com/moviegenie/pipeline/pkg/params"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// Options are the tunable parts of a build: the params.yaml section
// database. The tags give each key, its default and its range (pkg/params).
type Options struct {
	// FavouriteGenres is how many genres user_stats.favourite_genres
	// keeps per user.
	FavouriteGenres int `yaml:"favourite_genres" default:"3" range:"[1,100]" doc:"genres listed per user in user_stats.favourite_genres"`
	// LikedRating is the lowest rating that counts as liking a movie for
	// favourite_genres.
	LikedRating int `yaml:"liked_rating" default:"4" range:"[1,5]" doc:"a rating at least this counts towards favourite genres"`
	// FullCheckRows is the most rows a table may have for the build to
	// verify it with PRAGMA integrity_check and foreign_key_check. Both
	// look every row up in each index and parent table: at 25M ratings
	// they took three quarters of the build. A larger table gets PRAGMA
	// quick_check (every page, key order, NOT NULL, CHECK and types) and
	// each of its indexes has its entries counted against the table's
	// rows; its references were checked row by row in Go as it loaded.
	FullCheckRows int `yaml:"full_check_rows" default:"1000000" range:"[0,2000000000]" doc:"tables with more rows are verified by quick_check, index entry counts and the load's own reference checks instead of integrity_check and foreign_key_check"`
}

// ParamsSection is the params.yaml section of the database build.
const ParamsSection = "database"

// DefaultOptions returns the options of every key params.yaml leaves out.
func DefaultOptions() Options {
	var o Options
	params.DefaultsOf(&o)
	return o
}

// Validate reports an option out of range.
func (o Options) Validate() error { return params.CheckFields(ParamsSection, o) }

// Result describes a finished build.
type Result struct {
	// Rows is the number of rows of each table in the new database.
	Rows map[string]int64
	// Inputs are the files read, with their checksums.
	Inputs []runmetrics.FileInfo
	// Checks are the verifications run on the database before it was
	// committed (all passed, or Build would have failed).
	Checks []runmetrics.Check
	// Models are the served models, in load order: those with
	// recommendations (sorted), then those with only vectors.
	Models []string
	// Timings are the wall seconds of each phase: "processed" (waiting
	// for and inserting data/processed), "models", "pipeline_runs",
	// "index", "stats", "meta", "commit", "verify" (its checks run side
	// by side: "integrity_check" and "foreign_key_check" are the sums of
	// their per-table seconds), "sync" and "total".
	Timings map[string]float64
}

// Build writes the database at path from the inputs. It builds a new
// database in a temporary file next to path, loads it in one transaction,
// verifies it (PRAGMA integrity_check, PRAGMA foreign_key_check, each
// table's row count against its inputs) and only then renames it over path.
// On any error, or if ctx is cancelled, the temporary file is removed and
// the database at path is left as it was; the error names the file and row
// at fault. logf, if not nil, receives progress lines.
//
// Temporary files left by a killed build (".<name>.tmp-*" next to path) are
// removed first: builds of the same path must not run concurrently.
func Build(ctx context.Context, path string, in Inputs, opt Options, logf func(string, ...any)) (*Result, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if logf == nil {
		logf = func(string, ...any) {}
	}
	removeStale(path, logf)
	tmp, err := atomicfile.TempPath(path)
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			for _, p := range []string{tmp, tmp + "-journal", tmp + "-wal", tmp + "-shm"} {
				os.Remove(p)
			}
		}
	}()
	b := &builder{ctx: ctx, opt: opt, logf: logf, res: &Result{
		Rows:    map[string]int64{},
		Models:  []string{},
		Timings: map[string]float64{},
	}, want: map[string]int64{}}
	if err := b.run(tmp, in); err != nil {
		return nil, err
	}
	t := time.Now()
	if err := syncFile(tmp); err != nil {
		return nil, err
	}
	b.res.Timings["sync"] = time.Since(t).Seconds()
	if err := atomicfile.Commit(tmp, path); err != nil {
		return nil, err
	}
	committed = true
	return b.res, nil
}

// removeStale deletes temporary databases left next to path by killed builds.
func removeStale(path string, logf func(string, ...any)) {
	stale, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
	for _, p := range stale {
		if os.Remove(p) == nil {
			logf("removed %s, left by an interrupted build", p)
		}
	}
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return f.Close()
}

// Open opens a database built by Build, read-only, with foreign keys
// enforced, and checks its schema version.
func Open(path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db, err := sql.Open("sqlite3", fileURI(path)+"?mode=ro&_foreign_keys=on")
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	var v string
	if err := db.QueryRow(`SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&v); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: read schema version: %w", path, err)
	}
	if v != fmt.Sprint(SchemaVersion) {
		db.Close()
		return nil, fmt.Errorf("open database %s: schema version %s, want %d (rebuild it with dbsetup)", path, v, SchemaVersion)
	}
	return db, nil
}

// fileURI turns a path into an SQLite URI filename (without query).
func fileURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// builder holds the state of one build.
type builder struct {
	ctx  context.Context
	opt  Options
	logf func(string, ...any)
	res  *Result
	tx   *sql.Tx
	// want is the number of rows each table must hold, from the inputs.
	want map[string]int64

	genreIDs      map[string]int32 // genre name -> genre_id
	occupationIDs map[string]int32 // occupation name -> occupation_id
	movieIDs      []int32          // movie index -> movie_id (movies.parquet order)
	userIDs       []int32          // user index -> user_id (users.parquet order)
	movieIdx      *idIndex         // movie_id -> movie index
	userIdx       *idIndex         // user_id -> user index
	stats         *stats           // movie_stats and user_stats, filled as ratings load
	// Interface-boxed values for binding rows (boxes); nil until used.
	boxUsers, boxMovies, boxSmall boxes
	moviesFile                    string
	usersFile                     string
	ratingsFile                   string
	models                        map[string]*modelInfo
}

type modelInfo struct {
	recsFile, vectorsFile string
}

func (b *builder) run(tmp string, in Inputs) error {
	start := time.Now()
	r := startReads(in)
	// The temporary file is private until renamed, so durability during
	// the load is pointless: no rollback journal on disk, no syncs.
	// Build syncs the finished file before renaming it. Foreign keys are
	// not enforced row by row during the load (that was a tenth of it):
	// every reference is checked in Go first, so that the error names the
	// row, and PRAGMA foreign_key_check checks them all again before the
	// rename. Connections that open the finished file enforce them. The
	// one connection is used by one goroutine at a time, so SQLite's
	// per-call mutex (the driver's default) is dropped (_mutex=no).
	dsn := fileURI(tmp) + "?_foreign_keys=off&_journal_mode=MEMORY&_synchronous=OFF&_locking_mode=EXCLUSIVE&_cache_size=-262144&_mutex=no"
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return fmt.Errorf("create database %s: %w", tmp, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	b.tx, err = db.BeginTx(b.ctx, nil)
	if err != nil {
		return fmt.Errorf("create database %s: %w", tmp, err)
	}
	defer b.tx.Rollback() // a no-op after Commit
	if _, err := b.tx.Exec(Schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	steps := []struct {
		name string
		fn   func() error
	}{
		{"processed", func() error { return b.loadProcessed(r) }},
		{"models", func() error { return b.loadModels(in, r) }},
		{"pipeline_runs", func() error { return b.loadRuns(in.Metrics) }},
		{"index", b.createIndexes},
		{"stats", b.computeStats},
		{"meta", b.writeMeta},
	}
	for _, s := range steps {
		t := time.Now()
		if err := b.ctx.Err(); err != nil {
			return err
		}
		if err := s.fn(); err != nil {
			return err
		}
		b.res.Timings[s.name] = time.Since(t).Seconds()
	}
	t := time.Now()
	if err := b.tx.Commit(); err != nil {
		return fmt.Errorf("commit %s: %w", tmp, err)
	}
	b.res.Timings["commit"] = time.Since(t).Seconds()
	if err := db.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	t = time.Now()
	if err := b.verify(tmp); err != nil {
		return fmt.Errorf("verify %s: %w", tmp, err)
	}
	b.res.Timings["verify"] = time.Since(t).Seconds()
	b.res.Timings["total"] = time.Since(start).Seconds()
	return nil
}

func (b *builder) addInput(path string) (runmetrics.FileInfo, error) {
	fi, err := runmetrics.Describe(path)
	if err != nil {
		return fi, fmt.Errorf("read %s: %w", path, err)
	}
	b.res.Inputs = append(b.res.Inputs, fi)
	return fi, nil
}

func (b *builder) createIndexes() error {
	if _, err := b.tx.ExecContext(b.ctx, Indexes); err != nil {
		return fmt.Errorf("create indexes: %w", err)
	}
	return nil
}

func (b *builder) writeMeta() error {
	var sqliteVersion string
	if err := b.tx.QueryRowContext(b.ctx, "SELECT sqlite_version()").Scan(&sqliteVersion); err != nil {
		return fmt.Errorf("write meta: %w", err)
	}
	inputs, err := json.Marshal(b.res.Inputs)
	if err != nil {
		return fmt.Errorf("write meta: %w", err)
	}
	meta := [][2]string{
		{"schema_version", fmt.Sprint(SchemaVersion)},
		{"built_at", time.Now().UTC().Format(time.RFC3339)},
		{"built_by", "dbsetup"},
		{"sqlite_version", sqliteVersion},
		{"go_version", runtime.Version()},
		{"timestamp_unit", "unix seconds (UTC)"},
		{"favourite_genres", fmt.Sprint(b.opt.FavouriteGenres)},
		{"liked_rating", fmt.Sprint(b.opt.LikedRating)},
		{"inputs", string(inputs)},
	}
	stmt, err := b.tx.PrepareContext(b.ctx, "INSERT INTO meta (key, value) VALUES (?, ?)")
	if err != nil {
		return fmt.Errorf("write meta: %w", err)
	}
	defer stmt.Close()
	for _, kv := range meta {
		if _, err := stmt.ExecContext(b.ctx, kv[0], kv[1]); err != nil {
			return fmt.Errorf("write meta %s: %w", kv[0], err)
		}
	}
	b.want["meta"] = int64(len(meta))
	return nil
}

// verify checks the committed database at path: SQLite's integrity check
// and foreign-key check of every table, and each table's row count against
// what the inputs held. The checks run table by table on verifyWorkers
// connections at once, the largest first: at 25M ratings one
// integrity_check of the whole file was the longest phase of the build,
// on one core. Checked table by table, every table and index is verified
// as before; what a whole-file check adds (pages used by no table or by
// two, the free list) cannot go wrong in a file written once, by SQLite,
// from empty.
func (b *builder) verify(path string) error {
	db, err := sql.Open("sqlite3", fileURI(path)+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	workers := verifyWorkers()
	db.SetMaxOpenConns(workers)
	type task struct {
		kind, table string // kind: integrity_check, foreign_key_check or count
		seconds     float64
		n           int64 // count: the rows
		err         error
	}
	var tasks []*task
	// The big tables first, so that the small ones fill in around them.
	order := append([]string{"ratings", "recommendations"}, slices.DeleteFunc(slices.Clone(Tables), func(t string) bool {
		return t == "ratings" || t == "recommendations"
	})...)
	for _, kind := range []string{"integrity_check", "foreign_key_check", "count"} {
		for _, t := range order {
			k := kind
			if b.want[t] > int64(b.opt.FullCheckRows) {
				switch kind {
				case "integrity_check":
					k = "quick_check"
				case "foreign_key_check":
					k = "index_counts"
				}
			}
			tasks = append(tasks, &task{kind: k, table: t})
		}
	}
	// integrity_check of ratings and recommendations first, on their own.
	slices.SortStableFunc(tasks, func(a, c *task) int {
		big := func(t *task) int {
			if (t.kind == "integrity_check" || t.kind == "quick_check") && (t.table == "ratings" || t.table == "recommendations") {
				return 0
			}
			return 1
		}
		return big(a) - big(c)
	})
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(tasks) || b.ctx.Err() != nil {
					return
				}
				t := tasks[i]
				t0 := time.Now()
				switch t.kind {
				case "integrity_check", "quick_check":
					t.err = b.integrityCheck(db, t.kind, t.table)
				case "index_counts":
					t.err = b.indexCounts(db, t.table)
				case "foreign_key_check":
					t.err = b.foreignKeyCheck(db, t.table)
				case "count":
					if err := db.QueryRowContext(b.ctx, "SELECT COUNT(*) FROM "+t.table).Scan(&t.n); err != nil {
						t.err = fmt.Errorf("count %s: %w", t.table, err)
					}
				}
				t.seconds = time.Since(t0).Seconds()
			}
		})
	}
	wg.Wait()
	if err := b.ctx.Err(); err != nil {
		return err
	}
	// A damaged file explains any other failure: integrity errors first.
	for _, kind := range []string{"integrity_check", "quick_check", "index_counts", "foreign_key_check", "count"} {
		var bad []string
		for _, t := range tasks {
			if t.kind == kind && t.err != nil {
				bad = append(bad, t.err.Error())
			}
		}
		if len(bad) > 0 {
			return errors.New(strings.Join(bad, "; "))
		}
	}
	counts := map[string]int64{}
	for _, t := range tasks {
		b.res.Timings[t.kind] += t.seconds
		if t.kind == "count" {
			counts[t.table] = t.n
		}
	}
	delete(b.res.Timings, "count")
	var quick []string
	for _, t := range tasks {
		if t.kind == "quick_check" {
			quick = append(quick, t.table)
		}
	}
	detail := "ok"
	fkDetail := "no violations"
	if len(quick) > 0 {
		detail = fmt.Sprintf("ok (%s: quick_check and index entry counts, above %d rows)", strings.Join(quick, ", "), b.opt.FullCheckRows)
		fkDetail = fmt.Sprintf("no violations (%s: every reference checked as loaded)", strings.Join(quick, ", "))
	}
	if err := b.checkCounts(counts); err != nil {
		return err
	}
	maps.Copy(b.res.Rows, counts)
	b.res.Checks = append(b.res.Checks,
		runmetrics.Check{Name: "integrity_check", Passed: true, Detail: detail},
		runmetrics.Check{Name: "foreign_key_check", Passed: true, Detail: fkDetail},
		runmetrics.Check{Name: "row_counts", Passed: true, Detail: "every table has as many rows as its inputs"})
	return nil
}

// verifyWorkers is how many connections verify uses: the cores, at least
// two (the two big tables).
func verifyWorkers() int { return max(2, runtime.GOMAXPROCS(0)) }

// integrityCheck runs PRAGMA pragma (integrity_check or quick_check) on
// table and its indexes.
func (b *builder) integrityCheck(db *sql.DB, pragma, table string) error {
	var rows []string
	r, err := db.QueryContext(b.ctx, "PRAGMA "+pragma+"("+table+")")
	if err != nil {
		return fmt.Errorf("integrity check of %s: %w", table, err)
	}
	defer r.Close()
	for r.Next() {
		var s string
		if err := r.Scan(&s); err != nil {
			return fmt.Errorf("integrity check of %s: %w", table, err)
		}
		rows = append(rows, s)
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("integrity check of %s: %w", table, err)
	}
	if len(rows) != 1 || rows[0] != "ok" {
		return fmt.Errorf("integrity check failed: %s", strings.Join(rows, "; "))
	}
	return nil
}

// indexCounts counts the entries of each index of table (scanning the
// index alone) and compares them with the table's rows: the part of
// integrity_check that quick_check leaves out, by count.
func (b *builder) indexCounts(db *sql.DB, table string) error {
	r, err := db.QueryContext(b.ctx, "SELECT name FROM pragma_index_list(?)", table)
	if err != nil {
		return fmt.Errorf("index counts of %s: %w", table, err)
	}
	var names []string
	for r.Next() {
		var name string
		if err := r.Scan(&name); err != nil {
			r.Close()
			return fmt.Errorf("index counts of %s: %w", table, err)
		}
		names = append(names, name)
	}
	r.Close()
	var rows int64
	if err := db.QueryRowContext(b.ctx, "SELECT COUNT(*) FROM "+table).Scan(&rows); err != nil {
		return fmt.Errorf("index counts of %s: %w", table, err)
	}
	for _, name := range names {
		var n int64
		if err := db.QueryRowContext(b.ctx, "SELECT COUNT(*) FROM "+table+" INDEXED BY "+name).Scan(&n); err != nil {
			return fmt.Errorf("index counts of %s: index %s: %w", table, name, err)
		}
		if n != rows {
			return fmt.Errorf("integrity check failed: index %s has %d entries, table %s %d rows", name, n, table, rows)
		}
	}
	return nil
}

// foreignKeyCheck runs PRAGMA foreign_key_check on table (the load itself
// does not enforce foreign keys, see run).
func (b *builder) foreignKeyCheck(db *sql.DB, table string) error {
	r, err := db.QueryContext(b.ctx, "PRAGMA foreign_key_check("+table+")")
	if err != nil {
		return fmt.Errorf("foreign key check of %s: %w", table, err)
	}
	defer r.Close()
	var bad []string
	for r.Next() {
		var tab, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := r.Scan(&tab, &rowid, &parent, &fkid); err != nil {
			return fmt.Errorf("foreign key check of %s: %w", table, err)
		}
		if len(bad) < 5 {
			bad = append(bad, fmt.Sprintf("a row of %s references a missing %s row", tab, parent))
		}
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("foreign key check of %s: %w", table, err)
	}
	if len(bad) > 0 {
		return fmt.Errorf("foreign key check failed: %s", strings.Join(bad, "; "))
	}
	return nil
}

// checkCounts compares each table's row count with what the inputs held.
func (b *builder) checkCounts(counts map[string]int64) error {
	var mismatch []string
	for _, t := range Tables {
		n := counts[t]
		if want, ok := b.want[t]; !ok || n != want {
			mismatch = append(mismatch, fmt.Sprintf("%s has %d rows, want %d", t, n, want))
		}
	}
	if len(mismatch) > 0 {
		return fmt.Errorf("row counts differ from the inputs: %s", strings.Join(mismatch, "; "))
	}
	return nil
}
