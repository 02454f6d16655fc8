package globalview

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// Metrics of the global view, served with controller-runtime's on the manager's
// metrics endpoint.
var (
	rejectedViews = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "midovpc_globalview_rejected_total",
		Help: "Global network views rejected whole (unparsable, invalid or not projectable).",
	})
	appliedViews = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "midovpc_globalview_applied_total",
		Help: "Global network views applied to the cluster.",
	})
	lastAppliedTimestamp = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "midovpc_globalview_last_applied_timestamp_seconds",
		Help: "Unix time the last global network view was applied.",
	})
)

func init() {
	metrics.Registry.MustRegister(rejectedViews, appliedViews, lastAppliedTimestamp)
}
