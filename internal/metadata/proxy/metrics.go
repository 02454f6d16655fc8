package proxy

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics count the metadata service's requests.
type Metrics struct {
	requests       *prometheus.CounterVec
	duration       prometheus.Histogram
	unknownSources prometheus.Counter
}

// NewMetrics registers the metadata service's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "midovpc_metadata_requests_total",
			Help: "Metadata requests answered, by HTTP status code.",
		}, []string{"code"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "midovpc_metadata_request_duration_seconds",
			Help:    "Time to answer a metadata request, upstream included.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15},
		}),
		unknownSources: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "midovpc_metadata_unknown_sources_total",
			Help: "Metadata requests refused because their source maps to no interface.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.unknownSources)
	return m
}

func (m *Metrics) observe(code int, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(strconv.Itoa(code)).Inc()
	m.duration.Observe(d.Seconds())
}

func (m *Metrics) unknownSource() {
	if m != nil {
		m.unknownSources.Inc()
	}
}
