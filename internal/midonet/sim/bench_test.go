package sim

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkSimRequests measures the requests per second the emulator sustains over real HTTP
// with parallel clients: three reads (a router, a chain's rules) for every write (a rule insert
// at the head of a chain, then its delete).
func BenchmarkSimRequests(b *testing.B) {
	running, err := Start(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer running.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var requests atomic.Int64
	do := func(method, url, mt, body string) string {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, url, rd)
		if body != "" {
			req.Header.Set("Content-Type", mt)
		} else {
			req.Header.Set("Accept", mt)
		}
		requests.Add(1)
		resp, err := client.Do(req)
		if err != nil {
			b.Error(err)
			return ""
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			b.Errorf("%s %s: %d", method, url, resp.StatusCode)
		}
		return resp.Header.Get("Location")
	}
	base := running.URL
	router := do(http.MethodPost, base+"/routers", tRouter, `{"name":"bench"}`)
	chain := do(http.MethodPost, base+"/chains", tChain, `{"name":"bench"}`)
	for i := 0; i < 20; i++ {
		do(http.MethodPost, chain+"/rules", tRule, `{"type":"accept"}`)
	}
	var n atomic.Int64
	requests.Store(0)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			switch n.Add(1) % 4 {
			case 0:
				if loc := do(http.MethodPost, chain+"/rules", tRule, `{"type":"drop","position":"1","nwProto":"6","tpDst":{"start":"22","end":"22"}}`); loc != "" {
					do(http.MethodDelete, loc, "", "")
				}
			case 1:
				do(http.MethodGet, chain+"/rules", tRules, "")
			default:
				do(http.MethodGet, router, tRouter, "")
			}
		}
	})
	b.ReportMetric(float64(requests.Load())/b.Elapsed().Seconds(), "req/s")
}
