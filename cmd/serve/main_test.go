package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moviegenie/pipeline/pkg/serve/appstore"
	"github.com/moviegenie/pipeline/pkg/serve/servetest"
	"github.com/moviegenie/pipeline/pkg/testbin"
)

// bin is cmd/serve, built once per test run.
var bin testbin.Binary

func TestMain(m *testing.M) { os.Exit(bin.Run(m)) }

// TestUsageAndDataErrors checks the exit codes: 2 for a bad call, 1 for
// missing data, each with a message naming what is wrong.
func TestUsageAndDataErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"run", "--watch", "-1s"}, 2, "--watch"},
		{[]string{"run", "extra"}, 2, "unexpected argument"},
		{[]string{"run", "--nope"}, 2, "nope"},
		{[]string{"run", "--db", filepath.Join(dir, "missing.db")}, 1, "missing.db"},
		{[]string{"loadtest", "--duration", "31s"}, 2, "--duration"},
		{[]string{"export", "--app-db", filepath.Join(dir, "none.db")}, 1, "none.db"},
	}
	for _, c := range cases {
		cmd := exec.Command(bin.Path(t), c.args...)
		cmd.Dir = dir
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != c.code || !strings.Contains(string(out), c.want) {
			t.Errorf("serve %v: got exit %d and %q, want exit %d and a message naming %q", c.args, code, out, c.code, c.want)
		}
	}
}

// TestServeReloadAndStop runs the binary on the pipeline's outputs: it
// serves on a free port of 127.0.0.1, reloads on SIGHUP, and stops cleanly
// (exit 0) on SIGTERM.
func TestServeReloadAndStop(t *testing.T) {
	f := servetest.Files(t)
	dir := t.TempDir()
	cmd := exec.Command(bin.Path(t), "run", "--addr", "127.0.0.1:0", "--watch", "0", "--db", f.DB, "--bert4rec", f.BERT4Rec,
		"--twotower", f.TwoTower, "--semantic", f.Semantic, "--app-db", filepath.Join(dir, "app.db"), "--raw", f.Raw)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "serving on "); ok {
				addr <- a
			}
		}
	}()
	var base string
	select {
	case base = <-addr:
	case <-time.After(60 * time.Second):
		t.Fatalf("no 'serving on' line within 60 s; stderr:\n%s", stderr.String())
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Errorf("got address %s, want 127.0.0.1", base)
	}
	gen := func() int {
		resp, err := http.Get(base + "/api/health")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var h struct {
			Generation int `json:"generation"`
		}
		json.NewDecoder(resp.Body).Decode(&h)
		return h.Generation
	}
	if g := gen(); g != 1 {
		t.Errorf("got generation %d at start, want 1", g)
	}
	cmd.Process.Signal(syscall.SIGHUP)
	deadline := time.Now().Add(30 * time.Second)
	for gen() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("no reload within 30 s of SIGHUP; stderr:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("got %v on SIGTERM, want a clean exit; stderr:\n%s", err, stderr.String())
	}
}

// TestShutdownFinishesRequestInFlight sends SIGTERM to the binary while a
// request is in flight (its body half sent), checks that the server stops
// taking new connections, then finishes the request: it gets its 201, the
// rating is stored, and the server exits 0.
func TestShutdownFinishesRequestInFlight(t *testing.T) {
	f := servetest.Files(t)
	dir := t.TempDir()
	appDB := filepath.Join(dir, "app.db")
	cmd := exec.Command(bin.Path(t), "run", "--addr", "127.0.0.1:0", "--watch", "0", "--db", f.DB, "--bert4rec", f.BERT4Rec,
		"--twotower", f.TwoTower, "--semantic", f.Semantic, "--app-db", appDB, "--raw", f.Raw)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "serving on http://"); ok {
				addr <- a
			}
		}
	}()
	var host string
	select {
	case host = <-addr:
	case <-time.After(60 * time.Second):
		t.Fatalf("no 'serving on' line within 60 s; stderr:\n%s", stderr.String())
	}

	body := `{"movie_id":50,"rating":4}`
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/users/42/ratings HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		host, len(body), body[:10])
	time.Sleep(200 * time.Millisecond) // the server is reading the body
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Shutdown has begun once the listener refuses new connections.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("the server still accepts connections 10 s after SIGTERM; stderr:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := io.WriteString(conn, body[10:]); err != nil {
		t.Fatalf("finish the request in flight: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to the request in flight: %v; stderr:\n%s", err, stderr.String())
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("got status %d (%s) for the request in flight, want 201", resp.StatusCode, data)
	}
	conn.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("got %v after SIGTERM, want exit 0; stderr:\n%s", err, stderr.String())
	}
	st, err := appstore.Open(appDB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if rs := st.Ratings(42); len(rs) != 1 || rs[0].MovieID != 50 {
		t.Errorf("got app ratings %+v after the shutdown, want user 42's rating of movie 50", rs)
	}
}
