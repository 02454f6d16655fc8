package midonet

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// newTestClient builds a client for f with fast retries; mod adjusts the config.
func newTestClient(t testing.TB, f *fakeAPI, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		URL:   f.url(),
		Retry: RetryConfig{Attempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond},
		QPS:   -1,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestNewValidatesConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"no URL", Config{}},
		{"not http", Config{URL: "ftp://h/midonet-api"}},
		{"missing CA file", Config{URL: "https://h/midonet-api", CAFile: "/nonexistent/ca.pem"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.cfg); err == nil {
				t.Fatalf("New(%+v) succeeded, want an error", tc.cfg)
			}
		})
	}
	c, err := New(Config{URL: "http://127.0.0.1:1/midonet-api"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Tenant() != DefaultTenant {
		t.Errorf("Tenant() = %q, want %q", c.Tenant(), DefaultTenant)
	}
	if c.Version() != "" {
		t.Errorf("Version() before discovery = %q, want empty (New does no I/O)", c.Version())
	}
}

func TestDiscoverFollowsRootLinks(t *testing.T) {
	f := newFakeAPI(t)
	// The root announces the routers collection somewhere else: the client must go there.
	f.setIntercept(func(w http.ResponseWriter, r *http.Request, rec recorded) bool {
		if rec.Path == apiPrefix+"/" {
			writeAnswer(w, 200, http.Header{}, []byte(`{"uri":"`+f.url()+`/","version":"v5.0",`+
				`"routers":"`+f.srv.URL+`/elsewhere/routers","ruleTemplate":"`+f.srv.URL+`/rules-here/{id}"}`))
			return true
		}
		writeAnswer(w, 200, http.Header{}, []byte(`{}`))
		return true
	})
	c := newTestClient(t, f, nil)
	ctx := testContext(t)
	app, err := c.Discover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if app.Version != VersionMN5 || app.URI != f.url()+"/" {
		t.Errorf("Discover = %+v", app)
	}
	if rec := f.recorded(); len(rec) != 0 {
		t.Fatalf("Discover sent %d extra requests", len(rec))
	}
	if _, err := c.GetRouter(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRule(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetChain(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range f.recorded() {
		paths = append(paths, r.Path)
	}
	want := []string{"/elsewhere/routers/r1", "/rules-here/u1", apiPrefix + "/chains/c1"}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Errorf("paths = %v, want %v", paths, want)
	}
}

func TestDiscoveryIsLazyAndOnce(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, nil)
	ctx := testContext(t)
	for range 3 {
		if _, err := c.GetSystemState(ctx); err != nil {
			t.Fatal(err)
		}
	}
	roots := 0
	f.mu.Lock()
	for _, r := range f.requests {
		if r.Path == apiPrefix+"/" {
			roots++
			if r.Accept != "application/vnd.org.midonet.Application-v5+json" {
				t.Errorf("root Accept = %q", r.Accept)
			}
		}
	}
	f.mu.Unlock()
	if roots != 1 {
		t.Errorf("root read %d times, want 1", roots)
	}
	if c.Version() != VersionMN5 {
		t.Errorf("Version() = %q", c.Version())
	}
}

// TestCreateRecordsTheRequest: a create costs one request; the object returned is the body
// sent, with the id and self link from the Location (a server-chosen id included).
func TestCreateRecordsTheRequest(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, nil)
	ctx := testContext(t)

	rt, err := c.CreateRouter(ctx, &Router{Name: "eucart"})
	if err != nil {
		t.Fatal(err)
	}
	if rt.ID == "" || rt.Name != "eucart" || rt.TenantID != DefaultTenant || rt.URI != f.srv.URL+apiPrefix+"/routers/"+rt.ID {
		t.Errorf("created router = %+v; want the id from Location, name, default tenant and uri", rt)
	}
	rec := f.recorded()
	if len(rec) != 1 || rec[0].Method != "POST" {
		t.Fatalf("requests = %+v; want the POST alone (no read-back)", rec)
	}
	port, err := c.CreateRouterPort(ctx, rt.ID, &Port{ID: "22222222-2222-2222-2222-222222222222", PortAddress: "10.0.0.1", NetworkLength: 24, PortMAC: "ac:ca:ba:00:00:01"})
	if err != nil {
		t.Fatal(err)
	}
	if port.DeviceID != rt.ID || port.PortMAC != "ac:ca:ba:00:00:01" || port.Type != PortTypeRouter {
		t.Errorf("created port = %+v; want its router from the path, its MAC and type as sent", port)
	}
	if n := len(f.recorded()); n != 2 {
		t.Errorf("%d requests after two creates, want 2", n)
	}
}

// TestCreateReadsBackLocation: with Config.ReadBack a create reads the object from its Location.
func TestCreateReadsBackLocation(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, func(cfg *Config) { cfg.ReadBack = true })
	ctx := testContext(t)

	rt, err := c.CreateRouter(ctx, &Router{Name: "eucart"})
	if err != nil {
		t.Fatal(err)
	}
	if rt.ID == "" || rt.Name != "eucart" || rt.TenantID != DefaultTenant || rt.URI == "" {
		t.Errorf("created router = %+v; want server id, name, default tenant and uri", rt)
	}
	rec := f.recorded()
	if len(rec) != 2 || rec[0].Method != "POST" || rec[1].Method != "GET" || rec[1].Path != apiPrefix+"/routers/"+rt.ID {
		t.Fatalf("requests = %+v; want POST then GET of the Location", rec)
	}

	// A relative Location is resolved against the collection URL.
	f.setIntercept(func(w http.ResponseWriter, r *http.Request, rec recorded) bool {
		if rec.Method != http.MethodPost {
			return false
		}
		st, h, body := f.apply(rec)
		h.Set("Location", strings.TrimPrefix(h.Get("Location"), f.srv.URL))
		writeAnswer(w, st, h, body)
		return true
	})
	br, err := c.CreateBridge(ctx, &Bridge{ID: "11111111-1111-1111-1111-111111111111", Name: "eucabr", TenantID: "t2"})
	if err != nil {
		t.Fatal(err)
	}
	if br.ID != "11111111-1111-1111-1111-111111111111" || br.TenantID != "t2" {
		t.Errorf("created bridge = %+v", br)
	}
}

