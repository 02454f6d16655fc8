package midonet

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

// failFirst answers the first n matching requests with the fault and lets the rest through.
func failFirst(f *fakeAPI, method, path string, n int, fault func(w http.ResponseWriter)) {
	var mu sync.Mutex
	seen := 0
	f.setIntercept(func(w http.ResponseWriter, r *http.Request, rec recorded) bool {
		if rec.Method != method || rec.Path != path {
			return false
		}
		mu.Lock()
		seen++
		pass := seen > n
		mu.Unlock()
		if pass {
			return false
		}
		fault(w)
		return true
	})
}

// loseFirstAnswer makes the first request of method a lost answer: the fake API applies it,
// as MidoNet did the work, and the client is answered lost instead (a 5xx with no body).
// Later requests of method go to rest.
func loseFirstAnswer(f *fakeAPI, method string, lost int, rest func(w http.ResponseWriter, rec recorded)) {
	var mu sync.Mutex
	seen := 0
	f.setIntercept(func(w http.ResponseWriter, r *http.Request, rec recorded) bool {
		if rec.Method != method {
			return false
		}
		mu.Lock()
		seen++
		first := seen == 1
		mu.Unlock()
		if first {
			f.apply(rec)
			writeAnswer(w, lost, http.Header{}, nil)
			return true
		}
		rest(w, rec)
		return true
	})
}

// answerApplied answers a request as the fake API applies it.
func answerApplied(f *fakeAPI) func(w http.ResponseWriter, rec recorded) {
	return func(w http.ResponseWriter, rec recorded) {
		status, h, body := f.apply(rec)
		writeAnswer(w, status, h, body)
	}
}

var faults = map[string]func(w http.ResponseWriter){
	"503": func(w http.ResponseWriter) {
		writeAnswer(w, http.StatusServiceUnavailable, http.Header{}, []byte(`{"message":"Resource read timeout","code":503}`))
	},
	"dropped connection": dropConnection,
}

func TestRetryIdempotentRequests(t *testing.T) {
	const id = "22222222-2222-2222-2222-222222222222"
	ops := []struct {
		name, method, path string
		setup              func(f *fakeAPI)
		call               func(ctx context.Context, c *Client) error
	}{
		{"GET", "GET", apiPrefix + "/routers/" + id,
			func(f *fakeAPI) { f.put(apiPrefix+"/routers/"+id, map[string]any{"id": id}) },
			func(ctx context.Context, c *Client) error { _, err := c.GetRouter(ctx, id); return err }},
		{"PUT", "PUT", apiPrefix + "/routers/" + id,
			func(f *fakeAPI) { f.put(apiPrefix+"/routers/"+id, map[string]any{"id": id}) },
			func(ctx context.Context, c *Client) error {
				_, err := c.UpdateRouter(ctx, &Router{ID: id, Name: "n"})
				return err
			}},
		{"DELETE", "DELETE", apiPrefix + "/chains/" + id,
			func(f *fakeAPI) { f.put(apiPrefix+"/chains/"+id, map[string]any{"id": id}) },
			func(ctx context.Context, c *Client) error { return c.DeleteChain(ctx, id) }},
		{"POST with id", "POST", apiPrefix + "/chains", func(*fakeAPI) {},
			func(ctx context.Context, c *Client) error {
				_, err := c.CreateChain(ctx, &Chain{ID: id, Name: "n"})
				return err
			}},
		{"POST with natural key", "POST", apiPrefix + "/bridges/b/dhcp", func(*fakeAPI) {},
			func(ctx context.Context, c *Client) error {
				_, err := c.CreateDHCPSubnet(ctx, "b", &DHCPSubnet{SubnetPrefix: "10.0.0.0", SubnetLength: 24})
				return err
			}},
	}
	for faultName, fault := range faults {
		for _, op := range ops {
			t.Run(op.name+" after "+faultName, func(t *testing.T) {
				f := newFakeAPI(t)
				op.setup(f)
				failFirst(f, op.method, op.path, 1, fault)
				before := counterValue(t, retriesTotal, op.method, "")
				c := newTestClient(t, f, nil)
				if err := op.call(testContext(t), c); err != nil {
					t.Fatalf("call failed despite retries: %v", err)
				}
				if n := f.count(op.method, op.path); n != 2 {
					t.Errorf("server saw %d %s requests, want 2 (one failure, one retry)", n, op.method)
				}
				if faultName == "503" && counterValue(t, retriesTotal, op.method, "") <= before {
					t.Errorf("retries_total not incremented")
				}
			})
		}
	}
}

