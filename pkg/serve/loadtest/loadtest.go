// Package loadtest is a small HTTP load generator for the application's
// routes. Closed loop (the default): a fixed number of clients each send
// one request, wait for the answer, and send the next, for a bounded
// time: the route's throughput, and its latency with that many requests
// always in flight. Open loop (Scenario.Rate): requests are due at a fixed
// rate, whatever the answers do, and each one's latency counts from when
// it was due, so a slow answer that delays the next requests is not
// hidden (no coordinated omission): the latency a route gives at a given
// load. It records every latency, so the percentiles are exact, and counts
// as an error any transport failure or status other than 2xx.
package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// MaxDuration bounds a scenario.
const MaxDuration = 30 * time.Second

// Scenario is one route under load.
type Scenario struct {
	Name     string
	Route    string // the route's pattern, for the report
	Clients  int
	Duration time.Duration
	// Rate, if above 0, makes the scenario open loop: a request is due
	// every 1/Rate seconds, sent by whichever of the Clients is free.
	Rate float64
	// Request returns the n'th request's method, URL and body ("" for
	// none). It is called concurrently.
	Request func(n int) (method, url, body string)
	// During, if set, runs in its own goroutine at the middle of the
	// scenario (a hot reload, say); its error is reported.
	During func() error
}

// Result is what a scenario measured.
type Result struct {
	Name    string `json:"name"`
	Route   string `json:"route"`
	Clients int    `json:"clients"`
	// OfferedRPS is the open loop's rate (absent for a closed loop); RPS
	// below it means the server did not keep up.
	OfferedRPS float64 `json:"offered_requests_per_second,omitempty"`
	Seconds    float64 `json:"seconds"`
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"`
	RPS        float64 `json:"requests_per_second"`
	P50ms      float64 `json:"p50_ms"`
	P95ms      float64 `json:"p95_ms"`
	P99ms      float64 `json:"p99_ms"`
	MaxMs      float64 `json:"max_ms"`
	// CPU time per request of the server and of the generator, when the
	// caller measures them: what the throughput of an idle machine is
	// bounded by, whatever else runs on a shared one.
	ServerCPUms    float64 `json:"server_cpu_ms_per_request,omitempty"`
	GeneratorCPUms float64 `json:"generator_cpu_ms_per_request,omitempty"`
	FirstErr       string  `json:"first_error,omitempty"`
	DuringErr      string  `json:"during_error,omitempty"`
}

// NewClient returns an HTTP client that keeps one connection per client.
func NewClient(clients int) *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, MaxConnsPerHost: clients * 2,
			IdleConnTimeout: time.Minute, DisableCompression: true,
		},
	}
}

// Run runs a scenario and returns its result.
func Run(ctx context.Context, c *http.Client, s Scenario) (Result, error) {
	if s.Duration <= 0 || s.Duration > MaxDuration {
		return Result{}, fmt.Errorf("scenario %s: duration %v: want more than 0 and at most %v", s.Name, s.Duration, MaxDuration)
	}
	if s.Clients < 1 {
		return Result{}, fmt.Errorf("scenario %s: %d clients: want at least 1", s.Name, s.Clients)
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, s.Duration)
	defer cancel()
	var (
		mu       sync.Mutex
		lat      []time.Duration
		errs     int
		firstErr string
		next     int
	)
	if s.Rate < 0 || s.Rate > 1e6 {
		return Result{}, fmt.Errorf("scenario %s: rate %g: want 0 (closed loop) or up to 1e6 requests a second", s.Name, s.Rate)
	}
	res := Result{Name: s.Name, Route: s.Route, Clients: s.Clients, OfferedRPS: s.Rate}
	var during sync.WaitGroup
	if s.During != nil {
		during.Add(1)
		go func() {
			defer during.Done()
			// Only the caller's cancellation skips it: on a loaded machine
			// this goroutine may wake after the scenario's own deadline,
			// and a reload that silently never ran would pass for one that
			// failed no request.
			select {
			case <-time.After(s.Duration / 2):
			case <-parent.Done():
				return
			}
			if err := s.During(); err != nil {
				mu.Lock()
				res.DuringErr = err.Error()
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	// due returns when the next request is due: now for a closed loop;
	// for an open one, the time the schedule gave it (false at the end).
	due := func() (time.Time, bool) { return time.Now(), ctx.Err() == nil }
	if s.Rate > 0 {
		times := make(chan time.Time)
		go schedule(ctx, start, s.Rate, times)
		due = func() (time.Time, bool) {
			t, ok := <-times
			return t, ok
		}
	}
	var wg sync.WaitGroup
	for i := 0; i < s.Clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			localErrs, localFirst := 0, ""
			for {
				t0, ok := due()
				if !ok {
					break
				}
				mu.Lock()
				n := next
				next++
				mu.Unlock()
				method, url, body := s.Request(n)
				err := do(ctx, c, method, url, body)
				if ctx.Err() != nil {
					break // cut off by the end of the scenario: not counted
				}
				local = append(local, time.Since(t0))
				if err != nil {
					localErrs++
					if localFirst == "" {
						localFirst = err.Error()
					}
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			errs += localErrs
			if firstErr == "" {
				firstErr = localFirst
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	during.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	res.Seconds = round(elapsed.Seconds(), 2)
	res.Requests, res.Errors, res.FirstErr = len(lat), errs, firstErr
	res.RPS = round(float64(len(lat))/elapsed.Seconds(), 1)
	res.P50ms, res.P95ms, res.P99ms = pct(lat, 50), pct(lat, 95), pct(lat, 99)
	if len(lat) > 0 {
		res.MaxMs = ms(lat[len(lat)-1])
	}
	return res, nil
}

// schedule sends on times the due time of request k, start + k/rate, at
// that time (at once when a free client takes it late), until ctx ends;
// then it closes times.
func schedule(ctx context.Context, start time.Time, rate float64, times chan<- time.Time) {
	defer close(times)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for k := 0; ; k++ {
		at := start.Add(time.Duration(float64(k) / rate * float64(time.Second)))
		if wait := time.Until(at); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				return
			}
		}
		select {
		case times <- at:
		case <-ctx.Done():
			return
		}
	}
}

func do(ctx context.Context, c *http.Client, method, url, body string) error {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s %s: status %d", method, url, resp.StatusCode)
	}
	return err
}

// pct is the p'th percentile (nearest rank) of sorted latencies, in ms.
func pct(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.999999) - 1
	return ms(sorted[max(0, min(i, len(sorted)-1))])
}

func ms(d time.Duration) float64 { return round(float64(d)/1e6, 3) }

func round(x float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}
