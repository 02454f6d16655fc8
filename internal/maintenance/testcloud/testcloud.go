package testcloud

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	msync "github.com/midovpc/midovpc/internal/midonet/sync"
	"github.com/midovpc/midovpc/internal/topology"
	"github.com/midovpc/midovpc/internal/translate"
)

// Tenant is the cloud's tenant.
const Tenant = "euca_tenant_1"

// Ids of the cloud's models.
const (
	VPC       = "vpc-1a2b3c4d"
	Subnet    = "subnet-11112222"
	NATSubnet = "subnet-33334444"
	ACL       = "acl-77778888"
	SG        = "sg-55556666"
	ENI       = "eni-0000bbbb"
	Instance  = "i-0000aaaa"
	NAT       = "nat-0c1d2e3f4a5b6c7d8"
)

// Hosts seeds the emulator with the cloud's hypervisor, gateway and CLC.
const Hosts = `
tunnelZones:
  - name: mido-tz
    type: gre
hosts:
  - name: node-70
    interfaces:
      - name: eth0
        addresses: [10.111.5.70]
    tunnelZones: [mido-tz]
  - name: gw-22
    interfaces:
      - name: eth0
        addresses: [10.111.5.22]
      - name: em1.116
        addresses: []
    tunnelZones: [mido-tz]
  - name: clc-11
    interfaces:
      - name: eth0
        addresses: [10.111.5.11]
      - name: eucamd_mido
        addresses: []
    tunnelZones: [mido-tz]
  - name: node-spare
    interfaces:
      - name: eth0
        addresses: [10.111.5.80]
      - name: eth1
        addresses: [192.168.5.80]
`