func TestNoRetryForPostWithoutID(t *testing.T) {
	for faultName, fault := range faults {
		t.Run(faultName, func(t *testing.T) {
			f := newFakeAPI(t)
			failFirst(f, "POST", apiPrefix+"/routers", 1, fault)
			c := newTestClient(t, f, nil)
			_, err := c.CreateRouter(testContext(t), &Router{Name: "x"})
			if err == nil {
				t.Fatal("create succeeded; the only attempt failed")
			}
			if !IsTransient(err) {
				t.Errorf("err = %v, want transient (the caller may decide to retry with an id)", err)
			}
			if n := f.count("POST", apiPrefix+"/routers"); n != 1 {
				t.Errorf("server saw %d POSTs, want 1: a POST with a server-chosen id must not be repeated", n)
			}
		})
	}
}

// TestCreateRetryConflictResolvedByGet is the lost-answer case: the first POST is applied but
// answered 503, the retry meets 409, and the client returns the object the first POST made.
func TestCreateRetryConflictResolvedByGet(t *testing.T) {
	const id = "33333333-3333-3333-3333-333333333333"
	f := newFakeAPI(t)
	loseFirstAnswer(f, http.MethodPost, http.StatusServiceUnavailable, answerApplied(f))
	c := newTestClient(t, f, nil)
	rule, err := c.CreateRule(testContext(t), "c1", &Rule{ID: id, Type: RuleTypeDrop, Position: 1})
	if err != nil {
		t.Fatalf("CreateRule: %v", err)
	}
	if rule.ID != id || rule.Type != RuleTypeDrop {
		t.Errorf("rule = %+v", rule)
	}
	var seq []string
	for _, r := range f.recorded() {
		seq = append(seq, r.Method+" "+r.Path)
	}
	want := []string{"POST " + apiPrefix + "/chains/c1/rules", "POST " + apiPrefix + "/chains/c1/rules", "GET " + apiPrefix + "/rules/" + id}
	if len(seq) != len(want) {
		t.Fatalf("requests = %v, want %v", seq, want)
	}
	for i := range want {
		if seq[i] != want[i] {
			t.Errorf("request %d = %s, want %s", i, seq[i], want[i])
		}
	}

	// A 409 on the first attempt is a real conflict and is returned as such.
	_, err = c.CreateRule(testContext(t), "c1", &Rule{ID: id, Type: RuleTypeDrop})
	if !IsConflict(err) {
		t.Errorf("duplicate create = %v, want a conflict", err)
	}
}

func TestRetriedDeleteNotFoundIsSuccess(t *testing.T) {
	const id = "44444444-4444-4444-4444-444444444444"
	f := newFakeAPI(t)
	f.put(apiPrefix+"/ports/"+id, map[string]any{"id": id, "type": "Bridge"})
	loseFirstAnswer(f, http.MethodDelete, http.StatusBadGateway, answerApplied(f))
	c := newTestClient(t, f, nil)
	if err := c.DeletePort(testContext(t), id); err != nil {
		t.Fatalf("DeletePort: %v", err)
	}
	if err := c.DeletePort(testContext(t), id); !IsNotFound(err) {
		t.Errorf("first-attempt delete of a missing port = %v, want not found", err)
	}
}

func TestRetryGivesUpAfterAttempts(t *testing.T) {
	f := newFakeAPI(t)
	failFirst(f, "GET", apiPrefix+"/routers/r", 100, faults["503"])
	c := newTestClient(t, f, func(cfg *Config) { cfg.Retry.Attempts = 4 })
	_, err := c.GetRouter(testContext(t), "r")
	if !IsTransient(err) {
		t.Fatalf("err = %v, want transient", err)
	}
	if n := f.count("GET", apiPrefix+"/routers/r"); n != 4 {
		t.Errorf("server saw %d attempts, want 4", n)
	}
}

