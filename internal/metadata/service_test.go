package metadata_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/midovpc/midovpc/internal/metadata"
	"github.com/midovpc/midovpc/internal/metadata/hostside"
	"github.com/midovpc/midovpc/internal/metadata/mapping"
	"github.com/midovpc/midovpc/internal/metadata/netnstest"
)

// The instance behind 255.0.0.12, and a source MidoNet never mapped.
var (
	known   = mapping.Interface{MetadataIP: netip.MustParseAddr("255.0.0.12"), Name: "i-01234567", ENI: "eni-a1a1a1a1", PrivateIP: netip.MustParseAddr("10.0.1.11"), VPC: "vpc-0a1b2c3d", Subnet: "subnet-11aa22bb"}
	unknown = netip.MustParseAddr("255.0.0.99")
)

// world is a metadata host in a namespace of its own: the component under test builds its
// veth and namespace there; the base namespace also plays MidoNet (eucamdrt's 169.254.169.249
// and the NATed instance addresses behind eucamd_mido); a fake cloud controller and a fake DNS
// server listen on loopback.
type world struct {
	t           *testing.T
	metricsAddr string
	cfg         hostside.Config
	table       *mapping.Table
	upstream    *fakeCLC
	dnsAddr     string
	intipMap    string
}

func newWorld(t *testing.T) *world {
	netnstest.Require(t)
	w := &world{t: t, table: &mapping.Table{}, upstream: newFakeCLC(t), dnsAddr: fakeDNS(t), metricsAddr: freeLoopbackPort(t)}
	w.cfg = hostside.Config{Netns: netnstest.UniqueName("eucamd-t"), VethHost: "eucamd_host", VethMido: "eucamd_mido", Base: netnstest.NewNamespace(t)}
	t.Cleanup(func() {
		if _, err := os.Stat(filepath.Join(hostside.NamespaceDir, w.cfg.Netns)); err == nil {
			_ = netns.DeleteNamed(w.cfg.Netns)
		}
	})
	w.table.Replace([]mapping.Interface{known})
	return w
}

// start runs the component until the returned stop is called.
func (w *world) start() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	u, _ := url.Parse(w.upstream.URL)
	go func() {
		done <- metadata.Run(ctx, metadata.Options{
			Host: w.cfg, Interfaces: w.table, Upstream: u, DNSUpstream: w.dnsAddr, MetricsAddr: w.metricsAddr,
			RepairPeriod: time.Hour, // repairs below come from netlink notifications
		})
	}()
	w.eventually("the metadata service answers its status page", func() error {
		select {
		case err := <-done:
			w.t.Fatalf("metadata.Run: %v", err)
		default:
		}
		w.playMidoNet()
		_, _, err := w.get(known.MetadataIP, "/euca_md_status")
		return err
	})
	return func() {
		cancel()
		if err := <-done; err != nil {
			w.t.Errorf("metadata.Run: %v", err)
		}
	}
}

// playMidoNet puts eucamdrt's external address and the NATed instance addresses on
// eucamd_mido, as MidoNet's side of the veth would answer for them.
func (w *world) playMidoNet() {
	h := netnstest.Handle(w.t, w.cfg.Base)
	l, err := h.LinkByName(w.cfg.VethMido)
	if err != nil {
		return // not (re)built yet
	}
	for _, a := range []string{"169.254.169.249/29", known.MetadataIP.String() + "/32", unknown.String() + "/32"} {
		addr, _ := netlink.ParseAddr(a)
		_ = h.AddrReplace(l, addr)
	}
}

// get sends GET path to 169.254.169.254 from the instance address from, through the veth.
func (w *world) get(from netip.Addr, path string) (int, string, error) {
	local := &net.TCPAddr{IP: from.AsSlice()}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(_ context.Context, network, addr string) (net.Conn, error) {
			return netnstest.Dialer(w.cfg.Base, local)(network, addr)
		},
	}}
	resp, err := client.Get("http://169.254.169.254" + path)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

