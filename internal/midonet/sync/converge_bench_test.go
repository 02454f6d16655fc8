package sync_test

import (
	gosync "sync"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/topology"
)

// BenchmarkColdConvergeMediumTopology converges the medium topology from nothing through an
// emulator answering in 5 ms, as the manager does: the owners the interfaces depend on first,
// then every interface at once, through the default adaptive client. It reports the writes,
// the reads after the index load (0), the in-flight limit reached and the ratio of the time to
// the latency bound (writes × 5 ms / that limit).
func BenchmarkColdConvergeMediumTopology(b *testing.B) {
	const latency = 5 * time.Millisecond
	frags := mediumTopology(b)
	var writes, reads, limit int
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b, sim.Options{Latency: latency}, func(c *midonet.Config) { c.MaxInFlight = 0; c.Timeout = 0 })
		e.reset()
		b.StartTimer()
		start := time.Now()
		writes = 0
		var mu gosync.Mutex
		var wg gosync.WaitGroup
		for i := range frags {
			f := &frags[i]
			run := func() {
				res, err := e.eng.Sync(e.ctx, f, nil)
				if err != nil {
					b.Errorf("sync %s: %v", f.Owner, err)
					return
				}
				mu.Lock()
				writes += res.Writes
				mu.Unlock()
			}
			if f.Owner.Kind == topology.KindNetworkInterface {
				wg.Go(run)
			} else {
				run()
			}
		}
		wg.Wait()
		elapsed = time.Since(start)
		reads, limit = int(e.sim.Server.Reads()), e.client.InFlightLimit()
	}
	bound := time.Duration(writes) * latency / time.Duration(max(limit, 1))
	b.ReportMetric(float64(writes), "writes")
	b.ReportMetric(float64(reads), "reads")
	b.ReportMetric(float64(limit), "in-flight-limit")
	b.ReportMetric(elapsed.Seconds()/bound.Seconds(), "x-latency-bound")
}
