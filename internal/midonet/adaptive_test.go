package midonet_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
)

// hammer sends total GETs from callers goroutines through c and returns the failures.
func hammer(ctx context.Context, c *midonet.Client, routerID string, callers, total int) []error {
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	per := total / callers
	for range callers {
		wg.Go(func() {
			for range per {
				if _, err := c.GetRouter(ctx, routerID); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return errs
}

// TestAdaptiveLimitFindsTheKnee: against an emulator that serves 8 requests at once and refuses
// work when 24 more wait, 64 eager callers through a client bounded at 64 in flight get no
// refusal: the limit grows from its slow start, backs off when latency rises, and settles near
// the server's capacity. The same load with the limit fixed at 64 knocks the server over,
// which is what the limiter prevents. No retry hides a refusal: one attempt per request.
func TestAdaptiveLimitFindsTheKnee(t *testing.T) {
	const capacity, queue, callers, total = 8, 24, 64, 3200
	run, err := sim.Start(sim.Options{Latency: 2 * time.Millisecond, Capacity: capacity, QueueLimit: queue})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Close() })
	ctx := context.Background()
	client := func(fixed bool) *midonet.Client {
		c, err := midonet.New(midonet.Config{URL: run.URL, MaxInFlight: callers, FixedInFlight: fixed,
			Retry: midonet.RetryConfig{Attempts: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	adaptive := client(false)
	rt, err := adaptive.CreateRouter(ctx, &midonet.Router{Name: "r"})
	if err != nil {
		t.Fatal(err)
	}

	run.Server.ResetRequests()
	errs := hammer(ctx, adaptive, rt.ID, callers, total)
	limit := adaptive.InFlightLimit()
	t.Logf("adaptive: limit settled at %d (server capacity %d, queue %d); %d refused, %d failed", limit, capacity, queue, run.Server.Refused(), len(errs))
	if n := run.Server.Refused(); n != 0 || len(errs) != 0 {
		t.Errorf("adaptive limit overloaded the server: %d refusals, %d failed requests (first: %v)", n, len(errs), first(errs))
	}
	if limit < 2 || limit > capacity+queue {
		t.Errorf("limit settled at %d, want within 2..%d (near the capacity %d)", limit, capacity+queue, capacity)
	}

	run.Server.ResetRequests()
	errs = hammer(ctx, client(true), rt.ID, callers, total)
	t.Logf("fixed at %d: %d refused", callers, run.Server.Refused())
	if run.Server.Refused() == 0 || len(errs) == 0 {
		t.Errorf("a fixed limit of %d was not refused by a server taking %d: the capacity model does not bite", callers, capacity+queue)
	}
}

func first(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errs[0]
}
