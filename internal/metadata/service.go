// Package metadata runs the host side of the instance metadata path on the metadata host
// (translation.md §3.3), in place of eucanetd's veth scripts and nginx: it builds and keeps up
// the veth pair and namespace (hostside), serves metadata on 169.254.169.254:80 through a
// proxy that knows which interface each NATed source is (proxy, mapping), forwards DNS on
// 169.254.169.253:53 (dns), and exports its metrics and health.
package metadata

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/midovpc/midovpc/internal/metadata/dns"
	"github.com/midovpc/midovpc/internal/metadata/hostside"
	"github.com/midovpc/midovpc/internal/metadata/mapping"
	"github.com/midovpc/midovpc/internal/metadata/proxy"
)

// Options configure the metadata service.
type Options struct {
	// Host names the veth pair and the namespace.
	Host hostside.Config
	// Interfaces maps metadata NAT addresses to interfaces (kept by a mapping.Watcher).
	Interfaces *mapping.Table
	// Cloud returns the CoreNetwork's cloud controller and DNS servers; nil means none known.
	Cloud func() mapping.Cloud
	// Synced tells whether Interfaces reflect the API server yet; nil means always.
	Synced func() bool
	// Upstream is the metadata service to forward to; nil means the cloud controller on 8773.
	Upstream *url.URL
	// DNSUpstream is the DNS server (address:port) to forward to; empty means the instance
	// DNS servers of the CoreNetwork.
	DNSUpstream string
	// MetricsAddr serves /metrics, /healthz and /readyz; empty or "0" turns it off.
	MetricsAddr string
	// RepairPeriod is how often the host side is checked besides netlink notifications.
	RepairPeriod time.Duration
	// Registry receives the metrics; nil means a new one.
	Registry *prometheus.Registry
	// Log hears what the service does.
	Log logr.Logger
}

// Addresses the service listens on, inside the serving namespace.
var (
	HTTPAddress = netip.AddrPortFrom(hostside.HTTPPrefix.Addr(), 80)
	DNSAddress  = netip.AddrPortFrom(hostside.DNSPrefix.Addr(), 53)
)

