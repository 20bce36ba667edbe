package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
	"github.com/moviegenie/pipeline/pkg/serve/appstore"
	"github.com/moviegenie/pipeline/pkg/serve/modelset"
	"github.com/moviegenie/pipeline/pkg/serve/rawusers"
	"github.com/moviegenie/pipeline/pkg/serve/servetest"
	"github.com/moviegenie/pipeline/pkg/serve/web"
)

var (
	holderOnce sync.Once
	holder     *modelset.Holder
	holderErr  error
)

// testServer serves the repository's pipeline outputs (loaded once per
// test binary) with a fresh app store.
func testServer(t testing.TB) (*httptest.Server, *appstore.Store) {
	t.Helper()
	f := modelset.Files(servetest.Files(t).App)
	holderOnce.Do(func() { holder, holderErr = modelset.NewHolder(f, nil) })
	if holderErr != nil {
		t.Fatal(holderErr)
	}
	st, err := appstore.Open(filepath.Join(t.TempDir(), "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	root := servetest.Root(t)
	srv := New(Config{Holder: holder, Store: st, MetricsDir: filepath.Join(root, "metrics"),
		ReportsDir: filepath.Join(root, "reports"), Static: web.FS(), RawMaxUserID: rawMax(t)})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, st
}

var (
	rawOnce sync.Once
	rawID   int32
	rawErr  error
)

// rawMax is the largest user id of the raw data the served files come
// from.
func rawMax(t testing.TB) int32 {
	t.Helper()
	f := servetest.Files(t)
	rawOnce.Do(func() { rawID, rawErr = rawusers.MaxID(f.Raw, "ml-100k") })
	if rawErr != nil {
		t.Fatal(rawErr)
	}
	return rawID
}

func do(t *testing.T, method, url, body string) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data, resp.Header
}

func decode[T any](t *testing.T, data []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("response is not the JSON expected: %v\n%s", err, data)
	}
	return v
}

type movieJSON struct {
	ID     int32    `json:"movie_id"`
	Title  string   `json:"title"`
	Genres []string `json:"genres"`
}

type itemsJSON struct {
	Total int `json:"total"`
	Items []struct {
		movieJSON
		Movie  movieJSON `json:"movie"`
		Rating int       `json:"rating"`
		Source string    `json:"source"`
		Reason *struct {
			MovieID int32  `json:"movie_id"`
			Text    string `json:"text"`
		} `json:"reason"`
	} `json:"items"`
	Model string `json:"model"`
}

