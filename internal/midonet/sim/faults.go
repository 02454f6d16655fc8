package sim

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Fault is what fault injection did to a request.
type Fault string

const (
	FaultNone Fault = ""
	// FaultUnavailable: answered 503 before anything was applied.
	FaultUnavailable Fault = "unavailable"
	// FaultDrop: the connection was closed without an answer, nothing applied.
	FaultDrop Fault = "drop"
	// FaultAppliedUnavailable: the request was applied (a write changed the store) and then
	// answered 503 — the client must find out by reading that its write happened.
	FaultAppliedUnavailable Fault = "applied-unavailable"
	// FaultAppliedStall: the request was applied and then never answered; the handler waits
	// until the client gives up (or the server shuts down).
	FaultAppliedStall Fault = "applied-stall"
)

var failureKinds = [...]Fault{FaultUnavailable, FaultDrop, FaultAppliedUnavailable, FaultAppliedStall}

// faultInjector draws, per request and in arrival order, a delay and a fault from one seeded
// generator, so a given seed yields the same sequence of outcomes for the same request sequence.
//
// The root document, /system_state and /login are exempt from failures (they still get the
// latency, but draw nothing from the generator): a client's bootstrap and health probing are not
// what fault injection is meant to exercise, and exempting them keeps the outcome sequence of the
// resource requests independent of how often a client probes system_state (the original GETs it
// before every write).
type faultInjector struct {
	mu       sync.Mutex
	rng      *rand.Rand
	latency  time.Duration
	jitter   time.Duration
	failRate float64
}

type faultPlan struct {
	delay time.Duration
	fault Fault
}

func newFaultInjector(latency, jitter time.Duration, failRate float64, seed int64) *faultInjector {
	return &faultInjector{
		rng:      rand.New(rand.NewPCG(uint64(seed), 0x6d69646f6e6574)),
		latency:  latency,
		jitter:   jitter,
		failRate: failRate,
	}
}

func (f *faultInjector) next(exempt bool) faultPlan {
	f.mu.Lock()
	defer f.mu.Unlock()
	plan := faultPlan{delay: f.latency}
	if exempt {
		return plan
	}
	if f.jitter > 0 {
		plan.delay += time.Duration(f.rng.Int64N(int64(f.jitter) + 1))
	}
	if f.failRate > 0 && f.rng.Float64() < f.failRate {
		plan.fault = failureKinds[f.rng.IntN(len(failureKinds))]
	}
	return plan
}

// SetFaults replaces the fault-injection settings and restarts the generator from seed, e.g. to
// build a topology fault-free and then turn failures on.
func (s *Server) SetFaults(latency, jitter time.Duration, failRate float64, seed int64) {
	fresh := newFaultInjector(latency, jitter, failRate, seed)
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.rng, s.faults.latency, s.faults.jitter, s.faults.failRate = fresh.rng, latency, jitter, failRate
}

// unavailable is MidoNet's answer when its storage times out.
func unavailable() reply {
	return errorReply(&apiError{Status: http.StatusServiceUnavailable, Message: "Resource read timeout"})
}

// drop closes the connection without an answer: hijacked and closed for HTTP/1, aborted
// otherwise.
func (s *Server) drop(w http.ResponseWriter, r *http.Request) {
	s.log(r, 0, FaultDrop, false)
	if hj, isHJ := w.(http.Hijacker); isHJ {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close() // dropping the connection is the point
			return
		}
	}
	panic(http.ErrAbortHandler)
}