// Run builds the host side, serves until ctx ends, and leaves the host side in place (a
// restarted process takes it over unchanged; Cleanup removes it).
func Run(ctx context.Context, o Options) error {
	if o.Log.GetSink() == nil {
		o.Log = logr.Discard()
	}
	if o.RepairPeriod == 0 {
		o.RepairPeriod = 30 * time.Second
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	if o.Cloud == nil {
		o.Cloud = func() mapping.Cloud { return mapping.Cloud{} }
	}
	if o.Synced == nil {
		o.Synced = func() bool { return true }
	}
	host, err := hostside.New(o.Host)
	if err != nil {
		return err
	}
	defer host.Close()
	changed, err := host.Ensure()
	if err != nil {
		return fmt.Errorf("host side of the metadata path: %w", err)
	}
	o.Log.Info("host side of the metadata path in place", "netns", o.Host.Netns, "changed", changed)

	m := newServiceMetrics(o.Registry, o.Interfaces)
	var healthy atomic.Bool
	healthy.Store(true)

	httpL, err := host.Listen("tcp4", HTTPAddress.String())
	if err != nil {
		return err
	}
	dnsUDP, err := host.ListenPacket("udp4", DNSAddress.String())
	if err != nil {
		httpL.Close()
		return err
	}
	dnsTCP, err := host.Listen("tcp4", DNSAddress.String())
	if err != nil {
		httpL.Close()
		dnsUDP.Close()
		return err
	}

	handler := proxy.New(proxy.Options{
		Interfaces: o.Interfaces,
		Upstream:   upstreamOf(o),
		Metrics:    proxy.NewMetrics(o.Registry),
		Log:        o.Log.WithName("proxy"),
	})
	fwd := &dns.Forwarder{
		Upstreams: dnsUpstreamsOf(o),
		Allowed:   func(a netip.Addr) bool { _, ok := o.Interfaces.Lookup(a); return ok },
		Metrics:   dns.NewMetrics(o.Registry),
		Log:       o.Log.WithName("dns"),
	}
	srv := proxy.NewServer(handler)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 4)
	run := func(name string, fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(); err != nil && ctx.Err() == nil {
				errc <- fmt.Errorf("%s: %w", name, err)
			}
		}()
	}
	run("metadata HTTP", func() error {
		if err := srv.Serve(httpL); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	run("DNS over UDP", func() error { return fwd.ServeUDP(ctx, dnsUDP) })
	run("DNS over TCP", func() error { return fwd.ServeTCP(ctx, dnsTCP) })
	run("host side", func() error {
		host.Keep(ctx, o.RepairPeriod, func(changed []string, err error) {
			if err != nil {
				healthy.Store(false)
				m.hostErrors.Inc()
				o.Log.Error(err, "host side of the metadata path")
				return
			}
			healthy.Store(true)
			m.hostRepairs.Inc()
			o.Log.Info("host side of the metadata path repaired", "changed", changed)
		})
		return nil
	})
	if o.MetricsAddr != "" && o.MetricsAddr != "0" {
		ms, err := metricsServer(o, &healthy)
		if err != nil {
			cancel()
			srv.Close()
			wg.Wait()
			return err
		}
		run("metrics", func() error {
			go func() { <-ctx.Done(); ms.srv.Close() }()
			if err := ms.srv.Serve(ms.l); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
	}
	o.Log.Info("serving metadata", "http", HTTPAddress.String(), "dns", DNSAddress.String())

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	cancel()
	shutdownCtx, done := context.WithTimeout(context.Background(), 5*time.Second)
	defer done()
	_ = srv.Shutdown(shutdownCtx)
	wg.Wait()
	return runErr
}

// upstreamOf is the fixed upstream, else the cloud controller the CoreNetwork names.
func upstreamOf(o Options) func() *url.URL {
	if o.Upstream != nil {
		return func() *url.URL { return o.Upstream }
	}
	return func() *url.URL { return proxy.CLCUpstream(o.Cloud().CLC) }
}

func dnsUpstreamsOf(o Options) func() []string {
	if o.DNSUpstream != "" {
		return func() []string { return []string{o.DNSUpstream} }
	}
	return func() []string {
		var out []string
		for _, a := range o.Cloud().DNS {
			out = append(out, dns.ServerAddress(a))
		}
		return out
	}
}

type serviceMetrics struct {
	hostRepairs prometheus.Counter
	hostErrors  prometheus.Counter
}

func newServiceMetrics(reg *prometheus.Registry, table *mapping.Table) *serviceMetrics {
	m := &serviceMetrics{
		hostRepairs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "midovpc_metadata_host_repairs_total",
			Help: "Times the host side (veth, namespace, addresses, route) had to be repaired.",
		}),
		hostErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "midovpc_metadata_host_errors_total",
			Help: "Checks of the host side that failed.",
		}),
	}
	reg.MustRegister(m.hostRepairs, m.hostErrors,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "midovpc_metadata_interfaces",
			Help: "Interfaces whose metadata NAT address is mapped.",
		}, func() float64 { return float64(table.Len()) }))
	// The process and Go collectors, unless the caller's registry already has them.
	_ = reg.Register(collectors.NewGoCollector())
	_ = reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

type listening struct {
	srv *http.Server
	l   net.Listener
}

// metricsServer serves /metrics, /healthz (the host side is in place) and /readyz (the
// mapping has synced and an upstream is known) in the process's own namespace.
func metricsServer(o Options, healthy *atomic.Bool) (*listening, error) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(o.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		if !healthy.Load() {
			http.Error(w, "host side of the metadata path is broken", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		switch {
		case !o.Synced():
			http.Error(w, "interfaces not synced yet", http.StatusServiceUnavailable)
		case upstreamOf(o)() == nil:
			http.Error(w, "no metadata upstream known", http.StatusServiceUnavailable)
		default:
			fmt.Fprintln(w, "ok")
		}
	})
	l, err := net.Listen("tcp", o.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("metrics on %s: %w", o.MetricsAddr, err)
	}
	return &listening{srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}, l: l}, nil
}

// Cleanup removes the host side (the veth pair and the namespace, when nothing else is in it)
// and the interface map file, and says what it removed.
func Cleanup(cfg hostside.Config, intipMap string) ([]string, error) {
	host, err := hostside.New(cfg)
	if err != nil {
		return nil, err
	}
	defer host.Close()
	removed, err := host.Cleanup()
	if err != nil {
		return removed, err
	}
	if intipMap != "" {
		switch err := os.Remove(intipMap); {
		case err == nil:
			removed = append(removed, "file "+intipMap)
		case !errors.Is(err, os.ErrNotExist):
			return removed, fmt.Errorf("remove %s: %w", intipMap, err)
		}
	}
	return removed, nil
}