// TestRoutes calls every route with good arguments.
func TestRoutes(t *testing.T) {
	ts, _ := testServer(t)
	cases := []struct {
		method, path, body string
		status             int
		check              func(t *testing.T, data []byte)
	}{
		{"GET", "/api/health", "", 200, func(t *testing.T, data []byte) {
			h := decode[struct {
				Status string `json:"status"`
				Models []struct {
					Kind       string `json:"kind"`
					ParamsHash string `json:"params_hash"`
				} `json:"models"`
			}](t, data)
			if h.Status != "ok" || len(h.Models) != 3 {
				t.Errorf("got status %q and %d models, want ok and 3", h.Status, len(h.Models))
			}
		}},
		{"GET", "/api/genres", "", 200, nil},
		{"GET", "/api/movies?genre=Sci-Fi&year_from=1990&year_to=1999&sort=rating&page=2&page_size=5", "", 200, func(t *testing.T, data []byte) {
			r := decode[itemsJSON](t, data)
			if r.Total < 10 || len(r.Items) != 5 {
				t.Errorf("got total %d and %d items, want >= 10 and 5", r.Total, len(r.Items))
			}
			for _, it := range r.Items {
				if !strings.Contains(strings.Join(it.Genres, ","), "Sci-Fi") {
					t.Errorf("got %q (%v) for genre=Sci-Fi", it.Title, it.Genres)
				}
			}
		}},
		{"GET", "/api/movies?q=star%20wars", "", 200, func(t *testing.T, data []byte) {
			r := decode[itemsJSON](t, data)
			if len(r.Items) == 0 || r.Items[0].ID != 50 {
				t.Errorf("got %+v, want Star Wars (50) first", r.Items)
			}
		}},
		{"GET", "/api/movies/50", "", 200, func(t *testing.T, data []byte) {
			m := decode[struct {
				Title   string                 `json:"title"`
				Similar map[string][]any       `json:"similar"`
				Extra   map[string]interface{} `json:"-"`
			}](t, data)
			for _, sig := range []string{"cooccurrence", "twotower", "text"} {
				if len(m.Similar[sig]) == 0 {
					t.Errorf("got no %s similar movies for %s", sig, m.Title)
				}
			}
		}},
		{"GET", "/api/search?q=pulp%20fictoin&k=5", "", 200, func(t *testing.T, data []byte) {
			r := decode[struct {
				Results []movieJSON `json:"results"`
			}](t, data)
			if len(r.Results) == 0 || r.Results[0].ID != 56 {
				t.Errorf("got %+v, want Pulp Fiction (56) first", r.Results)
			}
		}},
		{"GET", "/api/search?q=star%20wars&k=5&user_id=42", "", 200, nil},
		{"GET", "/api/users/42", "", 200, nil},
		{"GET", "/api/users/42/history?page=1&page_size=3", "", 200, func(t *testing.T, data []byte) {
			r := decode[itemsJSON](t, data)
			if len(r.Items) != 3 || r.Total < 20 {
				t.Errorf("got %d items of %d, want 3 of >= 20", len(r.Items), r.Total)
			}
		}},
		{"GET", "/api/users/42/recommendations?model=bert4rec&k=5", "", 200, nil},
		{"GET", "/api/users/42/recommendations?model=twotower&k=5", "", 200, nil},
		{"GET", "/api/users/42/recommendations?model=popularity&k=5&genre=Comedy", "", 200, nil},
		{"GET", "/api/users/42/because?k=5", "", 200, nil},
		{"POST", "/api/recommendations", `{"history":[50,172,181],"k":5}`, 200, func(t *testing.T, data []byte) {
			r := decode[itemsJSON](t, data)
			if r.Model != "bert4rec" || len(r.Items) != 5 {
				t.Errorf("got model %q and %d items, want bert4rec and 5", r.Model, len(r.Items))
			}
			for _, it := range r.Items {
				if it.Movie.ID == 50 || it.Movie.ID == 172 || it.Movie.ID == 181 {
					t.Errorf("got %d, a movie of the history", it.Movie.ID)
				}
			}
		}},
		{"POST", "/api/recommendations", `{"age":25,"gender":"F","occupation":"student"}`, 200, func(t *testing.T, data []byte) {
			if r := decode[itemsJSON](t, data); r.Model != "twotower" || len(r.Items) != 10 {
				t.Errorf("got model %q and %d items, want twotower and 10", r.Model, len(r.Items))
			}
		}},
		{"POST", "/api/users", `{"age":30,"gender":"M"}`, 201, nil},
		{"GET", "/api/models", "", 200, nil},
		{"GET", "/metrics", "", 200, func(t *testing.T, data []byte) {
			if !strings.Contains(string(data), "moviegenie_http_request_duration_seconds_bucket") {
				t.Error("got no latency histogram in /metrics")
			}
		}},
		{"GET", "/", "", 200, nil},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			status, data, _ := do(t, c.method, ts.URL+c.path, c.body)
			if status != c.status {
				t.Fatalf("got status %d, want %d\n%s", status, c.status, data)
			}
			if c.check != nil {
				c.check(t, data)
			}
		})
	}
}

