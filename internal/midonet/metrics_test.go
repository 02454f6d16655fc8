package midonet

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// counterValue reads one series of a counter vector; resource "" sums over resources.
func counterValue(t *testing.T, vec *prometheus.CounterVec, method, resource string, code ...string) float64 {
	t.Helper()
	if resource != "" {
		labels := []string{method, resource}
		labels = append(labels, code...)
		return testutil.ToFloat64(vec.WithLabelValues(labels...))
	}
	total := 0.0
	for _, res := range []Resource{ResRouters, ResBridges, ResChains, ResRules, ResPorts, ResDHCPSubnets} {
		total += testutil.ToFloat64(vec.WithLabelValues(method, string(res)))
	}
	return total
}

func TestMetrics(t *testing.T) {
	f := newFakeAPI(t)
	f.put(apiPrefix+"/routers/r", map[string]any{"id": "r"})
	failFirst(f, "GET", apiPrefix+"/routers/r", 1, faults["503"])
	c := newTestClient(t, f, nil)
	// A second client in the same process must not panic on registration.
	newTestClient(t, f, nil)

	ok := counterValue(t, requestsTotal, "GET", "routers", "200")
	unavailable := counterValue(t, requestsTotal, "GET", "routers", "503")
	notFound := counterValue(t, requestsTotal, "GET", "routers", "404")
	retries := counterValue(t, retriesTotal, "GET", "routers")
	histBefore := testutil.CollectAndCount(requestDuration)

	if _, err := c.GetRouter(testContext(t), "r"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRouter(testContext(t), "other"); !IsNotFound(err) {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"200", counterValue(t, requestsTotal, "GET", "routers", "200"), ok + 1},
		{"503", counterValue(t, requestsTotal, "GET", "routers", "503"), unavailable + 1},
		{"404", counterValue(t, requestsTotal, "GET", "routers", "404"), notFound + 1},
		{"retries", counterValue(t, retriesTotal, "GET", "routers"), retries + 1},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: counter = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if testutil.CollectAndCount(requestDuration) < max(histBefore, 1) {
		t.Error("no duration histogram series")
	}

	// The collectors live in controller-runtime's registry under the agreed names.
	families, err := ctrlmetrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, mf := range families {
		found[mf.GetName()] = true
	}
	for _, name := range []string{"midovpc_midonet_requests_total", "midovpc_midonet_request_duration_seconds", "midovpc_midonet_retries_total"} {
		if !found[name] {
			t.Errorf("metric %s not in controller-runtime's registry", name)
		}
	}
}
