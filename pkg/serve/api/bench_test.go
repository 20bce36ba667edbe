package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// BenchmarkRecommendations is one live BERT4Rec recommendation request
// through the handler (no network), on the test pipeline's model.
func BenchmarkRecommendations(b *testing.B) {
	ts, _ := testServer(b)
	srv := ts.Config.Handler
	users := []int{1, 42, 99, 150, 200, 250}
	i := 0
	for b.Loop() {
		req := httptest.NewRequest("GET", fmt.Sprintf("/api/users/%d/recommendations?model=bert4rec&k=10", users[i%len(users)]), nil)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("got %d", w.Code)
		}
		i++
	}
}

// BenchmarkSearchUncached is one search through the handler, a new query
// every time (past the per-set cache), as the loadtest's search_uncached.
func BenchmarkSearchUncached(b *testing.B) {
	ts, _ := testServer(b)
	srv := ts.Config.Handler
	titles := []string{"pulp fictoin", "star wras", "godfahter", "toy sotry", "fargoo", "the shawshank redmption"}
	i := 0
	for b.Loop() {
		q := url.QueryEscape(fmt.Sprintf("%s %d", titles[i%len(titles)], i))
		req := httptest.NewRequest("GET", "/api/search?k=10&q="+q, nil)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("got %d", w.Code)
		}
		i++
	}
}