// TestBadRequests checks that each bad request gets its status and code,
// as JSON, and writes nothing.
func TestBadRequests(t *testing.T) {
	ts, st := testServer(t)
	big := `{"movie_id":50,"rating":4,"x":"` + strings.Repeat("a", MaxBody) + `"}`
	cases := []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"GET", "/api/movies/abc", "", 400, CodeBadID},
		{"GET", "/api/movies/0", "", 400, CodeBadID},
		{"GET", "/api/movies/-3", "", 400, CodeBadID},
		{"GET", "/api/movies/99999999999", "", 400, CodeBadID},
		{"GET", "/api/movies/999999", "", 404, CodeNotFound},
		{"GET", "/api/users/x1", "", 400, CodeBadID},
		{"GET", "/api/users/999999", "", 404, CodeNotFound},
		{"GET", "/api/users/42/recommendations?k=0", "", 400, CodeBadParam},
		{"GET", "/api/users/42/recommendations?k=101", "", 400, CodeBadParam},
		{"GET", "/api/users/42/recommendations?k=ten", "", 400, CodeBadParam},
		{"GET", "/api/users/42/recommendations?model=gpt", "", 400, CodeUnknownModel},
		{"GET", "/api/users/999999/recommendations", "", 404, CodeNotFound},
		{"GET", "/api/users/42/history?page=0", "", 400, CodeBadParam},
		{"GET", "/api/users/42/history?page_size=1000", "", 400, CodeBadParam},
		{"GET", "/api/movies?page=-1", "", 400, CodeBadParam},
		{"GET", "/api/movies?sort=random", "", 400, CodeBadParam},
		{"GET", "/api/movies?genre=Nope", "", 400, CodeBadParam},
		{"GET", "/api/movies?year_from=2000&year_to=1990", "", 400, CodeBadParam},
		{"GET", "/api/search?q=", "", 400, CodeBadParam},
		{"GET", "/api/search?q=" + strings.Repeat("a", 1200), "", 400, CodeBadParam},
		{"GET", "/api/search?q=alien&k=500", "", 400, CodeBadParam},
		{"GET", "/api/search?q=alien&user_id=999999", "", 404, CodeNotFound},
		{"POST", "/api/users/42/ratings", `{"movie_id":50,"rating":6}`, 400, CodeBadBody},
		{"POST", "/api/users/42/ratings", `{"movie_id":50,"rating":0}`, 400, CodeBadBody},
		{"POST", "/api/users/42/ratings", `{"movie_id":50,"rating":4.5}`, 400, CodeBadBody},
		{"POST", "/api/users/42/ratings", `{"movie_id":50,"rating":"4"}`, 400, CodeBadBody},
		{"POST", "/api/users/42/ratings", `{"movie_id":50}`, 400, CodeBadBody},
		{"POST", "/api/users/42/ratings", `{"movie_id":50,"rating":4,"stars":4}`, 400, CodeBadBody},
		{"POST", "/api/users/42/ratings", `{"movie_id":50,"rating":4`, 400, CodeBadBody},
		{"POST", "/api/users/42/ratings", `{"movie_id":50,"rating":4} {}`, 400, CodeBadBody},
		{"POST", "/api/users/42/ratings", ``, 400, CodeBadBody},
		{"POST", "/api/users/42/ratings", big, 400, CodeBodyTooLarge},
		{"POST", "/api/users/42/ratings", `{"movie_id":999999,"rating":4}`, 404, CodeNotFound},
		{"POST", "/api/users/999999/ratings", `{"movie_id":50,"rating":4}`, 404, CodeNotFound},
		{"POST", "/api/users/abc/ratings", `{"movie_id":50,"rating":4}`, 400, CodeBadID},
		{"POST", "/api/users", `{"age":300}`, 400, CodeBadBody},
		{"POST", "/api/users", `{"gender":"X"}`, 400, CodeBadBody},
		{"POST", "/api/users", `{"occupation":"astronaut"}`, 400, CodeBadBody},
		{"POST", "/api/recommendations", `{"history":[50],"model":"svd"}`, 400, CodeUnknownModel},
		{"POST", "/api/recommendations", `{"history":[999999]}`, 404, CodeNotFound},
		{"POST", "/api/recommendations", `{"model":"bert4rec"}`, 400, CodeBadParam},
		{"POST", "/api/recommendations", `{"history":[50],"k":0}`, 400, CodeBadParam},
		{"POST", "/api/recommendations", `[1,2]`, 400, CodeBadBody},
		{"DELETE", "/api/movies/50", "", 405, CodeMethodNotAllowed},
		{"POST", "/api/movies", "{}", 405, CodeMethodNotAllowed},
		{"GET", "/api/users/42/ratings", "", 405, CodeMethodNotAllowed},
		{"PUT", "/api/health", "", 405, CodeMethodNotAllowed},
		{"GET", "/api/nothing/here", "", 404, CodeNotFound},
		{"GET", "/reports/..%2f..%2fgo.mod", "", 404, CodeNotFound},
		{"GET", "/reports/%2fetc%2fpasswd", "", 404, CodeNotFound},
		{"GET", "/reports/%2e%2e", "", 404, CodeNotFound},
		{"GET", "/reports/index.md", "", 404, CodeNotFound},
	}
	for _, c := range cases {
		t.Run(c.method+" "+clip(c.path)+" "+clip(c.body), func(t *testing.T) {
			status, data, hdr := do(t, c.method, ts.URL+c.path, c.body)
			if status != c.status {
				t.Fatalf("got status %d, want %d\n%s", status, c.status, data)
			}
			if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("got Content-Type %q, want JSON", ct)
			}
			e := decode[errorBody](t, data)
			if e.Error.Code != c.code || e.Error.Message == "" {
				t.Errorf("got code %q message %q, want code %q and a message", e.Error.Code, e.Error.Message, c.code)
			}
			if status == 405 && hdr.Get("Allow") == "" {
				t.Error("got no Allow header with a 405")
			}
		})
	}
	if users, ratings := st.Counts(); users != 0 || ratings != 0 {
		t.Errorf("got %d users and %d ratings stored after bad requests, want none", users, ratings)
	}
	n, _, err := st.WriteCSV(io.Discard, nil)
	if err != nil || n != 0 {
		t.Errorf("got %d ratings in the store file (%v), want 0", n, err)
	}
}