func TestNoRetryOnClientErrors(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, nil)
	if _, err := c.GetRouter(testContext(t), "missing"); !IsNotFound(err) {
		t.Fatalf("err = %v", err)
	}
	if n := f.count("GET", apiPrefix+"/routers/missing"); n != 1 {
		t.Errorf("a 404 was sent %d times, want 1", n)
	}
}

// TestBackoffHonoursCancel cancels the caller's context while the client waits (an hour) to
// retry; the call must return at once with the cancellation, not a transient error.
func TestBackoffHonoursCancel(t *testing.T) {
	f := newFakeAPI(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.setIntercept(func(w http.ResponseWriter, r *http.Request, rec recorded) bool {
		if rec.Path == apiPrefix+"/" {
			return false
		}
		faults["503"](w)
		return true
	})
	c := newTestClient(t, f, func(cfg *Config) {
		cfg.Retry = RetryConfig{Attempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour}
		cfg.Observer = func(info RequestInfo) {
			if info.Resource == ResRouters {
				cancel() // the first attempt failed: the client is about to back off
			}
		}
	})
	done := make(chan error, 1)
	go func() { _, err := c.GetRouter(ctx, "r"); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if IsTransient(err) {
			t.Errorf("cancelled call reported as transient: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("back-off ignored the cancelled context")
	}
	if n := f.count("GET", apiPrefix+"/routers/r"); n != 1 {
		t.Errorf("server saw %d attempts, want 1", n)
	}
}

func TestAttemptTimeoutIsTransient(t *testing.T) {
	f := newFakeAPI(t)
	release := make(chan struct{})
	defer close(release)
	failFirst(f, "GET", apiPrefix+"/routers/r", 1, func(w http.ResponseWriter) { <-release })
	f.put(apiPrefix+"/routers/r", map[string]any{"id": "r"})
	// The first attempt hangs until its own timeout; the retry succeeds.
	c := newTestClient(t, f, func(cfg *Config) { cfg.Timeout = 200 * time.Millisecond })
	if _, err := c.GetRouter(testContext(t), "r"); err != nil {
		t.Fatalf("GetRouter: %v", err)
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	r := RetryConfig{Attempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for n, step := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond,
		3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 9: time.Second} {
		for range 20 {
			if d := r.backoff(n); d < step/2 || d > step {
				t.Errorf("backoff(%d) = %v, want within [%v, %v]", n, d, step/2, step)
			}
		}
	}
}

// TestCreateRetryDuplicate400ResolvedByGet: MidoNet refuses a duplicate BGP peer with 400, not
// 409; a retried create meeting it is resolved the same way.
func TestCreateRetryDuplicate400ResolvedByGet(t *testing.T) {
	const id = "55555555-5555-5555-5555-555555555555"
	f := newFakeAPI(t)
	loseFirstAnswer(f, http.MethodPost, http.StatusServiceUnavailable, func(w http.ResponseWriter, _ recorded) {
		writeAnswer(w, http.StatusBadRequest, http.Header{},
			[]byte(`{"message":"A BGP peer with address 10.0.0.254 and AS number 65001 already exists.","code":400}`))
	})
	c := newTestClient(t, f, nil)
	peer, err := c.CreateBgpPeer(testContext(t), "r", &BgpPeer{ID: id, ASNumber: 65001, Address: "10.0.0.254"})
	if err != nil {
		t.Fatalf("CreateBgpPeer: %v", err)
	}
	if peer.ID != id || peer.ASNumber != 65001 {
		t.Errorf("peer = %+v", peer)
	}
	// Without an earlier applied attempt, the 400 stands.
	_, err = c.CreateBgpPeer(testContext(t), "r", &BgpPeer{ID: "66666666-6666-6666-6666-666666666666", ASNumber: 65001, Address: "10.0.0.254"})
	if !IsValidation(err) {
		t.Errorf("err = %v, want the 400", err)
	}
}
