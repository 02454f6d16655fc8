package midonet

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkClientGetRouter measures one GetRouter against a local server that answers a fixed
// router document: the client's own cost (URL building, headers, limiter and slot, metrics,
// decoding) plus a loopback round trip. Compare with BenchmarkRawHTTPGet for the bare HTTP share.
func BenchmarkClientGetRouter(b *testing.B) {
	c := benchClient(b, benchServer(b))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.GetRouter(ctx, "0b8a3bd4-5f6e-4c61-9b8e-7d6f2a1c0e11"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawHTTPGet is the same request with net/http alone, as the baseline.
func BenchmarkRawHTTPGet(b *testing.B) {
	srv := benchServer(b)
	hc := &http.Client{}
	u := srv.URL + apiPrefix + "/routers/0b8a3bd4-5f6e-4c61-9b8e-7d6f2a1c0e11"
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := hc.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 1024)
		for {
			if _, err := resp.Body.Read(buf); err != nil {
				break
			}
		}
		resp.Body.Close()
	}
}

const benchRouter = `{"id":"0b8a3bd4-5f6e-4c61-9b8e-7d6f2a1c0e11","tenantId":"euca_tenant_1","name":"vr_vpc-12345678",` +
	`"adminStateUp":true,"inboundFilterId":null,"outboundFilterId":null,"loadBalancerId":null,"asNumber":0,` +
	`"inboundMirrorIds":[],"outboundMirrorIds":[],"localRedirectChainId":null,"forwardChainId":null,` +
	`"uri":"http://127.0.0.1:8181/midonet-api/routers/0b8a3bd4-5f6e-4c61-9b8e-7d6f2a1c0e11"}`

func benchServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == apiPrefix+"/" {
			_, _ = w.Write([]byte(`{"uri":"http://` + r.Host + apiPrefix + `/","version":"v5.0"}`))
			return
		}
		w.Header().Set("Content-Type", MediaType(VersionMN5, ResRouters, false))
		_, _ = w.Write([]byte(benchRouter))
	}))
	b.Cleanup(srv.Close)
	return srv
}

// benchClient is a client of srv without a rate limit, its API discovered.
func benchClient(b *testing.B, srv *httptest.Server) *Client {
	c, err := New(Config{URL: srv.URL + apiPrefix, QPS: -1})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Discover(context.Background()); err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkClientCreateRule measures one CreateRule against a local server that answers as
// MidoNet does, 201 with a Location and no body: the client's cost of a create, the request
// encoded and the rule recorded from it, plus a loopback round trip.
func BenchmarkClientCreateRule(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == apiPrefix+"/" {
			_, _ = w.Write([]byte(`{"uri":"http://` + r.Host + apiPrefix + `/","version":"v5.0"}`))
			return
		}
		w.Header().Set("Location", "http://"+r.Host+apiPrefix+"/rules/4b9c1a52-8f0e-4d3b-a6c7-2e1f0d9b8a77")
		w.WriteHeader(http.StatusCreated)
	}))
	b.Cleanup(srv.Close)
	c := benchClient(b, srv)
	ctx := context.Background()
	proto, src, dst := 6, "10.0.0.0", "10.1.2.3"
	rule := &Rule{ID: "4b9c1a52-8f0e-4d3b-a6c7-2e1f0d9b8a77", Type: "accept", NwProto: &proto,
		NwSrcAddress: &src, NwSrcLength: 16, NwDstAddress: &dst, NwDstLength: 32,
		TpDst: &PortRange{Start: 22, End: 22}, Position: 1}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.CreateRule(ctx, "0b8a3bd4-5f6e-4c61-9b8e-7d6f2a1c0e11", rule); err != nil {
			b.Fatal(err)
		}
	}
}
