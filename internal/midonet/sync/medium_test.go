package sync_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/topology"
	"github.com/midovpc/midovpc/internal/translate"
)

// mediumTopology translates a cloud with the core (metadata and one gateway), one VPC, four
// subnets, eight interfaces per subnet and four security groups, with translate's own
// functions: every owner's fragment, in an order where dependencies come first.
func mediumTopology(tb testing.TB) []topology.Fragment {
	tb.Helper()
	s := translate.Settings{DNSServers: []netip.Addr{ip("10.111.5.11")}, DNSDomain: "eucalyptus.internal"}
	must := func(f topology.Fragment, err error) topology.Fragment {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return f
	}
	owner := func(kind, name string) topology.Owner {
		return topology.Owner{Kind: kind, Namespace: "euca", Name: name}
	}
	var out []topology.Fragment
	out = append(out, must(translate.CoreNetwork(owner(topology.KindCoreNetwork, "core"), translate.CoreNetworkInput{
		Version: ip("4.4.2.0"), MetadataHost: "10.111.1.5",
		Gateways: []translate.Gateway{{Host: "10.111.1.6", ExternalDevice: "eth1", ExternalIP: ip("192.168.1.100"),
			ExternalCIDR: pfx("192.168.1.0/24"), PeerIP: ip("192.168.1.1")}},
	}, s)))
	vpc := translate.VPCRef{ID: "vpc-1a2b3c4d", CIDR: pfx("10.0.0.0/16"), RouterIndex: 2}
	out = append(out, must(translate.VPC(owner(topology.KindVpc, vpc.ID), vpc, s)))
	var sgs []string
	for g := range 4 {
		sg := fmt.Sprintf("sg-5555%04x", g)
		sgs = append(sgs, sg)
		f, _, err := translate.SecurityGroup(owner(topology.KindSecurityGroup, sg), translate.SecurityGroupInput{ID: sg,
			Ingress: []translate.SecurityGroupRule{
				{Protocol: 6, Ports: &translate.PortRange{From: 22, To: 22}, CIDR: pfx("0.0.0.0/0")},
				{Protocol: 6, Ports: &translate.PortRange{From: 80 + g, To: 80 + g}, CIDR: pfx("10.0.0.0/8")},
				{Protocol: 1, ICMP: &translate.ICMPMatch{Type: -1, Code: -1}, CIDR: pfx("0.0.0.0/0")},
			},
			Egress: []translate.SecurityGroupRule{{Protocol: -1, CIDR: pfx("0.0.0.0/0")}},
		}, s)
		out = append(out, must(f, err))
	}
	for n := range 4 {
		sub := translate.SubnetRef{ID: fmt.Sprintf("subnet-1111%04x", n), CIDR: pfx(fmt.Sprintf("10.0.%d.0/24", n))}
		f, _, err := translate.Subnet(owner(topology.KindSubnet, sub.ID), translate.SubnetInput{VPC: vpc, Subnet: sub}, s)
		out = append(out, must(f, err))
		for i := range 8 {
			id := fmt.Sprintf("%02x%02x%04x", n, i, 0xaaaa)
			out = append(out, must(translate.NetworkInterface(owner(topology.KindNetworkInterface, "eni-"+id), translate.NetworkInterfaceInput{
				VPC: vpc, Subnet: sub, ENIID: "eni-" + id, InstanceID: "i-" + id, MAC: fmt.Sprintf("d0:0d:%02x:%02x:aa:aa", n, i),
				PrivateIP: ip(fmt.Sprintf("10.0.%d.%d", n, 10+i)), SourceDestCheck: true, SecurityGroups: sgs[:1+(i%len(sgs))],
				Node: []string{"10.111.1.5", "10.111.1.6"}[i%2], MetadataID: 10 + n*8 + i,
			}, s)))
		}
	}
	return out
}

func syncAll(tb testing.TB, e *env, frags []topology.Fragment, owned map[topology.Owner][]string) int {
	tb.Helper()
	writes := 0
	for i := range frags {
		res, err := e.eng.Sync(e.ctx, &frags[i], owned[frags[i].Owner])
		if err != nil {
			tb.Fatalf("sync %s: %v", frags[i].Owner, err)
		}
		owned[frags[i].Owner] = res.Owned
		writes += res.Writes
	}
	return writes
}

func TestMediumTopologyIsStable(t *testing.T) {
	e := newEnv(t, sim.Options{})
	frags := mediumTopology(t)
	owned := map[topology.Owner][]string{}
	if w := syncAll(t, e, frags, owned); w == 0 {
		t.Fatal("nothing written")
	}
	e.reload() // restart: fresh index, empty registry, statuses as recorded
	e.reset()
	if w := syncAll(t, e, frags, owned); w != 0 || len(e.sim.Server.Requests()) != 0 {
		t.Fatalf("unchanged topology: %d writes, %d requests:%s", w, len(e.sim.Server.Requests()), describe(e.writes()))
	}
	if d, err := e.idx.Resync(e.ctx); err != nil || !d.Empty() {
		t.Fatalf("resync: %+v %v", d, err)
	}
}

// BenchmarkSyncUnchangedMediumTopology syncs every owner of the medium topology once per
// iteration, with nothing to change: it must cost no request at all (requests/op).
func BenchmarkSyncUnchangedMediumTopology(b *testing.B) {
	e := newEnv(b, sim.Options{})
	frags := mediumTopology(b)
	owned := map[topology.Owner][]string{}
	syncAll(b, e, frags, owned)
	e.reset()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		syncAll(b, e, frags, owned)
	}
	b.StopTimer()
	b.ReportMetric(float64(len(e.sim.Server.Requests()))/float64(b.N), "requests/op")
	b.ReportMetric(float64(len(frags)), "owners")
}
