package proxy_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/metadata/mapping"
	"github.com/midovpc/midovpc/internal/metadata/proxy"
	"github.com/midovpc/midovpc/internal/translate"
)

// BenchmarkProxy10000Interfaces measures the handler with 10,000 mapped interfaces in front of a
// loopback upstream, requests spread over all of them (the nginx it replaces scanned the whole
// map file on every request). It reports requests per second and the 99th-percentile latency.
func BenchmarkProxy10000Interfaces(b *testing.B) {
	const n = 10000
	list := make([]mapping.Interface, n)
	for i := range list {
		md, _ := translate.MetadataAddress(10 + i)
		private, _ := translate.AddOffset(netip.MustParseAddr("10.0.0.10"), i)
		list[i] = mapping.Interface{MetadataIP: md, Name: fmt.Sprintf("i-%08x", i), ENI: fmt.Sprintf("eni-%08x", i),
			PrivateIP: private, VPC: "vpc-0a1b2c3d", Subnet: "subnet-11aa22bb"}
	}
	tb := &mapping.Table{}
	tb.Replace(list)
	up := newUpstream(b, "ami-12345678")
	up.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(proxy.InstanceIDHeader) == "" {
			w.WriteHeader(500)
		}
		w.Write([]byte("ami-12345678"))
	})
	h := handler(b, up, proxy.Options{Interfaces: tb, MaxInFlight: 1024})

	var mu sync.Mutex
	var latencies []time.Duration
	var next, failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		own := make([]time.Duration, 0, 1024)
		for pb.Next() {
			i := next.Add(1) % n
			r := httptest.NewRequest("GET", "/latest/meta-data/ami-id", nil)
			r.RemoteAddr = list[i].MetadataIP.String() + ":40000"
			w := httptest.NewRecorder()
			t0 := time.Now()
			h.ServeHTTP(w, r)
			own = append(own, time.Since(t0))
			if w.Code != 200 {
				failed.Add(1)
			}
		}
		mu.Lock()
		latencies = append(latencies, own...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if failed.Load() > 0 {
		b.Fatalf("%d of %d requests failed", failed.Load(), len(latencies))
	}
	slices.Sort(latencies)
	p99 := latencies[len(latencies)*99/100]
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(p99.Microseconds()), "p99-µs")
}

// BenchmarkLookup10000Interfaces is the mapping alone: one lookup among 10,000 addresses.
func BenchmarkLookup10000Interfaces(b *testing.B) {
	list := make([]mapping.Interface, 10000)
	for i := range list {
		md, _ := translate.MetadataAddress(10 + i)
		list[i] = mapping.Interface{MetadataIP: md, ENI: fmt.Sprint(i)}
	}
	tb := &mapping.Table{}
	tb.Replace(list)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, ok := tb.Lookup(list[i%len(list)].MetadataIP); !ok {
			b.Fatal("not found")
		}
	}
}
