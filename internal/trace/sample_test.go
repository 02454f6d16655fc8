package trace_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/testcloud"
	"github.com/midovpc/midovpc/internal/topoview"
	"github.com/midovpc/midovpc/internal/trace"
)

// The sample view converged by the real controllers into the emulator, read once; then the
// same view with a third VPC overlapping the first (global_network_info.overlap.xml).
var sample struct {
	once          sync.Once
	cloud         *testcloud.Cloud
	base, overlap *topoview.Snapshot
	err           error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sample.cloud != nil {
		sample.cloud.Stop()
	}
	os.Exit(code)
}

func converged(t *testing.T) (base, overlap *trace.Network) {
	t.Helper()
	sample.once.Do(func() {
		read := func(name string) []byte {
			data, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				sample.err = err
			}
			return data
		}
		dir, err := os.MkdirTemp("", "trace-sample")
		if err != nil {
			sample.err = err
			return
		}
		view := read("global_network_info.xml")
		if sample.cloud, sample.err = testcloud.StartCloud(dir, view, 90*time.Second); sample.err != nil {
			return
		}
		ctx := context.Background()
		if sample.base, sample.err = sample.cloud.Snapshot(ctx); sample.err != nil {
			return
		}
		// For the README: MIDOVPC_SAMPLE_SNAPSHOT=FILE keeps the converged sample as a snapshot
		// file, for `kubectl-midovpc trace --snapshot FILE`.
		if path := os.Getenv("MIDOVPC_SAMPLE_SNAPSHOT"); path != "" {
			f, err := os.Create(path)
			if err == nil {
				err = sample.base.WriteJSON(f)
				f.Close()
			}
			if sample.err = err; err != nil {
				return
			}
		}
		if sample.err = sample.cloud.Apply(read("global_network_info.overlap.xml"), 90*time.Second); sample.err != nil {
			return
		}
		sample.overlap, sample.err = sample.cloud.Snapshot(ctx)
	})
	if sample.err != nil {
		t.Fatal(sample.err)
	}
	return trace.NewNetwork(sample.base), trace.NewNetwork(sample.overlap)
}

type flowCase struct {
	name     string
	from, to string
	flow     trace.Flow
	// want is the verdict; wantTo the interface or endpoint kind it reaches; wantWhy a part of
	// the reason (dropped, no-route) or of a hop that must be on the way.
	want, wantTo, wantWhy string
	// wantSrc is the source address the receiver sees, when it matters (NAT); ending in a
	// dot, a prefix (metadata addresses depend on the order interfaces were created in).
	wantSrc string
	// reply, when set, is the verdict of the answer traced with the forward state; replyWhy a
	// part of the answer's trace.
	reply, replyTo, replyWhy string
	// never are hops neither the packet nor its answer may take (a rule that must not decide).
	never []string
}

func tcp(dport int) trace.Flow {
	return trace.Flow{Proto: trace.ProtoTCP, SrcPort: 40000, DstPort: dport}
}
func udp(dport int) trace.Flow {
	return trace.Flow{Proto: trace.ProtoUDP, SrcPort: 40000, DstPort: dport}
}

var ping = trace.Flow{Proto: trace.ProtoICMP, ICMPType: 8}

