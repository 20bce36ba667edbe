package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/serve/api"
	"github.com/moviegenie/pipeline/pkg/serve/appstore"
	"github.com/moviegenie/pipeline/pkg/serve/modelset"
	"github.com/moviegenie/pipeline/pkg/serve/servetest"
	"github.com/moviegenie/pipeline/pkg/serve/web"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// TestRatingReachesThePipeline posts a rating to the API, exports the app
// store with `serve export`, and runs the process stage (the binary, with
// the param data_processing.extra_ratings pointing at the export) on the
// raw data the served pipeline was built from: the rating is a row of
// the new ratings.parquet, the input of every model of the next
// `make all`; the movie the user had rated in the data is left out of the
// export, so process does not refuse it as a duplicate.
func TestRatingReachesThePipeline(t *testing.T) {
	f := servetest.Files(t)
	root := servetest.Root(t)
	dir := t.TempDir()

	// 1. A rating through the API, of a movie user 42 has not rated.
	h, err := modelset.NewHolder(modelset.Files(f.App), nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := appstore.Open(filepath.Join(dir, "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(api.New(api.Config{Holder: h, Store: st, Static: web.FS()}))
	defer ts.Close()
	seen := map[int32]bool{}
	for _, r := range h.Current().Catalog.Ratings(42) {
		seen[r.MovieID] = true
	}
	var movie int32
	for _, m := range h.Current().Catalog.Movies {
		if !seen[m.ID] {
			movie = m.ID
			break
		}
	}
	// ... and a movie user 42 rated in the data, rated again: left out
	// of the export (process refuses a pair twice).
	again := h.Current().Catalog.Ratings(42)[0].MovieID
	for _, m := range []int32{movie, again} {
		resp, err := http.Post(ts.URL+"/api/users/42/ratings", "application/json", strings.NewReader(fmt.Sprintf(`{"movie_id":%d,"rating":2}`, m)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 201 {
			t.Fatalf("got status %d for the rating of movie %d, want 201", resp.StatusCode, m)
		}
	}
	st.Close()

	// 2. The documented export command.
	csv := filepath.Join(dir, "raw", "app_ratings.csv")
	msg, err := exec.Command(bin.Path(t), "export", "--app-db", filepath.Join(dir, "app.db"), "--out", csv, "--db", f.DB).CombinedOutput()
	if err != nil {
		t.Fatalf("serve export: %v\n%s", err, msg)
	}
	if !strings.Contains(string(msg), "1 ratings given in the app") || !strings.Contains(string(msg), "1 left out") {
		t.Errorf("serve export said %q, want 1 rating written and 1 left out", msg)
	}

	// 3. The process stage with the param set.
	process := os.Getenv("MOVIEGENIE_PROCESS_BIN") // another build of the stage, for trying one out
	if process == "" {
		process = filepath.Join(dir, "process")
		if out, err := exec.Command("go", "build", "-o", process, filepath.Join(root, "cmd", "process")).CombinedOutput(); err != nil {
			t.Fatalf("build process: %v\n%s", err, out)
		}
	}
	out := filepath.Join(dir, "processed")
	var args []string
	for _, p := range f.Params {
		args = append(args, "--params", p)
	}
	args = append(args, "--set", "data_processing.extra_ratings="+csv, "--raw", f.Raw, "--out", out, "--metrics", filepath.Join(dir, "process.json"))
	cmd := exec.Command(process, args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("process with data_processing.extra_ratings: %v\n%s", err, msg)
	}
	rows, err := tables.Read[tables.Rating](filepath.Join(out, "ratings.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.UserID == 42 && r.MovieID == movie {
			if r.Rating != 2 {
				t.Errorf("got rating %v for user 42, movie %d, want 2 (the app's)", r.Rating, movie)
			}
			return
		}
	}
	t.Errorf("user 42's app rating of movie %d is not in %s", movie, filepath.Join(out, "ratings.parquet"))
}
