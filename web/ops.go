package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
)

// A route is one (method, path) the server answers itself, with its
// handler. The path is written the same way in the ServeMux pattern and in
// the OpenAPI document, which describes these routes with the API's.
type route struct {
	method, path string
	handler      http.Handler
}

// routes is the table of the operational routes. The API (served at /api)
// and the pages (at /, everything else) have route tables of their own.
func (srv *Server) routes() []route {
	return []route{
		{"GET", "/healthz", http.HandlerFunc(healthz)},
		{"GET", "/readyz", http.HandlerFunc(srv.readyz)},
		{"GET", "/metrics", srv.signedIn(srv.metrics.handler(srv.store))},
	}
}

// signedIn lets only a signed-in user, of any role, through to h: the
// metrics tell how much the server is used and by which routes, which is
// the operator's business, not the public's, whatever PublicRead says. A
// scraper sends a viewer's token (Prometheus: authorization credentials).
// The health checks stay open, for load balancers that send none.
func (srv *Server) signedIn(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who, err := srv.auth.Identify(r)
		if err == nil {
			err = srv.auth.SignedIn(who)
		}
		if err != nil {
			status, detail, ok := httpx.Status(err)
			if !ok {
				srv.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
				detail = "internal error"
			}
			httpx.WriteProblem(w, status, detail)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// healthz answers 200 while the process is up.
func healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyTimeout bounds how long /readyz waits for the store.
const readyTimeout = 2 * time.Second

// readyz answers 200 if the store says in time that it can take writes
// (zootour.Store's Ready: answering, writable, with disk space), else 503
// with the reason. A store with a read replica adds a line on it, which
// does not change the status: without the replica, reads go to the
// primary (docs/replicas.md).
func (srv *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	replica := replicaLine(srv.store)
	if err := srv.store.Ready(ctx); err != nil {
		srv.log.Warn("not ready", "err", err)
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("not ready: " + zootour.ErrorMessage(err) + "\n" + replica))
		return
	}
	w.Write([]byte("ok\n" + replica))
}

// replicaOf returns the state of s's read replica, if it has one.
func replicaOf(s zootour.Store) (zootour.ReplicaStatus, bool) {
	if r, ok := s.(zootour.Replicated); ok {
		return r.ReplicaStatus()
	}
	return zootour.ReplicaStatus{}, false
}

// replicaLine is /readyz's line on the store's read replica, "" if it has
// none.
func replicaLine(s zootour.Store) string {
	st, ok := replicaOf(s)
	switch {
	case !ok:
		return ""
	case st.Healthy:
		return fmt.Sprintf("replica: ok, %s behind (at most %s)\n", st.Lag.Round(time.Millisecond), st.MaxLag)
	}
	return "replica: not in use, reads go to the primary: " + st.Reason + "\n"
}

// metrics holds the server's own Prometheus registry, so that two servers
// in one process (tests) never collide.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	replica  sync.Once // registers the store's replica collector, once
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zootour_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "zootour_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern, method and status.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method", "status"}),
	}
	m.reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// handler serves the metrics, with those of s's read replica if it has
// one.
func (m *metrics) handler(s zootour.Store) http.Handler {
	// The route table may be built more than once (its tests build it
	// again); the collector is the store's, registered once.
	m.replica.Do(func() { m.reg.MustRegister(replicaCollector{s}) })
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// replicaCollector gives the metrics of a store's read replica, as the
// store counts them, at each scrape: none for a store without one.
type replicaCollector struct{ store zootour.Store }

var (
	replicaReadsDesc = prometheus.NewDesc("zootour_replica_reads_total",
		"Reads of a store with a read replica, by where they went: the replica, the primary after their client's own write, or the primary because the replica was down or lagging.",
		[]string{"to"}, nil)
	replicaHealthyDesc = prometheus.NewDesc("zootour_replica_healthy",
		"1 if reads may go to the read replica, 0 if they all go to the primary (/readyz says why).", nil, nil)
	replicaLagDesc = prometheus.NewDesc("zootour_replica_lag_seconds",
		"How long ago the primary was where the read replica's replay is.", nil, nil)
	replicaMaxLagDesc = prometheus.NewDesc("zootour_replica_max_lag_seconds",
		"The lag beyond which reads leave the read replica for the primary.", nil, nil)
)

func (c replicaCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- replicaReadsDesc
	ch <- replicaHealthyDesc
	ch <- replicaLagDesc
	ch <- replicaMaxLagDesc
}

func (c replicaCollector) Collect(ch chan<- prometheus.Metric) {
	st, ok := replicaOf(c.store)
	if !ok {
		return
	}
	for to, n := range map[string]uint64{"replica": st.ReplicaReads, "primary_own_writes": st.OwnWriteReads, "primary_fallback": st.FallbackReads} {
		ch <- prometheus.MustNewConstMetric(replicaReadsDesc, prometheus.CounterValue, float64(n), to)
	}
	healthy := 0.0
	if st.Healthy {
		healthy = 1
	}
	ch <- prometheus.MustNewConstMetric(replicaHealthyDesc, prometheus.GaugeValue, healthy)
	ch <- prometheus.MustNewConstMetric(replicaLagDesc, prometheus.GaugeValue, st.Lag.Seconds())
	ch <- prometheus.MustNewConstMetric(replicaMaxLagDesc, prometheus.GaugeValue, st.MaxLag.Seconds())
}

// knownMethods keeps the method label to a fixed set: clients may send any
// token as a method.
var knownMethods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true}

func (m *metrics) observe(route, method string, status int, took time.Duration) {
	if !knownMethods[method] {
		method = "OTHER"
	}
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(route, method, code).Inc()
	m.duration.WithLabelValues(route, method, code).Observe(took.Seconds())
}
