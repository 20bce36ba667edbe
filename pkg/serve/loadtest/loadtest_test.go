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
