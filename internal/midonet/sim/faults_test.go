package sim

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The fault generator is a pure function of the seed and the request order.
func TestFaultPlanDeterministic(t *testing.T) {
	plans := func(seed int64) []faultPlan {
		f := newFaultInjector(time.Millisecond, 5*time.Millisecond, 0.3, seed)
		var out []faultPlan
		for i := 0; i < 200; i++ {
			out = append(out, f.next(i%7 == 0))
		}
		return out
	}
	a, b, other := plans(42), plans(42), plans(43)
	if !slices.Equal(a, b) {
		t.Error("same seed, different plans")
	}
	if slices.Equal(a, other) {
		t.Error("different seeds, same plans")
	}
	kinds := map[Fault]int{}
	for i, p := range a {
		kinds[p.fault]++
		if i%7 == 0 && (p.fault != FaultNone || p.delay != time.Millisecond) {
			t.Errorf("exempt request %d got %+v", i, p)
		}
		if p.delay < time.Millisecond || p.delay > 6*time.Millisecond {
			t.Errorf("delay %v out of latency+jitter", p.delay)
		}
	}
	for _, k := range failureKinds {
		if kinds[k] == 0 {
			t.Errorf("fault %s never drawn: %v", k, kinds)
		}
	}
}

// outcome is what a client sees of one request.
type outcome string

// runFaulty sends n router creates with fixed ids through a faulty emulator and returns what
// the client saw, the server's log and the server.
func runFaulty(t *testing.T, seed int64, ids []string) ([]outcome, []Request, *Server) {
	t.Helper()
	srv := New(Options{FailRate: 0.5, Seed: seed})
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { srv.Shutdown(); ts.Close() })
	// A fresh connection per request: Go's transport would silently retry a dropped request
	// on a reused connection, which would draw a second outcome.
	client := &http.Client{Timeout: 300 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	var seen []outcome
	for _, id := range ids {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+RootPath+"/routers", strings.NewReader(`{"id":"`+id+`","name":"r"}`))
		req.Header.Set("Content-Type", tRouter)
		resp, err := client.Do(req)
		var nerr net.Error
		switch {
		case err == nil:
			resp.Body.Close()
			seen = append(seen, outcome(resp.Status))
		case errors.As(err, &nerr) && nerr.Timeout():
			seen = append(seen, "timeout")
		default:
			seen = append(seen, "connection error")
		}
	}
	return seen, srv.Requests(), srv
}

// Options.FailRate/Seed: the same seed gives the same outcomes; a write answered "applied then
// 503" or stalled is in the store, one answered 503 or dropped before applying is not.
func TestFaultInjectionDeterministicAndApplied(t *testing.T) {
	var ids []string
	for i := 0; i < 40; i++ {
		ids = append(ids, uuid.NewSHA1(uuid.Nil, []byte{byte(i)}).String())
	}
	first, log, srv := runFaulty(t, 7, ids)
	second, _, _ := runFaulty(t, 7, ids)
	if !slices.Equal(first, second) {
		t.Fatalf("same seed, different outcomes:\n%v\n%v", first, second)
	}
	if len(log) != len(ids) {
		t.Fatalf("log has %d entries", len(log))
	}
	srv.SetFaults(0, 0, 0, 0)
	counts := map[Fault]int{}
	var applied int64
	for i, req := range log {
		counts[req.Fault]++
		_, stored := srv.st.Routers[ids[i]]
		wantStored := req.Fault == FaultNone || req.Fault == FaultAppliedUnavailable || req.Fault == FaultAppliedStall
		if stored != wantStored {
			t.Errorf("request %d (%s): stored %v", i, req.Fault, stored)
		}
		if wantStored {
			applied++
		}
		want := map[Fault]outcome{
			FaultNone: "201 Created", FaultUnavailable: "503 Service Unavailable", FaultAppliedUnavailable: "503 Service Unavailable",
			FaultDrop: "connection error", FaultAppliedStall: "timeout",
		}[req.Fault]
		if first[i] != want {
			t.Errorf("request %d (%s): client saw %q, want %q", i, req.Fault, first[i], want)
		}
	}
	for _, k := range failureKinds {
		if counts[k] == 0 {
			t.Errorf("no %s in this run: %v (pick another seed)", k, counts)
		}
	}
	if srv.Writes() != applied {
		t.Errorf("Writes %d, applied %d", srv.Writes(), applied)
	}
}

// Root and system_state never fail, whatever the rate.
func TestFaultsSpareRootAndSystemState(t *testing.T) {
	c := newSim(t, Options{FailRate: 1, Seed: 1})
	for i := 0; i < 10; i++ {
		c.expect(c.do(http.MethodGet, "/", tApplication, nil), http.StatusOK, "")
		c.expect(c.do(http.MethodGet, "/system_state", mediaJSON, nil), http.StatusOK, "")
	}
}