// TestSampleViewFlows traces the flows an operator of the sample cloud asks about, against the
// topology the controllers built.
func TestSampleViewFlows(t *testing.T) {
	base, _ := converged(t)
	check(t, base, []flowCase{
		{name: "same group, allowed port", from: "i-01234567", to: "i-12345678", flow: tcp(22),
			want: trace.Delivered, wantTo: "i-12345678", wantSrc: "10.0.1.11", reply: trace.Delivered, replyTo: "i-01234567"},
		{name: "same group, port the group does not open", from: "i-01234567", to: "10.0.1.12", flow: tcp(3306),
			want: trace.Dropped, wantWhy: "ic_i-12345678_postchain #7"},
		{name: "same group, icmp from inside the VPC", from: "i-01234567", to: "i-12345678", flow: ping,
			want: trace.Delivered, wantTo: "i-12345678", reply: trace.Delivered, replyTo: "i-01234567"},
		{name: "group reference admits a member", from: "eni-e5e5e5e5", to: "i-3456789a", flow: udp(53),
			want: trace.Delivered, wantTo: "i-3456789a", wantWhy: "sg_ingress_sg-6f6f6f6f #2", reply: trace.Delivered, replyTo: "eni-e5e5e5e5"},
		{name: "across subnets through the ACL", from: "i-01234567", to: "i-23456789", flow: tcp(22),
			want: trace.Delivered, wantTo: "i-23456789", wantWhy: "acl_ingress_vpc-0a1b2c3d_acl-3c3c3c3c #1", reply: trace.Delivered, replyTo: "i-01234567"},
		{name: "across subnets, the ACL admits, the group does not", from: "i-01234567", to: "i-23456789", flow: tcp(8080),
			want: trace.Dropped, wantWhy: "ic_i-23456789_postchain #5"},
		{name: "to the internet via the elastic IP", from: "i-01234567", to: "8.8.8.8", flow: tcp(443),
			want: trace.Delivered, wantTo: "uplink", wantSrc: "10.116.150.11", reply: trace.Delivered, replyTo: "i-01234567"},
		{name: "to the internet via the NAT gateway", from: "i-23456789", to: "198.51.100.7", flow: tcp(443),
			want: trace.Delivered, wantTo: "uplink", wantSrc: "10.116.150.20", wantWhy: "natc_nat-0c1d2e3f4a5b6c7d8_rtout #1", reply: trace.Delivered, replyTo: "i-23456789"},
		{name: "from the internet to an elastic IP", from: "203.0.113.5", to: "10.116.150.12", flow: tcp(22),
			want: trace.Delivered, wantTo: "i-12345678", wantWhy: "vc_vpc-0a1b2c3d_preelip #" /* the elastic IPs share the chain; their order follows sync order */, reply: trace.Delivered, replyTo: "uplink"},
		{name: "from the internet, a port the group closes", from: "203.0.113.5", to: "10.116.150.12", flow: tcp(3306),
			want: trace.Dropped, wantWhy: "ic_i-12345678_postchain #7"},
		{name: "from the internet, a protocol the ACL denies", from: "203.0.113.5", to: "10.116.150.11", flow: udp(53),
			want: trace.Dropped, wantWhy: "acl_ingress_vpc-0a1b2c3d_acl-3c3c3c3c #6"},
		{name: "from the internet to the NAT gateway's address", from: "203.0.113.5", to: "10.116.150.20", flow: tcp(22),
			want: trace.Dropped},
		{name: "through a NAT instance", from: "i-01234567", to: "192.168.5.5", flow: tcp(80),
			want: trace.Delivered, wantTo: "i-23456789", wantWhy: "gw 10.0.2.21 w 30"},
		{name: "across VPCs: no route back into the cloud", from: "i-3456789a", to: "10.0.1.11", flow: tcp(22),
			want: trace.NoRoute, wantWhy: "has no route from 172.16.1.21 to 10.0.1.11"},
		{name: "across VPCs: out to the internet, never into the other VPC", from: "i-01234567", to: "172.16.1.21", flow: tcp(3306),
			want: trace.Delivered, wantTo: "uplink"},
		{name: "metadata", from: "i-01234567", to: "169.254.169.254", flow: tcp(80),
			want: trace.Delivered, wantTo: "metadata", wantSrc: "255.", reply: trace.Delivered, replyTo: "i-01234567"},
		{name: "metadata, a port it does not serve", from: "i-3456789a", to: "169.254.169.254", flow: tcp(22),
			want: trace.Dropped, wantWhy: "eucamdrt_extportout #6"},
		{name: "dns on .253", from: "i-3456789a", to: "169.254.169.253", flow: udp(53),
			want: trace.Delivered, wantTo: "metadata", wantSrc: "255."},
	})
}

// TestOverlappingVPCsAreIsolated: a third VPC holds the same addresses as the first; each
// instance reaches its own VPC's address, never the other's.
func TestOverlappingVPCsAreIsolated(t *testing.T) {
	_, overlap := converged(t)
	check(t, overlap, []flowCase{
		{name: "first VPC reaches its own 10.0.1.12", from: "i-01234567", to: "vpc-0a1b2c3d/10.0.1.12", flow: tcp(22),
			want: trace.Delivered, wantTo: "i-12345678", reply: trace.Delivered, replyTo: "i-01234567"},
		{name: "third VPC reaches its own 10.0.1.12", from: "i-456789ab", to: "vpc-7c8d9e0f/10.0.1.12", flow: tcp(22),
			want: trace.Delivered, wantTo: "i-56789abc", reply: trace.Delivered, replyTo: "i-456789ab"},
		{name: "third VPC has no way out", from: "i-456789ab", to: "8.8.8.8", flow: tcp(443),
			want: trace.NoRoute},
	})
	if _, err := overlap.Trace("10.0.1.11", "10.0.1.12", tcp(22)); err == nil || !strings.Contains(err.Error(), "held by 2 interfaces") {
		t.Errorf("an address two VPCs hold must be refused as ambiguous, got %v", err)
	}
}