func ip(s string) netip.Addr     { return netip.MustParseAddr(s) }
func cidr(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func owner(kind, name string) topology.Owner {
	return topology.Owner{Kind: kind, Namespace: "eucalyptus-vpc", Name: name}
}

// Fragments translates the cloud, in the order a controller manager converges it.
func Fragments() ([]topology.Fragment, error) {
	s := translate.Settings{DNSServers: []netip.Addr{ip("10.111.5.11")}, DNSDomain: "eucalyptus.internal"}
	vpc := translate.VPCRef{ID: VPC, CIDR: cidr("10.0.0.0/16"), RouterIndex: 2}
	sub := translate.SubnetRef{ID: Subnet, CIDR: cidr("10.0.1.0/24")}
	natSub := translate.SubnetRef{ID: NATSubnet, CIDR: cidr("10.0.2.0/24")}
	natIn := translate.NATGatewayInput{ID: NAT, VPC: vpc, Subnet: natSub, RouterIndex: 3, MAC: "d0:0d:9f:8e:7d:6c",
		PrivateIP: ip("10.0.2.9"), PublicIP: ip("198.51.100.20")}
	var out []topology.Fragment
	add := func(f topology.Fragment, err error) error {
		if err != nil {
			return err
		}
		out = append(out, f)
		return nil
	}
	core := translate.CoreNetworkInput{
		Version: ip("4.4.2.0"), BGPASN: 64512, MetadataHost: "10.111.5.11",
		Gateways: []translate.Gateway{{Host: "10.111.5.22", ExternalDevice: "em1.116", ExternalIP: ip("10.116.133.11"),
			ExternalCIDR: cidr("10.116.128.0/17"), PeerIP: ip("10.116.133.173"), PeerASN: 65000,
			AdRoutes: []netip.Prefix{cidr("198.51.100.0/24")}}},
	}
	if err := add(translate.CoreNetwork(owner(topology.KindCoreNetwork, "default"), core, s)); err != nil {
		return nil, err
	}
	if err := add(translate.VPC(owner(topology.KindVpc, VPC), vpc, s)); err != nil {
		return nil, err
	}
	acl := translate.NetworkACLInput{ID: ACL, VPC: VPC,
		Ingress: []translate.ACLEntry{{Number: 100, Protocol: -1, Allow: true, CIDR: cidr("0.0.0.0/0")}},
		Egress:  []translate.ACLEntry{{Number: 100, Protocol: -1, Allow: true, CIDR: cidr("0.0.0.0/0")}}}
	if err := add(translate.NetworkAcl(owner(topology.KindNetworkAcl, ACL), acl, s)); err != nil {
		return nil, err
	}
	sg, _, err := translate.SecurityGroup(owner(topology.KindSecurityGroup, SG), translate.SecurityGroupInput{ID: SG,
		Ingress: []translate.SecurityGroupRule{{Protocol: 6, Ports: &translate.PortRange{From: 22, To: 22}, CIDR: cidr("0.0.0.0/0")}},
		Egress:  []translate.SecurityGroupRule{{Protocol: -1, CIDR: cidr("0.0.0.0/0")}}}, s)
	if err := add(sg, err); err != nil {
		return nil, err
	}
	for _, in := range []translate.SubnetInput{
		{VPC: vpc, Subnet: sub, NetworkACL: ACL,
			Routes:  []translate.RouteEntry{{Destination: cidr("10.0.0.0/16"), Target: "local"}, {Destination: cidr("0.0.0.0/0"), Target: NAT}},
			Targets: translate.RouteTargets{NATGateways: []translate.NATGatewayTarget{{ID: NAT, Subnet: natSub, PrivateIP: natIn.PrivateIP}}}},
		{VPC: vpc, Subnet: natSub,
			Routes:  []translate.RouteEntry{{Destination: cidr("10.0.0.0/16"), Target: "local"}, {Destination: cidr("0.0.0.0/0"), Target: "igw-5a5a5a5a"}},
			Targets: translate.RouteTargets{InternetGateways: []string{"igw-5a5a5a5a"}}},
	} {
		f, skipped, err := translate.Subnet(owner(topology.KindSubnet, in.Subnet.ID), in, s)
		if err == nil && len(skipped) > 0 {
			err = fmt.Errorf("subnet %s left routes out: %v", in.Subnet.ID, skipped)
		}
		if err := add(f, err); err != nil {
			return nil, err
		}
	}
	if err := add(translate.NatGateway(owner(topology.KindNatGateway, NAT), natIn, s)); err != nil {
		return nil, err
	}
	eni := translate.NetworkInterfaceInput{VPC: vpc, Subnet: sub, ENIID: ENI, InstanceID: Instance, MAC: "d0:0d:00:00:bb:bb",
		PrivateIP: ip("10.0.1.10"), SourceDestCheck: true, SecurityGroups: []string{SG}, Node: "10.111.5.70", MetadataID: 10}
	if err := add(translate.NetworkInterface(owner(topology.KindNetworkInterface, ENI), eni, s)); err != nil {
		return nil, err
	}
	eip := translate.ElasticIPInput{PublicIP: ip("198.51.100.7"), VPC: vpc, Interface: Instance, PrivateIP: eni.PrivateIP, SecurityGroups: []string{SG}}
	if err := add(translate.ElasticIP(owner(topology.KindElasticIP, "eipalloc-1"), eip, s)); err != nil {
		return nil, err
	}
	return out, nil
}

// Start serves an emulator seeded with the cloud's hosts, closed by the returned function.
func Start() (*sim.Running, error) {
	run, err := sim.Start(sim.Options{})
	if err != nil {
		return nil, err
	}
	seed, err := sim.ParseSeed([]byte(Hosts))
	if err == nil {
		err = run.Server.ApplySeed(seed)
	}
	if err != nil {
		_ = run.Close()
		return nil, err
	}
	return run, nil
}

// Client is a MidoNet client of the emulator for the tenant.
func Client(url string) (*midonet.Client, error) {
	return midonet.New(midonet.Config{URL: url, Tenant: Tenant, QPS: -1,
		Retry: midonet.RetryConfig{Attempts: 3, BaseDelay: 2 * time.Millisecond, MaxDelay: 20 * time.Millisecond}})
}

// Converged serves the cloud converged (Start, Client and Converge) for a test, and closes it
// when the test ends.
func Converged(t testing.TB) (*sim.Running, *midonet.Client) {
	t.Helper()
	run, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Close() })
	c, err := Client(run.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := Converge(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return run, c
}

// Converge syncs every fragment of the cloud with a fresh index and engine, as a freshly
// started manager does: until every fragment syncs (a fragment waiting for another's port is
// retried in the next pass, as a controller requeues it).
func Converge(ctx context.Context, c *midonet.Client) error {
	frags, err := Fragments()
	if err != nil {
		return fmt.Errorf("translate the test cloud: %w", err)
	}
	x := index.New(c, Tenant)
	if err := x.Load(ctx); err != nil {
		return err
	}
	eng := &msync.Engine{Client: c, Index: x, Tenant: Tenant}
	owned := map[topology.Owner][]string{}
	var failed error
	for pass := 0; pass < 3; pass++ {
		failed = nil
		for i := range frags {
			res, err := eng.Sync(ctx, &frags[i], owned[frags[i].Owner])
			if err != nil {
				failed = fmt.Errorf("sync %s: %w", frags[i].Owner, err)
				continue
			}
			owned[frags[i].Owner] = res.Owned
		}
		if failed == nil && pass > 0 {
			return nil
		}
	}
	return failed
}
