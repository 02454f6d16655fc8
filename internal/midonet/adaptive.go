package midonet

import (
	"context"
	"sync"
	"time"
)

// adaptiveLimit bounds the requests in flight with a limit that follows what the server can
// take (AIMD, as TCP does with its window):
//
//   - slow start: from a small limit it grows by half a request per answer (×1.5 per round)
//     until the first sign of queueing (one answer half again slower than the floor) or
//     overload;
//   - additive increase: after that, while answers come back nearly as fast as the fastest
//     seen lately (within a quarter) and the limit is actually used, it grows by one per round
//     (1/limit per answer); a little slower than that, it holds;
//   - multiplicative decrease: when the smoothed latency rises clearly above that floor (half
//     again: requests queue at the server), it shrinks by a tenth; on an overload signal (503,
//     429, an attempt that timed out or got no answer) it halves. At most one decrease per
//     round, so one burst of slow answers counts once.
//
// The limit stays within [min, max]. Latency is measured around the HTTP exchange only, never
// the wait for a slot, so the limiter reacts to the server, not to its own queue.
type adaptiveLimit struct {
	mu       sync.Mutex
	limit    float64
	min, max float64
	inFlight int
	waiters  []chan struct{}
	fixed    bool // the limit never moves (tests, or Config.FixedInFlight)
	slow     bool // slow start: until the first decrease

	smoothed  time.Duration // EWMA of answer latency
	floor     time.Duration // lowest smoothed latency of the current and the previous window
	floorPrev time.Duration
	windowEnd time.Time
	// decreasedAt counts answers; the next decrease waits until a round (limit answers) passed.
	answers     int
	decreasedAt int

	onChange func(limit int)
}

// Tuning of the adaptive limit.
const (
	latencyTolerance = 1.5                    // smoothed latency above floor × this means queueing
	growBelow        = 1.25                   // the limit grows only while latency is within floor × this
	slowStartTol     = 1.5                    // slow start ends on one answer this much above the floor
	slowStartGrowth  = 0.5                    // slow start: +0.5 per answer, ×1.5 per round
	latencyMinExcess = time.Millisecond       // ... and at least this much above it (noise at µs scale)
	floorWindow      = 10 * time.Second       // the floor forgets older minima after two windows
	smoothing        = 0.2                    // EWMA weight of a new sample
	backoffLatency   = 0.9                    // decrease on rising latency
	backoffOverload  = 0.5                    // decrease on 503, 429, timeouts
	startLimit       = 8                      // slow start from here (within min..max)
	neverDecreased   = -1 << 31               // decreasedAt before any decrease
	unsetFloor       = time.Duration(1 << 62) // no sample yet
)

func newAdaptiveLimit(minLimit, maxLimit int, fixed bool, onChange func(int)) *adaptiveLimit {
	minLimit = max(1, min(minLimit, maxLimit))
	start := max(minLimit, min(maxLimit, startLimit))
	if fixed {
		start = maxLimit
	}
	l := &adaptiveLimit{limit: float64(start), min: float64(minLimit), max: float64(maxLimit), fixed: fixed, slow: true,
		floor: unsetFloor, floorPrev: unsetFloor, decreasedAt: neverDecreased, onChange: onChange}
	if onChange != nil {
		onChange(start)
	}
	return l
}

// Limit is the current limit on requests in flight.
func (l *adaptiveLimit) Limit() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return int(l.limit)
}

// acquire waits for a slot under the current limit.
func (l *adaptiveLimit) acquire(ctx context.Context) error {
	l.mu.Lock()
	if l.inFlight < int(l.limit) && len(l.waiters) == 0 {
		l.inFlight++
		l.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	l.waiters = append(l.waiters, ch)
	l.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		for i, w := range l.waiters {
			if w == ch {
				l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
				return ctx.Err()
			}
		}
		// Handed a slot just as the caller gave up: pass it on.
		l.inFlight--
		l.wakeLocked()
		return ctx.Err()
	}
}

// release frees a slot and feeds the outcome of the attempt to the limit. overload is a 503,
// a 429, a timeout or a request without an answer; latency is how long the exchange took
// (ignored on overload).
func (l *adaptiveLimit) release(latency time.Duration, overload bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	used := l.inFlight >= int(l.limit)-1 || len(l.waiters) > 0
	l.inFlight--
	if !l.fixed {
		l.adjustLocked(latency, overload, used)
	}
	l.wakeLocked()
}

func (l *adaptiveLimit) adjustLocked(latency time.Duration, overload, used bool) {
	l.answers++
	before := int(l.limit)
	canDecrease := l.answers-l.decreasedAt >= int(l.limit)
	switch {
	case overload:
		if canDecrease {
			l.limit = max(l.min, l.limit*backoffOverload)
			l.decreasedAt, l.slow = l.answers, false
		}
	default:
		now := time.Now()
		if l.smoothed == 0 {
			l.smoothed = latency
		} else {
			l.smoothed += time.Duration(smoothing * float64(latency-l.smoothed))
		}
		if now.After(l.windowEnd) {
			l.floorPrev, l.floor, l.windowEnd = l.floor, unsetFloor, now.Add(floorWindow)
		}
		l.floor = min(l.floor, l.smoothed)
		floor := min(l.floor, l.floorPrev)
		above := func(d time.Duration, factor float64) bool {
			return float64(d) > factor*float64(floor) && d-floor > latencyMinExcess
		}
		switch {
		case l.slow && above(latency, slowStartTol):
			// Slow start grows ×1.5 per round: waiting for the smoothed latency to show the
			// queue lets the limit overshoot into the server's refusals. One slow answer ends
			// it (noise only slows the ramp down).
			l.slow = false
		case above(l.smoothed, latencyTolerance) && canDecrease:
			l.limit = max(l.min, l.limit*backoffLatency)
			l.decreasedAt, l.slow = l.answers, false
		case l.slow && used:
			l.limit = min(l.max, l.limit+slowStartGrowth)
		case !above(l.smoothed, growBelow) && used:
			// Between growBelow and latencyTolerance the limit holds: requests queue a little at
			// the server, which keeps it busy, and far from where it refuses work.
			l.limit = min(l.max, l.limit+1/l.limit)
		}
	}
	if after := int(l.limit); after != before && l.onChange != nil {
		l.onChange(after)
	}
}

// wakeLocked hands free slots to waiters, oldest first.
func (l *adaptiveLimit) wakeLocked() {
	for len(l.waiters) > 0 && l.inFlight < int(l.limit) {
		ch := l.waiters[0]
		l.waiters = l.waiters[1:]
		l.inFlight++
		close(ch)
	}
}
