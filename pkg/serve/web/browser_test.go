package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/moviegenie/pipeline/pkg/serve/api"
	"github.com/moviegenie/pipeline/pkg/serve/appstore"
	"github.com/moviegenie/pipeline/pkg/serve/modelset"
	"github.com/moviegenie/pipeline/pkg/serve/servetest"
	"github.com/moviegenie/pipeline/pkg/serve/web"
)

// NoBrowserEnv opts out of the browser test: set to 1, a missing Chromium
// skips it (saying so) instead of failing it.
const NoBrowserEnv = "MOVIEGENIE_NO_BROWSER"

// chromium finds Debian's chromium (or Chrome). Without it the test
// fails, unless MOVIEGENIE_NO_BROWSER=1 says to skip it.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no chromium installed (apt-get install -y chromium): the browser test did not run"
	if os.Getenv(NoBrowserEnv) == "1" {
		t.Skip("SKIPPED (" + NoBrowserEnv + "=1): " + msg)
	}
	t.Fatal(msg + "; set " + NoBrowserEnv + "=1 to skip it")
	return ""
}

// TestBrowser drives the page in headless Chromium as a person would:
// search with a typo, pick user 42, open a movie, rate it, and ask for
// recommendations as a new user. Screenshots go to
// $MOVIEGENIE_SCREENSHOTS (default: the test's temporary directory).
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	files := modelset.Files(servetest.Files(t).App)
	h, err := modelset.NewHolder(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := appstore.Open(filepath.Join(t.TempDir(), "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	root := servetest.Root(t)
	ts := httptest.NewServer(api.New(api.Config{Holder: h, Store: st, MetricsDir: filepath.Join(root, "metrics"),
		ReportsDir: filepath.Join(root, "reports"), Static: web.FS()}))
	defer ts.Close()
	shots := os.Getenv("MOVIEGENIE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()

	shot := func(name string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			buf, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return chromedp.Void{}, err
			}
			return chromedp.Void{}, os.WriteFile(filepath.Join(shots, name+".png"), buf, 0o644)
		}
	}
	// waitJS polls a JavaScript condition.
	waitJS := func(what, cond string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			deadline := time.Now().Add(20 * time.Second)
			for {
				ok, err := chromedp.Evaluate[bool](cond)(ctx, tg)
				if err != nil {
					return chromedp.Void{}, fmt.Errorf("waiting for %s: %w", what, err)
				}
				if ok {
					return chromedp.Void{}, nil
				}
				if time.Now().After(deadline) {
					banner, _ := chromedp.Evaluate[string](`document.querySelector("#error").hidden ? "" : document.querySelector("#error").textContent`)(ctx, tg)
					return chromedp.Void{}, fmt.Errorf("waiting for %s: timed out (error banner: %q)", what, banner)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
	count := func(sel string) string {
		return fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)
	}
	ids := func(sel string) string {
		return fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(e => Number(e.dataset.movieId))`, sel)
	}

	// 1. Search with a typo: Pulp Fiction first.
	var first string
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#view-home")),
		waitJS("popular movies", count("#row-home-popular .card")+" > 0"),
		chromedp.SendKeys(chromedp.CSS("#search-input"), "pulp fictoin"),
		chromedp.Click(chromedp.CSS("#search-form button[type=submit]")),
		waitJS("search results", count("#search-results .card")+" > 0"),
		into(&first, chromedp.Text(chromedp.CSS("#search-results li:first-child .title"))),
		shot("search"),
	); err != nil {
		t.Fatal(err)
	}
	if first != "Pulp Fiction" {
		t.Errorf("got %q first for \"pulp fictoin\", want Pulp Fiction", first)
	}

	// 2. Pick user 42: every carousel is filled.
	rows := []string{"#row-bert4rec", "#row-twotower", "#row-because", "#row-popular", "#row-history"}
	conds := []string{}
	for _, r := range rows {
		conds = append(conds, count(r+" .card")+" > 0")
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#user-input"), "42"),
		chromedp.Click(chromedp.CSS("#user-form button[type=submit]")),
		waitJS("the carousels of user 42", strings.Join(conds, " && ")),
		shot("user42"),
	); err != nil {
		t.Fatal(err)
	}

	// 3. Open the first "Up next" movie: details and similar movies.
	var target []int
	if err := chromedp.Do(ctx, into(&target, chromedp.Evaluate[[]int](ids("#row-bert4rec .card")))); err != nil || len(target) == 0 {
		t.Fatalf("no movie in the first carousel: %v", err)
	}
	movie := target[0]
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#row-bert4rec .card[data-movie-id="%d"]`, movie))),
		waitJS("the movie dialog", `document.querySelector("#movie-dialog").open`),
		waitJS("similar movies", count("#similar-cooccurrence button")+" > 0 && "+count("#similar-twotower button")+" > 0 && "+count("#similar-text button")+" > 0"),
		shot("movie"),
	); err != nil {
		t.Fatal(err)
	}

	// 4. Rate it: it leaves every carousel but the history, which it heads.
	notIn := []string{}
	for _, r := range rows[:4] {
		notIn = append(notIn, fmt.Sprintf(`!%s.includes(%d)`, ids(r+" .card"), movie))
	}
	cond := strings.Join(notIn, " && ") + fmt.Sprintf(` && %s[0] === %d`, ids("#row-history .card"), movie)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#movie-rate button[data-stars="5"]`)),
		waitJS("the rating to be saved", `document.querySelector("#rate-status").textContent.startsWith("Saved")`),
		waitJS("the rated movie to leave the carousels", cond),
		chromedp.Click(chromedp.CSS(`#movie-dialog .close button`)),
		shot("rated"),
	); err != nil {
		t.Fatal(err)
	}
	if rs := st.Ratings(42); len(rs) != 1 || int(rs[0].MovieID) != movie || rs[0].Rating != 5 {
		t.Errorf("got stored ratings %+v, want movie %d rated 5", rs, movie)
	}

	// 5. "I'm new": pick three movies, get recommendations at once.
	var picks []int
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#new-link")),
		waitJS("movies to pick", count("#new-grid .pick")+" >= 3"),
		chromedp.Click(chromedp.CSS(`#new-grid li:nth-child(1) .pick`)),
		chromedp.Click(chromedp.CSS(`#new-grid li:nth-child(2) .pick`)),
		chromedp.Click(chromedp.CSS(`#new-grid li:nth-child(3) .pick`)),
		waitJS("three picks", count(`#new-grid .pick[aria-pressed="true"]`)+" === 3"),
		waitJS("recommendations for the three picks", count("#new-recs .card")+" > 0 && document.querySelector('#new-model').textContent.startsWith('BERT4Rec') && (document.querySelector('#new-recs').dataset.picks || '').split(',').length === 3"),
		into(&picks, chromedp.Evaluate[[]int](ids(`#new-grid .pick[aria-pressed="true"]`))),
		into(&target, chromedp.Evaluate[[]int](ids("#new-recs .card"))),
		shot("new"),
	); err != nil {
		t.Fatal(err)
	}
	for _, id := range target {
		for _, p := range picks {
			if id == p {
				t.Errorf("recommended movie %d, which was picked", id)
			}
		}
	}

	// 6. The models page and a failing API call said plainly.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/#/models"),
		waitJS("the metrics table", count("#models-table tbody tr")+" > 0"),
		shot("models"),
		chromedp.Navigate(ts.URL+"/#/user/999999"),
		waitJS("the error banner", `!document.querySelector("#error").hidden && document.querySelector("#error").textContent.includes("user 999999 not found")`),
		waitJS("no made-up movies", count("#row-bert4rec .card")+" === 0"),
	); err != nil {
		t.Fatal(err)
	}

	// 7. Phone width.
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(ts.URL+"/#/user/42"),
		waitJS("the carousels at phone width", count("#row-bert4rec .card")+" > 0"),
		shot("phone"),
	); err != nil {
		t.Fatal(err)
	}
	var overflow bool
	if err := chromedp.Do(ctx, into(&overflow, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))); err != nil {
		t.Fatal(err)
	}
	if overflow {
		t.Error("the page is wider than a 390 px phone screen")
	}
	t.Logf("screenshots in %s", shots)
}

// into runs a, storing its value in dst, as a step of chromedp.Do.
func into[T any](dst *T, a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		v, err := a(ctx, tg)
		*dst = v
		return chromedp.Void{}, err
	}
}
