package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/cliapp"
	"github.com/moviegenie/pipeline/pkg/serve/api"
	"github.com/moviegenie/pipeline/pkg/serve/appstore"
	"github.com/moviegenie/pipeline/pkg/serve/modelset"
	"github.com/moviegenie/pipeline/pkg/serve/rawusers"
	"github.com/moviegenie/pipeline/pkg/serve/web"
)

var (
	addrFlag     = &cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "listen on `HOST:PORT` (port 0: a free one)"}
	dbFlag       = &cli.StringFlag{Name: "db", Value: "data/moviegenie.db", Usage: "the pipeline's database `FILE` (opened read-only)"}
	bertFlag     = &cli.StringFlag{Name: "bert4rec", Value: "models/bert4rec.bin", Usage: "BERT4Rec model `FILE`"}
	towerFlag    = &cli.StringFlag{Name: "twotower", Value: "models/twotower.bin", Usage: "Two-Tower model `FILE`"}
	semFlag      = &cli.StringFlag{Name: "semantic", Value: "models/semantic.bin", Usage: "semantic search index `FILE`"}
	metricsFlag  = &cli.StringFlag{Name: "metrics-dir", Value: "metrics", Usage: "`DIR` of the pipeline's metrics files (the models page)"}
	reportsFlag  = &cli.StringFlag{Name: "reports", Value: "reports", Usage: "`DIR` of the charts of make plots"}
	watchFlag    = &cli.DurationFlag{Name: "watch", Value: time.Second, Usage: "poll the files for changes every `D` (0: only on SIGHUP)"}
	rawFlag      = &cli.StringFlag{Name: "raw", Usage: "the raw data `DIR` the database was built from (new users get ids above all of its users; default data/raw/DATASET)"}
	shutdownFlag = &cli.DurationFlag{Name: "shutdown-timeout", Value: 30 * time.Second, Usage: "on SIGINT/SIGTERM, wait at most `D` for requests in flight"}
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:   "run",
		Usage:  "serve the API and the page (the default command)",
		Flags:  []cli.Flag{addrFlag, dbFlag, bertFlag, towerFlag, semFlag, appDBFlag, rawFlag, metricsFlag, reportsFlag, watchFlag, shutdownFlag},
		Action: serve,
	}
}

func serve(c *cli.Context) error {
	if c.NArg() > 0 {
		return cliapp.Usagef("unexpected argument %q (see serve --help)", c.Args().First())
	}
	if c.Duration(watchFlag.Name) < 0 {
		return cliapp.Usagef("--watch %v: want 0 or more", c.Duration(watchFlag.Name))
	}
	cfg, err := searchConfig(c)
	if err != nil {
		return err
	}
	files := modelset.Files{DB: c.String(dbFlag.Name), BERT4Rec: c.String(bertFlag.Name), TwoTower: c.String(towerFlag.Name), Semantic: c.String(semFlag.Name)}
	for _, f := range []string{files.DB, files.BERT4Rec, files.TwoTower, files.Semantic} {
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("%w (build the pipeline first: make all)", err)
		}
	}
	start := time.Now()
	holder, err := modelset.NewHolder(files, cfg)
	if err != nil {
		return err
	}
	store, err := appstore.Open(c.String(appDBFlag.Name))
	if err != nil {
		return err
	}
	defer store.Close()
	dataset := holder.Current().Catalog.Dataset()
	raw := c.String(rawFlag.Name)
	if raw == "" {
		raw = filepath.Join("data", "raw", dataset)
	}
	rawMax, err := rawusers.MaxID(raw, dataset)
	if err != nil {
		log.Printf("warning: new users are off (POST /api/users answers 503): %v (--raw names the folder)", err)
	}
	srv := api.New(api.Config{Holder: holder, Store: store, MetricsDir: c.String(metricsFlag.Name),
		ReportsDir: c.String(reportsFlag.Name), Static: web.FS(), RawMaxUserID: rawMax})
	holder.OnReload = srv.ReloadObserver
	log.Printf("loaded %s, 3 models and %s in %.2fs", files.DB, store.Path(), time.Since(start).Seconds())

	ln, err := net.Listen("tcp", c.String(addrFlag.Name))
	if err != nil {
		return cliapp.Usagef("--addr %s: %v", c.String(addrFlag.Name), err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.Default(),
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				holder.Reload("signal")
			}
		}
	}()
	if d := c.Duration(watchFlag.Name); d > 0 {
		go holder.Watch(ctx, d)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	fmt.Fprintf(c.App.Writer, "serving on http://%s\n", ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Printf("stopping: finishing the requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), c.Duration(shutdownFlag.Name))
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
