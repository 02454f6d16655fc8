package proxy_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/midovpc/midovpc/internal/metadata/mapping"
	"github.com/midovpc/midovpc/internal/metadata/proxy"
)

// upstream is a fake cloud controller that records what reaches it.
type upstream struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
	body     string
}

func newUpstream(t testing.TB, body string) *upstream {
	u := &upstream{body: body}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.requests = append(u.requests, r)
		u.mu.Unlock()
		if r.Method == http.MethodPut && r.URL.Path == proxy.TokenPath {
			io.WriteString(w, "token-abc")
			return
		}
		io.WriteString(w, u.body)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) seen() []*http.Request {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]*http.Request(nil), u.requests...)
}

func table(t testing.TB) *mapping.Table {
	tb := &mapping.Table{}
	tb.Replace([]mapping.Interface{{
		MetadataIP: netip.MustParseAddr("255.0.0.12"), Name: "i-01234567", ENI: "eni-0a0a0a0a",
		PrivateIP: netip.MustParseAddr("10.0.1.11"), VPC: "vpc-0a1b2c3d", Subnet: "subnet-11aa22bb",
	}})
	return tb
}

func handler(t testing.TB, up *upstream, o proxy.Options) *proxy.Handler {
	u, err := url.Parse(up.URL)
	if err != nil {
		t.Fatal(err)
	}
	if o.Interfaces == nil {
		o.Interfaces = table(t)
	}
	o.Upstream = func() *url.URL { return u }
	return proxy.New(o)
}

func do(h http.Handler, method, target, from string, hdr http.Header, body io.Reader) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, body)
	r.RemoteAddr = from
	for k, v := range hdr {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestAKnownSourceReachesTheUpstreamWithItsIdentity(t *testing.T) {
	up := newUpstream(t, "ami-12345678")
	h := handler(t, up, proxy.Options{})
	spoof := http.Header{"Euca-Instance-Id": {"i-99999999"}, "X-Forwarded-For": {"10.9.9.9"}, "Forwarded": {"for=10.9.9.9"}}
	w := do(h, "GET", "/latest/meta-data/ami-id?x=1", "255.0.0.12:40000", spoof, nil)
	if w.Code != 200 || w.Body.String() != "ami-12345678" {
		t.Fatalf("answer %d %q", w.Code, w.Body.String())
	}
	seen := up.seen()
	if len(seen) != 1 {
		t.Fatalf("upstream saw %d requests", len(seen))
	}
	r := seen[0]
	if got := r.Header.Values("Euca-Instance-Id"); len(got) != 1 || got[0] != "i-01234567" {
		t.Errorf("Euca-Instance-Id = %v, want [i-01234567]", got)
	}
	if got := r.Header.Values("X-Forwarded-For"); len(got) != 1 || got[0] != "10.0.1.11" {
		t.Errorf("X-Forwarded-For = %v, want [10.0.1.11]", got)
	}
	if r.Header.Get("Forwarded") != "" {
		t.Errorf("the instance's Forwarded header reached the upstream: %q", r.Header.Get("Forwarded"))
	}
	if r.URL.Path != "/latest/meta-data/ami-id" || r.URL.RawQuery != "x=1" {
		t.Errorf("upstream got %s", r.URL)
	}
}

func TestRefusals(t *testing.T) {
	up := newUpstream(t, "x")
	big := newUpstream(t, strings.Repeat("u", 2048))
	cases := []struct {
		name   string
		h      http.Handler
		method string
		target string
		from   string
		body   io.Reader
		code   int
	}{
		{"unknown source", handler(t, up, proxy.Options{}), "GET", "/latest/meta-data/", "255.0.0.99:1234", nil, 403},
		{"unknown source on the token path", handler(t, up, proxy.Options{}), "PUT", proxy.TokenPath, "10.0.0.5:1234", nil, 403},
		{"POST", handler(t, up, proxy.Options{}), "POST", "/latest/meta-data/", "255.0.0.12:1234", nil, 405},
		{"PUT elsewhere than the token path", handler(t, up, proxy.Options{}), "PUT", "/latest/user-data", "255.0.0.12:1234", nil, 405},
		{"DELETE", handler(t, up, proxy.Options{}), "DELETE", "/latest/", "255.0.0.12:1234", nil, 405},
		{"a body", handler(t, up, proxy.Options{}), "PUT", proxy.TokenPath, "255.0.0.12:1234", strings.NewReader("data"), 413},
		{"a URI too long", handler(t, up, proxy.Options{}), "GET", "/latest/" + strings.Repeat("a", 5000), "255.0.0.12:1234", nil, 414},
		{"an answer over the limit", handler(t, big, proxy.Options{MaxResponseBytes: 1024}), "GET", "/latest/user-data", "255.0.0.12:1234", nil, 502},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(up.seen())
			w := do(c.h, c.method, c.target, c.from, nil, c.body)
			if w.Code != c.code {
				t.Errorf("%s %s from %s: %d, want %d", c.method, c.target, c.from, w.Code, c.code)
			}
			if c.code != 502 && len(up.seen()) != before {
				t.Error("the refused request reached the upstream")
			}
		})
	}
}

func TestNotAnOpenProxy(t *testing.T) {
	up := newUpstream(t, "from the cloud controller")
	elsewhere := newUpstream(t, "from elsewhere")
	h := handler(t, up, proxy.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.RemoteAddr = "255.0.0.12:5555" // as if NATed from the known interface
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	// An absolute-form request line naming another server, as a client of an HTTP proxy sends.
	target, _ := url.Parse(srv.URL)
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(target)}}
	resp, err := client.Get(elsewhere.URL + "/secret")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "from the cloud controller" || len(elsewhere.seen()) != 0 {
		t.Errorf("a request naming %s was sent there (answer %q)", elsewhere.URL, body)
	}
}

func TestTokenPUTGoesToTheUpstream(t *testing.T) {
	up := newUpstream(t, "x")
	h := handler(t, up, proxy.Options{})
	w := do(h, "PUT", proxy.TokenPath, "255.0.0.12:1234", http.Header{"X-Aws-Ec2-Metadata-Token-Ttl-Seconds": {"21600"}}, nil)
	if w.Code != 200 || w.Body.String() != "token-abc" {
		t.Fatalf("token PUT: %d %q", w.Code, w.Body.String())
	}
	if got := up.seen()[0].Header.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds"); got != "21600" {
		t.Errorf("TTL header not passed on: %q", got)
	}
}

func TestStatusPageAndNoUpstream(t *testing.T) {
	h := proxy.New(proxy.Options{Interfaces: table(t), Upstream: func() *url.URL { return nil }})
	w := do(h, "GET", proxy.StatusPath, "10.1.2.3:1", nil, nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "interfaces 1") {
		t.Errorf("status: %d %q", w.Code, w.Body.String())
	}
	if w := do(h, "GET", "/latest/meta-data/", "255.0.0.12:1", nil, nil); w.Code != 503 {
		t.Errorf("without an upstream: %d, want 503", w.Code)
	}
}
