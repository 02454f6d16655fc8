package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"
)

// apiClient is a plain net/http client of the emulator, as any MidoNet client would use it.
type apiClient struct {
	t    *testing.T
	base string // http://127.0.0.1:N/midonet-api
	srv  *Server
	http *http.Client
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return m
}

func (r response) list(t *testing.T) []map[string]any {
	t.Helper()
	var l []map[string]any
	if err := json.Unmarshal(r.body, &l); err != nil {
		t.Fatalf("decode list %q: %v", r.body, err)
	}
	return l
}

// newSim starts an emulator seeded with testdata/hosts.yaml behind httptest.
func newSim(t testing.TB, opts Options) *apiClient {
	t.Helper()
	srv := New(opts)
	seed, err := LoadSeed("testdata/hosts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.ApplySeed(seed); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { srv.Shutdown(); ts.Close() })
	tt, _ := t.(*testing.T)
	return &apiClient{t: tt, base: ts.URL + RootPath, srv: srv, http: ts.Client()}
}

// do sends one request; mt is the Accept for GET/DELETE and the Content-Type for POST/PUT.
// body may be a string (sent verbatim) or any value (JSON-encoded).
func (c *apiClient) do(method, p, mt string, body any) response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	url := p
	if !strings.HasPrefix(p, "http") {
		url = c.base + p
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if mt != "" {
		if body != nil {
			req.Header.Set("Content-Type", mt)
		} else {
			req.Header.Set("Accept", mt)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, p, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// create POSTs and returns the new object's id (last Location segment), failing unless 201.
func (c *apiClient) create(p, mt string, body any) string {
	c.t.Helper()
	r := c.do(http.MethodPost, p, mt, body)
	if r.status != http.StatusCreated {
		c.t.Fatalf("POST %s: %d %s", p, r.status, r.body)
	}
	loc := r.header.Get("Location")
	if loc == "" {
		c.t.Fatalf("POST %s: no Location", p)
	}
	return path.Base(loc)
}

// get GETs one object, failing unless 200.
func (c *apiClient) get(p, mt string) map[string]any {
	c.t.Helper()
	r := c.do(http.MethodGet, p, mt, nil)
	if r.status != http.StatusOK {
		c.t.Fatalf("GET %s: %d %s", p, r.status, r.body)
	}
	return r.json(c.t)
}

func (c *apiClient) getList(p, mt string) []map[string]any {
	c.t.Helper()
	r := c.do(http.MethodGet, p, mt, nil)
	if r.status != http.StatusOK {
		c.t.Fatalf("GET %s: %d %s", p, r.status, r.body)
	}
	return r.list(c.t)
}

// expect checks status and, when message is non-empty, the Error-v1 message.
func (c *apiClient) expect(r response, status int, message string) {
	c.t.Helper()
	if r.status != status {
		c.t.Fatalf("status %d, want %d (body %s)", r.status, status, r.body)
	}
	if message == "" {
		return
	}
	if ct := r.header.Get("Content-Type"); ct != mtError {
		c.t.Errorf("error Content-Type %q, want %q", ct, mtError)
	}
	m := r.json(c.t)
	if m["message"] != message {
		c.t.Errorf("message %q, want %q", m["message"], message)
	}
	if int(m["code"].(float64)) != status {
		c.t.Errorf("code %v, want %d", m["code"], status)
	}
}

// violationsOf returns property → message of a 400 validation error.
func violationsOf(t *testing.T, r response) map[string]string {
	t.Helper()
	if r.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400 (body %s)", r.status, r.body)
	}
	var e struct {
		Message    string
		Violations []violation
	}
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatal(err)
	}
	if e.Message != "Validation error(s) found" {
		t.Errorf("message %q", e.Message)
	}
	out := map[string]string{}
	for _, v := range e.Violations {
		out[v.Property] = v.Message
	}
	return out
}

// Media types in the form a client sends them.
var (
	tRouter      = vnd("Router-v3")
	tRouters     = vndList("Router-v3")
	tBridge      = vnd("Bridge-v4")
	tBridges     = vndList("Bridge-v4")
	tPort        = vnd("Port-v3")
	tPorts       = vndList("Port-v3")
	tChain       = vnd("Chain-v1")
	tChains      = vndList("Chain-v1")
	tRule        = vnd("Rule-v2")
	tRules       = vndList("Rule-v2")
	tRoute       = vnd("Route-v1")
	tRoutes      = vndList("Route-v1")
	tLink        = vnd("PortLink-v1")
	tHosts       = vndList("Host-v3")
	tHost        = vnd("Host-v3")
	tHIP         = vnd("HostInterfacePort-v1")
	tTZ          = vnd("TunnelZone-v1")
	tTZs         = vndList("TunnelZone-v1")
	tTZHost      = vnd("TunnelZoneHost-v1")
	tIPG         = vnd("IpAddrGroup-v1")
	tIPGs        = vndList("IpAddrGroup-v1")
	tIPGAddr     = vnd("IpAddrGroupAddr-v1")
	tIPGAddrs    = vndList("IpAddrGroupAddr-v1")
	tDHCP        = vnd("DhcpSubnet-v2")
	tDHCPs       = vndList("DhcpSubnet-v2")
	tDHCPHost    = vnd("DhcpHost-v2")
	tDHCPHosts   = vndList("DhcpHost-v2")
	tPortGroup   = vnd("PortGroup-v1")
	tPortGroups  = vndList("PortGroup-v1")
	tBGPPeer     = vnd("BgpPeer-v1")
	tBGPNetwork  = vnd("BgpNetwork-v1")
	tMacPort     = vnd("MacPort-v2")
	tIP4Mac      = vnd("IP4Mac-v1")
	tApplication = vnd("Application-v5")
)

// fixture builds the common topology pieces.
func (c *apiClient) router(name string) string {
	return c.create("/routers", tRouter, map[string]any{"name": name, "tenantId": "t1"})
}

func (c *apiClient) bridge(name string) string {
	return c.create("/bridges", tBridge, map[string]any{"name": name, "tenantId": "t1"})
}

func (c *apiClient) routerPort(router, addr string, length int) string {
	return c.create("/routers/"+router+"/ports", tPort, map[string]any{
		"type": "Router", "portAddress": addr, "networkAddress": addr, "networkLength": length,
	})
}

func (c *apiClient) bridgePort(bridge string) string {
	return c.create("/bridges/"+bridge+"/ports", tPort, map[string]any{"type": "Bridge"})
}

func (c *apiClient) chain(name string) string {
	return c.create("/chains", tChain, map[string]any{"name": name, "tenantId": "t1"})
}

func (c *apiClient) rule(chain string, body map[string]any) string {
	return c.create("/chains/"+chain+"/rules", tRule, body)
}

// ruleIDs returns the chain's rule ids in position order, checking position == index+1.
func (c *apiClient) ruleIDs(chain string) []string {
	c.t.Helper()
	var ids []string
	for i, r := range c.getList("/chains/"+chain+"/rules", tRules) {
		if int(r["position"].(float64)) != i+1 {
			c.t.Errorf("rule %v at index %d reports position %v", r["id"], i, r["position"])
		}
		ids = append(ids, r["id"].(string))
	}
	return ids
}

func (c *apiClient) link(a, b string) {
	c.t.Helper()
	r := c.do(http.MethodPost, "/ports/"+a+"/link", tLink, map[string]any{"peerId": b})
	if r.status != http.StatusCreated {
		c.t.Fatalf("link %s %s: %d %s", a, b, r.status, r.body)
	}
}

var node1 = HostID("node-1")

// node2 has an explicit id in testdata/hosts.yaml.
const node2 = "7d1c1c5e-1d2e-4b67-9a1f-0d5c2b9c8e11"
