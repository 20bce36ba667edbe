package api

import (
	"io/fs"
	"log"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/moviegenie/pipeline/pkg/serve/appstore"
	"github.com/moviegenie/pipeline/pkg/serve/modelset"
)

// Config is what the API serves.
type Config struct {
	Holder *modelset.Holder
	Store  *appstore.Store
	// MetricsDir holds the pipeline's metrics/*.json (GET /api/models);
	// ReportsDir the charts of `make plots` (GET /reports/NAME.png).
	MetricsDir string
	ReportsDir string
	// Static is the embedded page (index.html at its root).
	Static fs.FS
	// RawMaxUserID is the largest user id of the raw data
	// (rawusers.MaxID): new users get ids above it. 0 means unknown, and
	// POST /api/users is then refused (503), as an id could collide.
	RawMaxUserID int32
}

// Server is the HTTP handler of the application.
type Server struct {
	cfg Config
	mux *http.ServeMux
	reg *prometheus.Registry

	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	reloads  *prometheus.CounterVec
}

// handler answers one request from one Set.
type handler func(w http.ResponseWriter, r *http.Request, set *modelset.Set) error

// New builds the server and its routes.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg, mux: http.NewServeMux(), reg: prometheus.NewRegistry()}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "moviegenie_http_requests_total", Help: "HTTP requests answered, by route, method and status code.",
	}, []string{"route", "method", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "moviegenie_http_request_duration_seconds", Help: "Time to answer a request, by route.",
		Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route"})
	s.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "moviegenie_model_reloads_total", Help: "Reloads of the database and models, by trigger and result.",
	}, []string{"trigger", "result"})
	s.reg.MustRegister(s.requests, s.latency, s.reloads,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "moviegenie_model_set_generation", Help: "Generation of the loaded set of database and models (1 = loaded at start).",
		}, func() float64 { return float64(cfg.Holder.Current().Generation) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "moviegenie_bert4rec_forward_passes_total", Help: "BERT4Rec forward passes of the current model set (each scores a batch of requests).",
		}, func() float64 { b, _ := cfg.Holder.Current().BERT4Rec.Stats(); return float64(b) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "moviegenie_search_cache_hits_total", Help: "Searches without a user answered from the current model set's cache.",
		}, func() float64 { h, _ := cfg.Holder.Current().SearchCacheStats(); return float64(h) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "moviegenie_search_cache_misses_total", Help: "Searches without a user computed in the current model set.",
		}, func() float64 { _, m := cfg.Holder.Current().SearchCacheStats(); return float64(m) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "moviegenie_bert4rec_histories_scored_total", Help: "Histories BERT4Rec scored in the current model set.",
		}, func() float64 { _, n := cfg.Holder.Current().BERT4Rec.Stats(); return float64(n) }),
	)

	s.route("/api/health", "health", map[string]handler{"GET": s.health})
	s.route("/api/genres", "genres", map[string]handler{"GET": s.genres})
	s.route("/api/movies", "movies", map[string]handler{"GET": s.movies})
	s.route("/api/movies/{id}", "movie", map[string]handler{"GET": s.movie})
	s.route("/api/search", "search", map[string]handler{"GET": s.search})
	s.route("/api/users", "users", map[string]handler{"POST": s.createUser})
	s.route("/api/users/{id}", "user", map[string]handler{"GET": s.user})
	s.route("/api/users/{id}/history", "history", map[string]handler{"GET": s.history})
	s.route("/api/users/{id}/recommendations", "user_recommendations", map[string]handler{"GET": s.userRecommendations})
	s.route("/api/users/{id}/because", "because", map[string]handler{"GET": s.because})
	s.route("/api/users/{id}/ratings", "ratings", map[string]handler{"POST": s.rate})
	s.route("/api/recommendations", "recommendations", map[string]handler{"POST": s.recommendations})
	s.route("/api/models", "models", map[string]handler{"GET": s.models})
	s.route("/api/", "unknown", map[string]handler{"GET": notFound, "POST": notFound, "PUT": notFound, "DELETE": notFound, "PATCH": notFound})
	s.route("/reports/{name}", "reports", map[string]handler{"GET": s.report})
	s.mux.Handle("/metrics", s.instrument("metrics", methods(map[string]http.Handler{
		"GET": promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}),
	})))
	s.mux.Handle("/", s.instrument("page", methods(map[string]http.Handler{"GET": s.page()})))
	return s
}

// ReloadObserver records reload attempts in the metrics and the log; pass
// it as the Holder's OnReload.
func (s *Server) ReloadObserver(trigger string, set *modelset.Set, err error) {
	if err != nil {
		s.reloads.WithLabelValues(trigger, "error").Inc()
		log.Printf("reload (%s) failed, still serving the previous files: %v", trigger, err)
		return
	}
	s.reloads.WithLabelValues(trigger, "ok").Inc()
	log.Printf("reload (%s): now serving generation %d", trigger, set.Generation)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func notFound(w http.ResponseWriter, r *http.Request, _ *modelset.Set) error {
	return errorf(http.StatusNotFound, CodeNotFound, "no such API route: %s", clip(r.URL.Path))
}

// route registers an API path with a handler per method.
func (s *Server) route(pattern, name string, hs map[string]handler) {
	m := map[string]http.Handler{}
	for method, h := range hs {
		m[method] = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			set := s.cfg.Holder.Current()
			if err := h(w, r, set); err != nil {
				writeError(w, err)
			}
		})
	}
	s.mux.Handle(pattern, s.instrument(name, methods(m)))
}

// methods dispatches on the method; any other is a JSON 405 with Allow.
// HEAD is answered as GET.
func methods(m map[string]http.Handler) http.Handler {
	var allow []string
	for k := range m {
		allow = append(allow, k)
	}
	sort.Strings(allow)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method := r.Method
		if method == http.MethodHead {
			method = http.MethodGet
		}
		if h, ok := m[method]; ok {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "method %s not allowed here: use %s", clip(r.Method), strings.Join(allow, " or ")))
	})
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// instrument counts and times requests, sets the security headers, and
// turns a panic into a logged 500 (never a stack trace to the client).
func (s *Server) instrument(route string, h http.Handler) http.Handler {
	lat := s.latency.WithLabelValues(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Printf("panic answering %s %s: %v", r.Method, r.URL.Path, p)
				if sw.code == 0 {
					writeError(sw, errorf(http.StatusInternalServerError, CodeInternal, "internal error (logged on the server)"))
				}
			}
			code := sw.code
			if code == 0 {
				code = http.StatusOK
			}
			lat.Observe(time.Since(start).Seconds())
			s.requests.WithLabelValues(route, methodLabel(r.Method), strconv.Itoa(code)).Inc()
		}()
		h.ServeHTTP(sw, r)
	})
}

// methodLabel keeps the metrics' label values bounded.
func methodLabel(m string) string {
	switch m {
	case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS":
		return m
	}
	return "other"
}
