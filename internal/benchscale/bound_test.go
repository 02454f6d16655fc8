package benchscale

import (
	"testing"
	"time"
)

// The latency bound counts whole round trips: a single write takes one latency however many
// requests may be in flight; a cold converge's writes take ⌈writes / concurrency⌉ of them.
func TestLatencyBoundCountsRoundTrips(t *testing.T) {
	for _, c := range []struct {
		writes     int64
		limit      float64
		configured int
		want       float64
	}{
		{writes: 1, limit: 36, want: 0.005},
		{writes: 2, limit: 36, want: 0.005},
		{writes: 35037, limit: 25, want: 1402 * 0.005},
		{writes: 32, configured: 16, limit: 36, want: 2 * 0.005},
		{writes: 33, want: 3 * 0.005}, // no limit exported: 16 in flight
		{writes: 0, limit: 36, want: 0},
	} {
		p := Phase{MinWrites: c.writes, InFlightLimit: c.limit}
		if got := p.LatencyBound(5*time.Millisecond, c.configured); got < c.want-1e-9 || got > c.want+1e-9 {
			t.Errorf("%d writes, limit %v, --concurrency %d: bound %.4f s, want %.4f s", c.writes, c.limit, c.configured, got, c.want)
		}
	}
}