func (w *world) eventually(what string, cond func() error) {
	w.t.Helper()
	deadline := time.Now().Add(30 * time.Second) // generous: each step takes milliseconds
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("never: %s: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// metadataWorks checks a full round trip from the known instance.
func (w *world) metadataWorks() error {
	code, body, err := w.get(known.MetadataIP, "/latest/meta-data/instance-id")
	if err != nil {
		return err
	}
	if code != 200 || body != "answer from the CLC" {
		return fmt.Errorf("answer %d %q", code, body)
	}
	return nil
}

func TestMetadataPathWithRealPackets(t *testing.T) {
	w := newWorld(t)
	stop := w.start()

	t.Run("a request from 255.0.0.12 reaches the upstream as its instance", func(t *testing.T) {
		if err := w.metadataWorks(); err != nil {
			t.Fatal(err)
		}
		r := w.upstream.last()
		if r.instanceID != "i-01234567" || r.forwardedFor != "10.0.1.11" || r.path != "/latest/meta-data/instance-id" {
			t.Errorf("upstream saw %+v, want instance i-01234567 for 10.0.1.11", r)
		}
	})

	t.Run("an unknown source gets 403 and never reaches the upstream", func(t *testing.T) {
		before := w.upstream.count()
		code, _, err := w.get(unknown, "/latest/user-data")
		if err != nil || code != 403 {
			t.Fatalf("answer %d, err %v; want 403", code, err)
		}
		if w.upstream.count() != before {
			t.Error("the upstream was reached")
		}
	})

	t.Run("metrics count requests by code and unknown sources; /healthz answers", func(t *testing.T) {
		metrics := httpGet(t, "http://"+w.metricsAddr+"/metrics")
		for _, want := range []string{
			`midovpc_metadata_requests_total{code="200"}`,
			`midovpc_metadata_requests_total{code="403"} 1`,
			"midovpc_metadata_unknown_sources_total 1",
			"midovpc_metadata_request_duration_seconds_count",
			"midovpc_metadata_interfaces 1",
		} {
			if !strings.Contains(metrics, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		if got := httpGet(t, "http://"+w.metricsAddr+"/healthz"); got != "ok\n" {
			t.Errorf("/healthz = %q", got)
		}
	})

	t.Run("an interface taken out of the mapping stops being served", func(t *testing.T) {
		w.table.Replace(nil)
		defer w.table.Replace([]mapping.Interface{known})
		if code, _, err := w.get(known.MetadataIP, "/latest/meta-data/"); err != nil || code != 403 {
			t.Fatalf("answer %d, err %v; want 403", code, err)
		}
	})

	t.Run("DNS on 169.254.169.253 is forwarded, over UDP and TCP", func(t *testing.T) {
		for _, network := range []string{"udp", "tcp"} {
			answer, err := w.query(network, known.MetadataIP, 0x1234)
			if err != nil {
				t.Fatalf("%s: %v", network, err)
			}
			if !bytes.HasSuffix(answer, []byte("fake-upstream")) {
				t.Errorf("%s answer %q did not come from the upstream", network, answer)
			}
			refused, err := w.query(network, unknown, 0x4321)
			if err != nil {
				t.Fatalf("%s from an unknown source: %v", network, err)
			}
			if rcode := refused[3] & 0x0f; rcode != 5 || bytes.HasSuffix(refused, []byte("fake-upstream")) {
				t.Errorf("%s from an unknown source: rcode %d, answer %q; want REFUSED without forwarding", network, rcode, refused)
			}
		}
	})

	t.Run("an address removed by hand is repaired", func(t *testing.T) {
		hs, err := netlink.NewHandleAt(mustNamed(t, w.cfg.Netns))
		if err != nil {
			t.Fatal(err)
		}
		defer hs.Close()
		l, err := hs.LinkByName(w.cfg.VethHost)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := netlink.ParseAddr("169.254.169.254/29")
		if err := hs.AddrDel(l, a); err != nil {
			t.Fatal(err)
		}
		w.eventually("metadata is served again", w.metadataWorks)
	})

	t.Run("the veth removed by hand is repaired", func(t *testing.T) {
		hb := netnstest.Handle(t, w.cfg.Base)
		l, err := hb.LinkByName(w.cfg.VethMido)
		if err != nil {
			t.Fatal(err)
		}
		if err := hb.LinkDel(l); err != nil {
			t.Fatal(err)
		}
		w.eventually("metadata is served again", func() error {
			w.playMidoNet()
			return w.metadataWorks()
		})
	})

	t.Run("a restart changes nothing", func(t *testing.T) {
		before := w.observe(t)
		stop()
		stop = w.start()
		after := w.observe(t)
		if before != after {
			t.Errorf("restart changed the host side:\n before %+v\n after  %+v", before, after)
		}
		if after.addresses != 2 || after.routes != 1 {
			t.Errorf("after restart: %d addresses and %d routes to 255.0.0.0/8, want 2 and 1", after.addresses, after.routes)
		}
		if err := w.metadataWorks(); err != nil {
			t.Error(err)
		}
	})

	stop()
	t.Run("--cleanup leaves nothing", func(t *testing.T) {
		removed, err := metadata.Cleanup(w.cfg, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("removed %v", removed)
		links, err := netnstest.Handle(t, w.cfg.Base).LinkList()
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			if l.Attrs().Name != "lo" {
				t.Errorf("link %s left behind", l.Attrs().Name)
			}
		}
		if _, err := os.Stat(filepath.Join(hostside.NamespaceDir, w.cfg.Netns)); !os.IsNotExist(err) {
			t.Errorf("namespace %s left behind", w.cfg.Netns)
		}
	})
}

func httpGet(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// freeLoopbackPort is a loopback address:port nothing listens on right now.
func freeLoopbackPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// hostState is what `ip link`, `ip addr` and `ip route` show of the host side.
type hostState struct {
	midoIndex, hostIndex int
	addresses, routes    int
}

func (w *world) observe(t *testing.T) hostState {
	t.Helper()
	var s hostState
	hb := netnstest.Handle(t, w.cfg.Base)
	if l, err := hb.LinkByName(w.cfg.VethMido); err == nil {
		s.midoIndex = l.Attrs().Index
	}
	hs := netnstest.Handle(t, mustNamed(t, w.cfg.Netns))
	l, err := hs.LinkByName(w.cfg.VethHost)
	if err != nil {
		t.Fatal(err)
	}
	s.hostIndex = l.Attrs().Index
	addrs, _ := hs.AddrList(l, netlink.FAMILY_V4)
	s.addresses = len(addrs)
	routes, _ := hs.RouteList(nil, netlink.FAMILY_V4)
	for _, r := range routes {
		if r.Dst != nil && r.Dst.String() == "255.0.0.0/8" {
			s.routes++
		}
	}
	return s
}

func mustNamed(t *testing.T, name string) netns.NsHandle {
	t.Helper()
	ns, err := netns.GetFromName(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close() })
	return ns
}

// query sends a DNS query with id to 169.254.169.253:53 from the instance address from.
func (w *world) query(network string, from netip.Addr, id uint16) ([]byte, error) {
	var local net.Addr = &net.UDPAddr{IP: from.AsSlice()}
	if network == "tcp" {
		local = &net.TCPAddr{IP: from.AsSlice()}
	}
	c, err := netnstest.Dialer(w.cfg.Base, local)(network, "169.254.169.253:53")
	if err != nil {
		return nil, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	q := dnsQuery(id)
	if network == "tcp" {
		q = append(binary.BigEndian.AppendUint16(nil, uint16(len(q))), q...)
	}
	if _, err := c.Write(q); err != nil {
		return nil, err
	}
	if network == "tcp" {
		var l [2]byte
		if _, err := io.ReadFull(c, l[:]); err != nil {
			return nil, err
		}
		answer := make([]byte, binary.BigEndian.Uint16(l[:]))
		_, err := io.ReadFull(c, answer)
		return answer, err
	}
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	return buf[:n], err
}

// dnsQuery is a query for example.com. A with the given id.
func dnsQuery(id uint16) []byte {
	q := binary.BigEndian.AppendUint16(nil, id)
	q = append(q, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0)
	q = append(q, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1)
	return q
}

// fakeDNS answers every query, over UDP and TCP on the same loopback port, with the query
// flagged as an answer and a marker appended.
func fakeDNS(t *testing.T) string {
	answer := func(q []byte) []byte {
		a := append([]byte(nil), q...)
		a[2] |= 0x80
		return append(a, "fake-upstream"...)
	}
	for range 20 {
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		l, err := net.Listen("tcp4", pc.LocalAddr().String())
		if err != nil {
			pc.Close()
			continue
		}
		t.Cleanup(func() { pc.Close(); l.Close() })
		go func() {
			buf := make([]byte, 4096)
			for {
				n, from, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				_, _ = pc.WriteTo(answer(buf[:n]), from)
			}
		}()
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					var n [2]byte
					if _, err := io.ReadFull(c, n[:]); err != nil {
						return
					}
					q := make([]byte, binary.BigEndian.Uint16(n[:]))
					if _, err := io.ReadFull(c, q); err != nil {
						return
					}
					a := answer(q)
					_, _ = c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(a))), a...))
				}()
			}
		}()
		return pc.LocalAddr().String()
	}
	t.Fatal("no loopback port free for both UDP and TCP")
	return ""
}

// fakeCLC is the cloud controller's metadata service, recording what reaches it.
type fakeCLC struct {
	*httptest.Server
	mu   sync.Mutex
	seen []seenRequest
}

type seenRequest struct{ path, instanceID, forwardedFor string }

func newFakeCLC(t *testing.T) *fakeCLC {
	f := &fakeCLC{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.seen = append(f.seen, seenRequest{r.URL.Path, r.Header.Get("Euca-Instance-Id"), r.Header.Get("X-Forwarded-For")})
		f.mu.Unlock()
		io.WriteString(w, "answer from the CLC")
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeCLC) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.seen)
}

func (f *fakeCLC) last() seenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.seen) == 0 {
		return seenRequest{}
	}
	return f.seen[len(f.seen)-1]
}
