package midonet

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// The client's metrics, shared by every Client in the process and registered once in
// controller-runtime's registry so that the manager's /metrics endpoint serves them.
var (
	requestsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "midovpc_midonet_requests_total",
		Help: "HTTP requests (attempts) sent to the MidoNet API, by method, resource kind and status code (\"error\" when no answer came).",
	}, []string{"method", "resource", "code"})

	requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "midovpc_midonet_request_duration_seconds",
		Help:    "Duration of one MidoNet API request attempt, by method and resource kind.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"method", "resource"})

	retriesTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "midovpc_midonet_retries_total",
		Help: "MidoNet API requests retried after a transient failure, by method and resource kind.",
	}, []string{"method", "resource"})

	inFlightLimit = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "midovpc_midonet_in_flight_limit",
		Help: "Current adaptive limit on MidoNet API requests in flight (bounded by --midonet-max-in-flight).",
	})

	registerOnce sync.Once
)

// registerMetrics adds the collectors to controller-runtime's registry, once per process.
// An AlreadyRegisteredError (someone registered equal collectors first) is harmless.
func registerMetrics() {
	registerOnce.Do(func() {
		for _, c := range []prometheus.Collector{requestsTotal, requestDuration, retriesTotal, inFlightLimit} {
			if err := ctrlmetrics.Registry.Register(c); err != nil {
				if _, dup := err.(prometheus.AlreadyRegisteredError); !dup {
					panic(err)
				}
			}
		}
	})
}

func observeRequest(method string, res Resource, status int, d time.Duration) {
	code := "error"
	if status > 0 {
		code = strconv.Itoa(status)
	}
	requestsTotal.WithLabelValues(method, string(res), code).Inc()
	requestDuration.WithLabelValues(method, string(res)).Observe(d.Seconds())
}

func observeInFlightLimit(limit int) { inFlightLimit.Set(float64(limit)) }
