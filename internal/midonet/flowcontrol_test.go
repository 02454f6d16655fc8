package midonet

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestMaxInFlightCap has the server hold every request until the cap is reached, and checks the
// server never sees more concurrent requests than the cap (and does see that many).
func TestMaxInFlightCap(t *testing.T) {
	const limit, callers = 3, 12
	f := newFakeAPI(t)
	f.put(apiPrefix+"/routers/r", map[string]any{"id": "r"})
	var mu sync.Mutex
	inFlight, peak := 0, 0
	full := make(chan struct{})
	f.setIntercept(func(w http.ResponseWriter, r *http.Request, rec recorded) bool {
		if rec.Path == apiPrefix+"/" {
			return false
		}
		mu.Lock()
		inFlight++
		if inFlight > peak {
			peak = inFlight
		}
		if inFlight == limit {
			select {
			case <-full:
			default:
				close(full)
			}
		}
		mu.Unlock()
		// Hold the first wave until the cap is reached, so the test observes it.
		select {
		case <-full:
		case <-time.After(10 * time.Second):
		}
		mu.Lock()
		inFlight--
		mu.Unlock()
		return false
	})
	c := newTestClient(t, f, func(cfg *Config) { cfg.MaxInFlight = limit })
	ctx := testContext(t)
	if _, err := c.Discover(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			if _, err := c.GetRouter(ctx, "r"); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if peak != limit {
		t.Errorf("peak concurrency at the server = %d, want exactly %d", peak, limit)
	}
}

// TestRateLimit counts tokens, not time: the limiter refills once an hour, so within the
// test the bucket holds exactly what the requests left in it. Each request takes one token and
// reaches the server once (retries are off, and an attempt may take as long as the test, so a
// slow machine cannot turn one call into two); the request after the burst reserves the next
// token and waits; cancelling it returns the token without a request being sent; a deadline
// shorter than the refill is refused at once.
func TestRateLimit(t *testing.T) {
	const burst = 3
	f := newFakeAPI(t)
	f.put(apiPrefix+"/routers/r", map[string]any{"id": "r"})
	c := newTestClient(t, f, func(cfg *Config) {
		cfg.QPS = 1.0 / 3600
		cfg.Burst = burst + 1
		cfg.Retry.Attempts = 1
		cfg.Timeout = time.Hour
	})
	ctx := testContext(t)
	// The bucket refills 1/3600 token per second: exact to 0.03 for the test's 30 s.
	tokens := func() float64 { return c.limiter.Tokens() }
	if _, err := c.Discover(ctx); err != nil { // takes one token
		t.Fatal(err)
	}
	for range burst {
		if _, err := c.GetRouter(ctx, "r"); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count("GET", apiPrefix+"/routers/r"); n != burst {
		t.Fatalf("server saw %d requests, want the burst of %d", n, burst)
	}
	if got := tokens(); got < -0.1 || got > 0.1 {
		t.Fatalf("after the burst the bucket holds %.2f tokens, want 0", got)
	}

	// No deadline on the waiting caller: with one shorter than the refill the limiter refuses
	// at once instead of waiting (the flake this test had: cancel raced that refusal).
	waitCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := c.GetRouter(waitCtx, "r"); done <- err }()
	// The caller is waiting once it has reserved the next token (the bucket goes negative).
	for tokens() > -0.9 {
		select {
		case err := <-done:
			t.Fatalf("the request after the burst returned (%v) instead of waiting for a token", err)
		case <-ctx.Done():
			t.Fatal("the request after the burst never reserved a token")
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := f.count("GET", apiPrefix+"/routers/r"); n != burst {
		t.Errorf("server saw %d requests, want the burst of %d (the cancelled one must not be sent)", n, burst)
	}
	if got := tokens(); got < -0.1 || got > 0.1 {
		t.Errorf("after the cancel the bucket holds %.2f tokens, want its reservation returned (0)", got)
	}

	// With a deadline shorter than the refill, the limiter refuses at once, with an error that
	// is not retried.
	dl, cancelDL := context.WithTimeout(ctx, time.Minute)
	defer cancelDL()
	if _, err := c.GetRouter(dl, "r"); err == nil || IsTransient(err) {
		t.Errorf("err = %v, want a non-transient rate-limit error", err)
	}
	if n := f.count("GET", apiPrefix+"/routers/r"); n != burst {
		t.Errorf("server saw %d requests, want the burst of %d", n, burst)
	}
}

// TestInFlightWaitHonoursCancel blocks the only slot and cancels a second caller waiting for it.
func TestInFlightWaitHonoursCancel(t *testing.T) {
	f := newFakeAPI(t)
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	f.setIntercept(func(w http.ResponseWriter, r *http.Request, rec recorded) bool {
		if rec.Path == apiPrefix+"/" {
			return false
		}
		entered <- struct{}{}
		<-release
		writeAnswer(w, 200, nil, []byte(`{}`))
		return true
	})
	c := newTestClient(t, f, func(cfg *Config) { cfg.MaxInFlight = 1 })
	ctx := testContext(t)
	if _, err := c.Discover(ctx); err != nil {
		t.Fatal(err)
	}
	first := make(chan error, 1)
	go func() { _, err := c.GetRouter(ctx, "a"); first <- err }()
	<-entered
	waitCtx, cancel := context.WithCancel(ctx)
	second := make(chan error, 1)
	go func() { _, err := c.GetRouter(waitCtx, "b"); second <- err }()
	cancel()
	if err := <-second; !errors.Is(err, context.Canceled) {
		t.Errorf("waiting caller: err = %v, want context.Canceled", err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Errorf("first caller: %v", err)
	}
	if n := f.count("GET", apiPrefix+"/routers/b"); n != 0 {
		t.Errorf("cancelled request reached the server %d times", n)
	}
}