// TestPathsOutsideAssets checks that nothing outside the embedded page
// and the charts is served.
func TestPathsOutsideAssets(t *testing.T) {
	ts, _ := testServer(t)
	for _, p := range []string{"/../go.mod", "/%2e%2e/go.mod", "/..%2fgo.mod", "/etc/passwd", "//etc/passwd", "/static/index.html", "/web.go"} {
		req, _ := http.NewRequest("GET", ts.URL+"/", nil)
		req.URL.Opaque = p // sent as is, not cleaned by the client
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 && (strings.Contains(string(data), "module github.com") || strings.Contains(string(data), "root:")) {
			t.Errorf("%s: served a file outside the assets", p)
		}
		if resp.StatusCode != 404 && resp.StatusCode != 301 && resp.StatusCode != 307 {
			t.Errorf("%s: got status %d, want 404 (or a redirect to a cleaned path)", p, resp.StatusCode)
		}
	}
	if status, _, hdr := do(t, "GET", ts.URL+"/reports/models.png", ""); status == 200 && hdr.Get("Content-Type") != "image/png" {
		t.Errorf("got Content-Type %q for a chart", hdr.Get("Content-Type"))
	}
}

// TestRatingIsLiveAndDurable posts a rating for the movie BERT4Rec puts
// first for user 42: the movie leaves every recommendation list at once,
// heads the history, and is still there when the store is reopened.
func TestRatingIsLiveAndDurable(t *testing.T) {
	ts, st := testServer(t)
	_, data, _ := do(t, "GET", ts.URL+"/api/users/42/recommendations?model=bert4rec&k=10", "")
	before := decode[itemsJSON](t, data)
	if len(before.Items) == 0 {
		t.Fatal("no recommendations for user 42")
	}
	for _, it := range before.Items {
		if it.Reason == nil || !strings.HasPrefix(it.Reason.Text, "because you watched ") {
			t.Errorf("item %d has no reason: %+v", it.Movie.ID, it.Reason)
		}
	}
	top := before.Items[0].Movie.ID
	status, data, _ := do(t, "POST", ts.URL+"/api/users/42/ratings", fmt.Sprintf(`{"movie_id":%d,"rating":5}`, top))
	if status != 201 {
		t.Fatalf("got status %d, want 201\n%s", status, data)
	}
	for _, model := range []string{"bert4rec", "twotower", "popularity"} {
		_, data, _ = do(t, "GET", ts.URL+"/api/users/42/recommendations?k=100&model="+model, "")
		for _, it := range decode[itemsJSON](t, data).Items {
			if it.Movie.ID == top {
				t.Errorf("%s still recommends movie %d after the user rated it", model, top)
			}
		}
	}
	_, data, _ = do(t, "GET", ts.URL+"/api/users/42/history?page_size=1", "")
	h := decode[itemsJSON](t, data)
	if len(h.Items) != 1 || h.Items[0].Movie.ID != top || h.Items[0].Source != "app" || h.Items[0].Rating != 5 {
		t.Errorf("got history head %+v, want movie %d rated 5 from the app", h.Items, top)
	}
	// The BERT4Rec list changes: the new movie is the latest of the history.
	_, data, _ = do(t, "GET", ts.URL+"/api/users/42/recommendations?model=bert4rec&k=10", "")
	after := decode[itemsJSON](t, data)
	if fmt.Sprint(after.Items) == fmt.Sprint(before.Items) {
		t.Error("got the same BERT4Rec list after a rating")
	}
	st2, err := appstore.Open(st.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if rs := st2.Ratings(42); len(rs) != 1 || rs[0].MovieID != top || rs[0].Rating != 5 {
		t.Errorf("reopened store has %+v, want the rating of movie %d", rs, top)
	}
}

// TestNewUser creates a user, rates a movie, and gets recommendations
// that leave it out.
func TestNewUser(t *testing.T) {
	ts, _ := testServer(t)
	status, data, _ := do(t, "POST", ts.URL+"/api/users", `{"age":25,"gender":"f","occupation":"Student"}`)
	if status != 201 {
		t.Fatalf("got status %d\n%s", status, data)
	}
	u := decode[struct {
		ID int32 `json:"user_id"`
	}](t, data)
	if u.ID <= 943 {
		t.Errorf("got new user id %d, want one above the data's", u.ID)
	}
	_, data, _ = do(t, "GET", fmt.Sprintf("%s/api/users/%d/recommendations", ts.URL, u.ID), "")
	if r := decode[itemsJSON](t, data); r.Model != "twotower" || len(r.Items) == 0 {
		t.Errorf("got %q with %d items for a user without history, want the Two-Tower cold start", r.Model, len(r.Items))
	}
	if status, data, _ = do(t, "POST", fmt.Sprintf("%s/api/users/%d/ratings", ts.URL, u.ID), `{"movie_id":50,"rating":5}`); status != 201 {
		t.Fatalf("got status %d\n%s", status, data)
	}
	_, data, _ = do(t, "GET", fmt.Sprintf("%s/api/users/%d/recommendations?k=20", ts.URL, u.ID), "")
	r := decode[itemsJSON](t, data)
	if r.Model != "bert4rec" || len(r.Items) != 20 {
		t.Errorf("got %q with %d items, want bert4rec with 20", r.Model, len(r.Items))
	}
	for _, it := range r.Items {
		if it.Movie.ID == 50 {
			t.Error("recommended the movie the user rated")
		}
	}
}

// TestSearchMatchesCLI compares /api/search with `semantic search --json`
// for the same arguments, with and without a user.
func TestSearchMatchesCLI(t *testing.T) {
	ts, _ := testServer(t)
	f := servetest.Files(t)
	root := servetest.Root(t)
	bin := filepath.Join(t.TempDir(), "semantic")
	if out, err := exec.Command("go", "build", "-o", bin, filepath.Join(root, "cmd", "semantic")).CombinedOutput(); err != nil {
		t.Fatalf("build semantic: %v\n%s", err, out)
	}
	for _, c := range []struct {
		q    string
		user string
	}{{"pulp fictoin", ""}, {"90s sci-fi about space", ""}, {"movies like star wars", "42"}} {
		var args []string
		for _, p := range f.Params {
			args = append(args, "--params", p)
		}
		args = append(args, "search", c.q, "-k", "8", "--json", "--index", f.Semantic,
			"--model", f.BERT4Rec, "--processed", f.Processed, "--features", f.Features)
		url := ts.URL + "/api/search?k=8&q=" + strings.ReplaceAll(c.q, " ", "%20")
		if c.user != "" {
			args = append(args, "--user", c.user)
			url += "&user_id=" + c.user
		}
		cmd := exec.Command(bin, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("semantic search %q: %v\n%s", args, err, stderr.String())
		}
		var want []int32
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			want = append(want, decode[movieJSON](t, []byte(line)).ID)
		}
		_, data, _ := do(t, "GET", url, "")
		var got []int32
		for _, r := range decode[struct {
			Results []movieJSON `json:"results"`
		}](t, data).Results {
			got = append(got, r.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q user %q: got %v, want %v (semantic search)", c.q, c.user, got, want)
		}
	}
}

// TestHotReload replaces the model and database files while clients send
// requests: no request fails, and the server moves to a new generation.
func TestHotReload(t *testing.T) {
	f := servetest.Files(t)
	dir := t.TempDir()
	files := modelset.Files(servetest.Copy(t, f, dir).App)
	h, err := modelset.NewHolder(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := appstore.Open(filepath.Join(dir, "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := New(Config{Holder: h, Store: st, Static: web.FS()})
	h.OnReload = srv.ReloadObserver
	ts := httptest.NewServer(srv)
	defer ts.Close()

	stop := make(chan struct{})
	var failures, total atomic.Int64
	var wg sync.WaitGroup
	paths := []string{"/api/users/42/recommendations?k=5", "/api/search?q=alien", "/api/movies/50", "/api/users/42/recommendations?model=twotower"}
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := http.Get(ts.URL + paths[(i+n)%len(paths)])
				total.Add(1)
				if err != nil || resp.StatusCode != 200 {
					failures.Add(1)
				}
				if resp != nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		}(i)
	}
	ctxDone := make(chan struct{})
	go func() {
		defer close(ctxDone)
		for _, p := range [][2]string{{f.BERT4Rec, files.BERT4Rec}, {f.DB, files.DB}} {
			time.Sleep(150 * time.Millisecond)
			if err := atomicfile.Copy(p[0], p[1]); err != nil {
				t.Error(err)
			}
			if err := h.Reload("watch"); err != nil {
				t.Error(err)
			}
		}
		time.Sleep(150 * time.Millisecond)
	}()
	<-ctxDone
	close(stop)
	wg.Wait()
	if failures.Load() != 0 {
		t.Errorf("got %d failed requests of %d during reloads, want 0", failures.Load(), total.Load())
	}
	if g := h.Current().Generation; g != 3 {
		t.Errorf("got generation %d after two reloads, want 3", g)
	}
	// A broken file keeps the current set.
	if err := os.WriteFile(files.TwoTower+".tmp", []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Rename(files.TwoTower+".tmp", files.TwoTower)
	if err := h.Reload("watch"); err == nil {
		t.Error("got no error reloading a broken model")
	}
	if status, _, _ := do(t, "GET", ts.URL+"/api/users/42/recommendations?model=twotower", ""); status != 200 {
		t.Errorf("got status %d after a failed reload, want 200 from the previous set", status)
	}
	_, data, _ := do(t, "GET", ts.URL+"/metrics", "")
	if !strings.Contains(string(data), `moviegenie_model_reloads_total{result="error",trigger="watch"} 1`) {
		t.Error("got no failed reload in /metrics")
	}
}

// TestMissingDemographicsAreNull creates a user with an age only: the
// answer and the user page say null for the rest, never 0 or "".
func TestMissingDemographicsAreNull(t *testing.T) {
	ts, _ := testServer(t)
	status, data, _ := do(t, "POST", ts.URL+"/api/users", `{"age":30}`)
	if status != 201 {
		t.Fatalf("got status %d\n%s", status, data)
	}
	created := decode[map[string]any](t, data)
	id := int(created["user_id"].(float64))
	_, page, _ := do(t, "GET", fmt.Sprintf("%s/api/users/%d", ts.URL, id), "")
	for name, body := range map[string][]byte{"POST /api/users": data, "GET /api/users/{id}": page} {
		u := decode[map[string]any](t, body)
		if u["age"] != float64(30) {
			t.Errorf("%s: got age %v, want 30", name, u["age"])
		}
		for _, k := range []string{"gender", "occupation", "zip_code"} {
			if v, ok := u[k]; !ok || v != nil {
				t.Errorf("%s: got %s %#v (present %v), want null", name, k, v, ok)
			}
		}
	}
}

// TestNewUserNeedsRawIDs checks that without the raw data's user ids no
// user is created (an id could collide with a user k-core dropped).
func TestNewUserNeedsRawIDs(t *testing.T) {
	testServer(t) // loads the holder
	st, err := appstore.Open(filepath.Join(t.TempDir(), "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ts := httptest.NewServer(New(Config{Holder: holder, Store: st, Static: web.FS()}))
	defer ts.Close()
	status, data, _ := do(t, "POST", ts.URL+"/api/users", `{"age":30}`)
	if status != 503 || decode[errorBody](t, data).Error.Code != CodeUnavailable {
		t.Errorf("got status %d %s, want 503 %s", status, data, CodeUnavailable)
	}
	if users, _ := st.Counts(); users != 0 {
		t.Errorf("got %d users stored, want 0", users)
	}
}
