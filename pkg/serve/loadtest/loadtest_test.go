package loadtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunCountsRequestsAndErrors(t *testing.T) {
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%10 == 0 {
			w.WriteHeader(500)
		}
	}))
	defer ts.Close()
	var ran atomic.Bool
	res, err := Run(context.Background(), NewClient(4), Scenario{Name: "t", Clients: 4, Duration: 300 * time.Millisecond,
		Request: func(int) (string, string, string) { return "GET", ts.URL, "" },
		During:  func() error { ran.Store(true); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests < 20 || res.Errors == 0 || res.Errors > res.Requests/5 {
		t.Errorf("got %d requests and %d errors, want >= 20 and about a tenth", res.Requests, res.Errors)
	}
	if !ran.Load() {
		t.Error("During did not run")
	}
	if !(res.P50ms <= res.P95ms && res.P95ms <= res.P99ms && res.P99ms <= res.MaxMs) {
		t.Errorf("got percentiles out of order: %+v", res)
	}
	if _, err := Run(context.Background(), NewClient(1), Scenario{Name: "long", Clients: 1, Duration: time.Minute}); err == nil {
		t.Error("got no error for a scenario longer than MaxDuration")
	}
}

// TestOpenLoopRate: an open-loop scenario sends about Rate requests a
// second, and says so.
func TestOpenLoopRate(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer ts.Close()
	res, err := Run(context.Background(), NewClient(8), Scenario{Name: "rate", Clients: 8, Duration: 500 * time.Millisecond, Rate: 400,
		Request: func(int) (string, string, string) { return "GET", ts.URL, "" }})
	if err != nil {
		t.Fatal(err)
	}
	if res.OfferedRPS != 400 || res.Requests < 120 || res.Requests > 210 || res.Errors != 0 {
		t.Errorf("got %d requests (%.0f/s offered, %d errors) in 0.5 s, want about 200 (at most 201) at 400/s and no error", res.Requests, res.OfferedRPS, res.Errors)
	}
	if _, err := Run(context.Background(), NewClient(1), Scenario{Name: "neg", Clients: 1, Duration: time.Second, Rate: -1}); err == nil {
		t.Error("got no error for a negative rate")
	}
}

// TestOpenLoopCountsWaiting: when the server stalls, the requests that
// fell due meanwhile count their wait (latency from when they were due);
// a closed loop of one client sees a single slow request instead.
func TestOpenLoopCountsWaiting(t *testing.T) {
	run := func(rate float64) Result {
		// A server of its own per run: a request of the previous run still
		// in flight must not take the stall.
		var first atomic.Bool
		ts := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			if first.CompareAndSwap(false, true) {
				time.Sleep(150 * time.Millisecond)
			}
		}))
		defer ts.Close()
		res, err := Run(context.Background(), NewClient(1), Scenario{Name: "stall", Clients: 1, Duration: 500 * time.Millisecond, Rate: rate,
			Request: func(int) (string, string, string) { return "GET", ts.URL, "" }})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	open := run(200)
	if open.P95ms < 40 || open.MaxMs < 140 {
		t.Errorf("open loop: p95 %.1f ms, max %.1f ms; want the ~30 requests due during the 150 ms stall to count their wait (p95 >= 40)", open.P95ms, open.MaxMs)
	}
	closed := run(0)
	if closed.P95ms > 20 || closed.MaxMs < 140 {
		t.Errorf("closed loop: p95 %.1f ms, max %.1f ms; want one slow request only", closed.P95ms, closed.MaxMs)
	}
}
