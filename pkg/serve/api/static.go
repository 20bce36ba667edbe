package api

import (
	"bytes"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/moviegenie/pipeline/pkg/serve/modelset"
)

// chartName is the only form of file name served from the reports
// directory: a PNG directly in it (no slash, no "..", no absolute path).
var chartName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*\.png$`)

// report serves a chart of `make plots`. The file is opened through an
// os.Root, which refuses any path leading outside the directory.
func (s *Server) report(w http.ResponseWriter, r *http.Request, _ *modelset.Set) error {
	name := r.PathValue("name")
	if !chartName.MatchString(name) || strings.Contains(name, "..") || s.cfg.ReportsDir == "" {
		return errorf(http.StatusNotFound, CodeNotFound, "no such chart")
	}
	f, err := os.OpenInRoot(s.cfg.ReportsDir, name)
	if err != nil {
		return errorf(http.StatusNotFound, CodeNotFound, "no such chart %q (make plots draws them)", name)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return errorf(http.StatusNotFound, CodeNotFound, "no such chart %q", name)
	}
	w.Header().Set("Content-Type", "image/png")
	http.ServeContent(w, r, name, st.ModTime(), f)
	return nil
}

// charts lists the charts there are, as URLs.
func (s *Server) charts() []string {
	out := []string{}
	if s.cfg.ReportsDir == "" {
		return out
	}
	es, err := os.ReadDir(s.cfg.ReportsDir)
	if err != nil {
		return out
	}
	for _, e := range es {
		if e.Type().IsRegular() && chartName.MatchString(e.Name()) {
			out = append(out, "/reports/"+e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// page serves the embedded web page: exactly the files embedded, "/" being
// index.html. Nothing else of the disk is reachable through it.
func (s *Server) page() http.Handler {
	started := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "index.html"
		}
		data, err := fs.ReadFile(s.cfg.Static, name)
		if err != nil || !fs.ValidPath(name) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, "404 page not found\n")
			return
		}
		if name == "index.html" {
			w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
			w.Header().Set("Cache-Control", "no-cache")
		}
		http.ServeContent(w, r, name, started, bytes.NewReader(data))
	})
}