func check(t *testing.T, n *trace.Network, cases []flowCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dst := tc.to
			if k := strings.Index(dst, "/"); k >= 0 {
				dst = dst[k+1:]
			}
			res, err := n.Trace(tc.from, tc.to, tc.flow)
			if err != nil {
				t.Fatal(err)
			}
			if tc.reply != "" && res.Verdict == trace.Delivered {
				if res.Reply, err = n.TraceReply(res); err != nil {
					t.Fatal(err)
				}
			}
			text := res.String()
			if res.Verdict != tc.want {
				t.Fatalf("verdict %s, want %s:\n%s", res.Verdict, tc.want, text)
			}
			if tc.wantTo != "" && !reaches(res, tc.wantTo) {
				t.Errorf("delivered to %+v, want %s:\n%s", res.DeliveredTo, tc.wantTo, text)
			}
			if tc.wantWhy != "" && !strings.Contains(text, tc.wantWhy) {
				t.Errorf("trace does not mention %q:\n%s", tc.wantWhy, text)
			}
			for _, hop := range tc.never {
				if strings.Contains(text, hop) {
					t.Errorf("trace takes %q:\n%s", hop, text)
				}
			}
			if tc.wantSrc != "" && (res.Received == nil || !sameSource(res.Received.Src.String(), tc.wantSrc)) {
				t.Errorf("received with source %v, want %s:\n%s", res.Received, tc.wantSrc, text)
			}
			if tc.reply != "" {
				if res.Reply == nil || res.Reply.Verdict != tc.reply || (tc.replyTo != "" && !reaches(res.Reply, tc.replyTo)) {
					t.Errorf("reply: want %s to %s:\n%s", tc.reply, tc.replyTo, text)
				}
				if res.Reply != nil && !strings.Contains(res.Reply.String(), tc.replyWhy) {
					t.Errorf("reply does not mention %q:\n%s", tc.replyWhy, text)
				}
			}
		})
	}
}

// reaches: delivered to the named interface, or to an endpoint of that kind.
func reaches(r *trace.Result, to string) bool {
	d := r.DeliveredTo
	return d != nil && (d.Name == to || d.Kind == to)
}

func sameSource(got, want string) bool {
	if strings.HasSuffix(want, ".") {
		return strings.HasPrefix(got, want)
	}
	return got == want
}

// TestDHCPOnlyFromMidoNet: eucanetd's DHCP accepts matched UDP to 67–68 from anywhere, so the
// internet reached an elastic IP on those ports past the network ACL and the security group.
// Now such a packet meets both, as in AWS, while MidoNet's own DHCP reply still reaches the
// instance through its postchain.
func TestDHCPOnlyFromMidoNet(t *testing.T) {
	base, _ := converged(t)
	dhcpFrom := func(sport, dport int) trace.Flow {
		return trace.Flow{Proto: trace.ProtoUDP, SrcPort: sport, DstPort: dport}
	}
	check(t, base, []flowCase{
		// i-01234567's subnet has the ACL that denies UDP from the internet.
		{name: "internet to an elastic IP, UDP 67", from: "203.0.113.5", to: "10.116.150.11", flow: udp(67),
			want: trace.Dropped, wantWhy: "acl_ingress_vpc-0a1b2c3d_acl-3c3c3c3c #6"},
		{name: "internet to an elastic IP, DHCP-shaped 67 → 68", from: "203.0.113.5", to: "10.116.150.11", flow: dhcpFrom(67, 68),
			want: trace.Dropped, wantWhy: "acl_ingress_vpc-0a1b2c3d_acl-3c3c3c3c #6"},
		{name: "internet to another elastic IP, UDP 68", from: "203.0.113.5", to: "10.116.150.12", flow: dhcpFrom(67, 68),
			want: trace.Dropped, wantWhy: "acl_ingress_vpc-0a1b2c3d_acl-3c3c3c3c #6"},
		// On the way out, the DHCP accept of sc_<subnet>_out (#3) no longer matches a packet
		// leaving to the router: it meets the egress ACL (which allows everything here).
		{name: "instance to the internet, UDP 67, meets the egress ACL", from: "i-01234567", to: "8.8.8.8", flow: dhcpFrom(68, 67),
			want: trace.Delivered, wantTo: "uplink", wantWhy: "sc_subnet-11aa22bb_out #5 jump: → acl_egress_vpc-0a1b2c3d_acl-3c3c3c3c"},
		// Through the NAT gateway, which has a port on subnet-11aa22bb's bridge: the DHCP accepts
		// no longer match what crosses that port either. Out, the packet leaves to the NAT
		// gateway's port through the egress ACL (#5); the answer from the internet enters from
		// that port and meets the ingress ACL, whose #6 denies UDP from outside the VPC.
		{name: "instance through the NAT gateway, UDP 67, both ways through the NAT subnet's ACL", from: "i-23456789", to: "198.51.100.7",
			flow: dhcpFrom(68, 67), want: trace.Delivered, wantTo: "uplink", wantSrc: "10.116.150.20",
			wantWhy: "sc_subnet-11aa22bb_out #5 jump: → acl_egress_vpc-0a1b2c3d_acl-3c3c3c3c", reply: trace.Dropped,
			replyWhy: "dropped: drop by acl_ingress_vpc-0a1b2c3d_acl-3c3c3c3c #6 (bridge in)",
			never:    []string{"sc_subnet-11aa22bb_out #3", "sc_subnet-11aa22bb_in #3"}},
	})
	for _, inst := range []string{"i-01234567", "i-12345678"} {
		res, err := base.DHCP(inst)
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != trace.Delivered || !reaches(res, inst) || !strings.Contains(res.String(), "ic_"+inst+"_postchain #3") {
			t.Errorf("MidoNet's DHCP reply to %s: want delivered by postchain rule 3:\n%s", inst, res)
		}
	}
	if _, err := base.DHCP("203.0.113.5"); err == nil {
		t.Error("an external address has no DHCP: want an error")
	}
}
