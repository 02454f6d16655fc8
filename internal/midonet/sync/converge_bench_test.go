package sync_test

import (
	gosync "sync"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/topology"
)

// convergeRun is what one cold converge of the medium topology cost.
type convergeRun struct {
	elapsed              time.Duration
	writes, reads, limit int
	stalls               int // requests the emulator applied and never answered
}

// coldConverge converges the medium topology from nothing, as the manager does: the owners
// the interfaces depend on first, one after another, then every interface at once, through
// the default adaptive client (with the given attempt timeout).
func coldConverge(tb testing.TB, opts sim.Options, timeout time.Duration) convergeRun {
	frags := mediumTopology(tb)
	e := newEnv(tb, opts, func(c *midonet.Config) { c.MaxInFlight = 0; c.Timeout = timeout })
	e.reset()
	var out convergeRun
	var mu gosync.Mutex
	var wg gosync.WaitGroup
	start := time.Now()
	for i := range frags {
		f := &frags[i]
		run := func() {
			res, err := e.eng.Sync(e.ctx, f, nil)
			for err != nil && !tb.Failed() { // a reconcile would be retried: so is this one
				if res, err = e.eng.Sync(e.ctx, f, nil); err == nil {
					break
				}
			}
			mu.Lock()
			out.writes += res.Writes
			mu.Unlock()
		}
		if f.Owner.Kind == topology.KindNetworkInterface {
			wg.Go(run)
		} else {
			run()
		}
	}
	wg.Wait()
	out.elapsed = time.Since(start)
	out.reads, out.limit = int(e.sim.Server.Reads()), e.client.InFlightLimit()
	for _, r := range e.sim.Server.Requests() {
		if r.Fault == sim.FaultAppliedStall {
			out.stalls++
		}
	}
	return out
}

// BenchmarkColdConvergeMediumTopology converges the medium topology through an emulator
// answering in 5 ms. It reports the writes, the reads after the index load (0), the in-flight
// limit reached, and the ratio of the time to the latency bound (writes × 5 ms / that limit).
func BenchmarkColdConvergeMediumTopology(b *testing.B) {
	const latency = 5 * time.Millisecond
	var r convergeRun
	for b.Loop() {
		r = coldConverge(b, sim.Options{Latency: latency}, 0)
	}
	bound := time.Duration(r.writes) * latency / time.Duration(max(r.limit, 1))
	b.ReportMetric(float64(r.writes), "writes")
	b.ReportMetric(float64(r.reads), "reads")
	b.ReportMetric(float64(r.limit), "in-flight-limit")
	b.ReportMetric(r.elapsed.Seconds()/bound.Seconds(), "x-latency-bound")
}

// BenchmarkColdConvergeUnderFaults converges the medium topology through a 5 ms emulator
// failing one request in ten (503s, dropped connections, writes applied then answered 503 or
// never answered), with a 1 s attempt timeout, next to a clean run. It reports the ratio of
// the two times, and the time over what the stalls alone would cost if paid one after another
// (stalls × timeout): below 1 means stalls overlap instead of adding up.
func BenchmarkColdConvergeUnderFaults(b *testing.B) {
	const latency, timeout = 5 * time.Millisecond, time.Second
	var clean, faulty convergeRun
	for b.Loop() {
		clean = coldConverge(b, sim.Options{Latency: latency}, timeout)
		faulty = coldConverge(b, sim.Options{Latency: latency, FailRate: 0.1, Seed: 7}, timeout)
	}
	b.ReportMetric(clean.elapsed.Seconds(), "clean-s")
	b.ReportMetric(faulty.elapsed.Seconds(), "faults-s")
	b.ReportMetric(faulty.elapsed.Seconds()/clean.elapsed.Seconds(), "x-clean")
	b.ReportMetric(float64(faulty.stalls), "stalls")
	if faulty.stalls > 0 {
		b.ReportMetric(faulty.elapsed.Seconds()/(float64(faulty.stalls)*timeout.Seconds()), "x-serial-stalls")
	}
}