func TestListTenantFilter(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, nil)
	ctx := testContext(t)
	for _, tc := range []struct {
		name  string
		call  func() error
		query string
	}{
		{"routers of a tenant", func() error { _, err := c.ListRouters(ctx, "euca tenant&1"); return err }, "tenant_id=euca+tenant%261"},
		{"all bridges", func() error { _, err := c.ListBridges(ctx, ""); return err }, ""},
		{"chains", func() error { _, err := c.ListChains(ctx, "t"); return err }, "tenant_id=t"},
		{"port groups", func() error { _, err := c.ListPortGroups(ctx, "t"); return err }, "tenant_id=t"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.recorded())
			if err := tc.call(); err != nil {
				t.Fatal(err)
			}
			got := f.recorded()[before]
			if got.Query != tc.query {
				t.Errorf("query = %q, want %q", got.Query, tc.query)
			}
		})
	}
}

// TestUpdateSendsWholeObject: a PUT carries every field but the binding and the link (MidoNet
// would take stale ones from the body as they are) and is not read back.
func TestUpdateSendsWholeObject(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, nil)
	ctx := testContext(t)
	f.put(apiPrefix+"/ports/p1", map[string]any{"id": "p1", "type": "Router", "portAddress": "10.0.0.1",
		"hostId": "h1", "interfaceName": "eth1", "peerId": "p2"})
	p, err := c.GetPort(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	p.InboundFilterID = Ref("c1")
	got, err := c.UpdatePort(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if Deref(got.InboundFilterID) != "c1" || got.PortAddress != "10.0.0.1" || got.Type != PortTypeRouter {
		t.Errorf("updated port = %+v", got)
	}
	if Deref(got.HostID) != "h1" || Deref(got.PeerID) != "p2" {
		t.Errorf("updated port lost its binding or link: %+v", got)
	}
	rec := f.recorded()
	put := rec[len(rec)-1]
	if put.Method != "PUT" || !strings.Contains(string(put.Body), `"portAddress":"10.0.0.1"`) ||
		!strings.Contains(string(put.Body), `"type":"Router"`) {
		t.Errorf("PUT body %s does not carry the whole port, or the update was read back", put.Body)
	}
	for _, field := range []string{"hostId", "interfaceName", "peerId"} {
		if strings.Contains(string(put.Body), field) {
			t.Errorf("PUT body %s carries %s", put.Body, field)
		}
	}
}

func TestLinkPorts(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, nil)
	ctx := testContext(t)
	if err := c.LinkPorts(ctx, "a", "b"); err != nil {
		t.Fatal(err)
	}
	rec := f.recorded()[0]
	if rec.Path != apiPrefix+"/ports/a/link" || string(rec.Body) != `{"peerId":"b"}` ||
		rec.ContentType != "application/vnd.org.midonet.PortLink-v1+json" {
		t.Errorf("link request = %+v body %s", rec, rec.Body)
	}
	if err := c.UnlinkPort(ctx, "a"); err != nil {
		t.Fatal(err)
	}
}

func TestLinkPortsRetryConflictResolved(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, nil)
	ctx := testContext(t)
	f.put(apiPrefix+"/ports/a", map[string]any{"id": "a", "type": "Router", "peerId": nil})
	var mu sync.Mutex
	posts := 0
	f.setIntercept(func(w http.ResponseWriter, r *http.Request, rec recorded) bool {
		if rec.Method != http.MethodPost {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		posts++
		if posts == 1 { // applied, but the answer is lost
			f.put(apiPrefix+"/ports/a", map[string]any{"id": "a", "type": "Router", "peerId": "b"})
			writeAnswer(w, http.StatusServiceUnavailable, http.Header{}, nil)
			return true
		}
		writeAnswer(w, http.StatusConflict, http.Header{}, []byte(`{"message":"Ports are not linkable.","code":409}`))
		return true
	})
	if err := c.LinkPorts(ctx, "a", "b"); err != nil {
		t.Fatalf("LinkPorts after a lost answer: %v", err)
	}
	if err := c.LinkPorts(ctx, "a", "c"); !IsConflict(err) {
		t.Fatalf("LinkPorts to another peer = %v, want a conflict", err)
	}
}

func TestContextCancelledBeforeRequest(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.GetRouter(ctx, "r")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if IsTransient(err) {
		t.Errorf("caller cancellation reported as transient: %v", err)
	}
}

func TestCreatePortDefaultsTypeFromDevice(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, nil)
	ctx := testContext(t)
	rp, err := c.CreateRouterPort(ctx, "r", &Port{PortAddress: "10.0.1.1", NetworkAddress: "10.0.1.0", NetworkLength: 24})
	if err != nil {
		t.Fatal(err)
	}
	bp, err := c.CreateBridgePort(ctx, "b", &Port{})
	if err != nil {
		t.Fatal(err)
	}
	if rp.Type != PortTypeRouter || bp.Type != PortTypeBridge || rp.NetworkLength != 24 {
		t.Errorf("router port %+v, bridge port %+v", rp, bp)
	}
	ports, err := c.ListRouterPorts(ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	if len(ports) != 1 || ports[0].ID != rp.ID {
		t.Errorf("router ports = %+v, want the one created", ports)
	}
}
