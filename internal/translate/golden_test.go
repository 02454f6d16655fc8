package translate

import (
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/topology"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenCase produces one or more fragments (and optional skipped items) for one golden file.
type goldenCase struct {
	name string
	run  func() ([]topology.Fragment, []Skipped, error)
}

func one(f topology.Fragment, err error) ([]topology.Fragment, []Skipped, error) {
	return []topology.Fragment{f}, nil, err
}

func withSkipped(f topology.Fragment, s []Skipped, err error) ([]topology.Fragment, []Skipped, error) {
	return []topology.Fragment{f}, s, err
}

func goldenCases() []goldenCase {
	noMD := exSettings
	noMD.DisableMetadata = true
	noL2 := exSettings
	noL2.DisableL2Isolation = true
	noARP := exSettings
	noARP.DisableARPTable = true
	bgpCore := exCore
	bgpCore.BGPASN = 64512
	bgpCore.Gateways = []Gateway{
		{Host: "10.111.5.22", ExternalDevice: "em1.116", ExternalIP: ip("10.116.133.11"), ExternalCIDR: cidr("10.116.128.0/17"),
			PeerIP: ip("10.116.133.173"), PeerASN: 65000, AdRoutes: []netip.Prefix{cidr("10.116.150.0/24")}},
		{Host: "10.111.5.23", ExternalDevice: "em1.116", ExternalIP: ip("10.116.133.12"), ExternalCIDR: cidr("10.116.128.0/17"),
			PeerIP: ip("10.116.133.174"), PeerASN: 65001, AdRoutes: []netip.Prefix{cidr("10.116.150.0/24"), cidr("10.116.151.0/24")}},
	}
	bgpCore.Metadata253Egress = []EgressPort{{ProtocolUDP, 53}}
	sdcOff := exENI
	sdcOff.SourceDestCheck = false
	secondary := exENI
	secondary.ENIID, secondary.DeviceIndex, secondary.MAC, secondary.PrivateIP = "eni-0000cccc", 1, "d0:0d:00:00:cc:cc", ip("10.0.1.11")
	secondary.SecurityGroups, secondary.Node, secondary.MetadataID = nil, "", 11
	longSubnetIn := SubnetInput{VPC: longVPC, Subnet: longSubnet, NetworkACL: "acl-0123456789abcdef0",
		DHCPOptions: longENI.DHCPOptions,
		Routes: []RouteEntry{
			{cidr("172.16.0.0/16"), "local"},
			{cidr("0.0.0.0/0"), "nat-0c1d2e3f4a5b6c7d8"},
			{cidr("10.9.0.0/16"), "eni-0a1b2c3d4e5f60718"},
			{cidr("192.168.0.0/16"), "igw-0123456789abcdef0"},
			{cidr("192.169.0.0/16"), "pcx-11112222"},
			{cidr("192.170.0.0/16"), "nat-0000000000000000f"},
		},
		Targets: RouteTargets{
			NATGateways: []NATGatewayTarget{{ID: longNAT.ID, Subnet: longOther, PrivateIP: longNAT.PrivateIP}},
			Interfaces:  []InterfaceTarget{{ENIID: longENI.ENIID, Subnet: longSubnet, PrivateIP: longENI.PrivateIP}},
		}}
	sgMix := SecurityGroupInput{ID: "sg-0aaaaaaaaaaaaaaaa", KnownGroups: []string{"sg-12345678"},
		Ingress: []SecurityGroupRule{
			{Protocol: 6, Ports: &PortRange{22, 22}, CIDR: cidr("10.0.0.0/8")},
			{Protocol: 17, Ports: &PortRange{1000, 2000}, Group: "sg-12345678"},
			{Protocol: 1, ICMP: &ICMPMatch{Type: 8, Code: -1}, CIDR: cidr("0.0.0.0/0")},
			{Protocol: 1, ICMP: &ICMPMatch{Type: 3, Code: 4}},
			{Protocol: 1, ICMP: &ICMPMatch{Type: -1, Code: -1}},
			{Protocol: 50},
			{Protocol: -1, Group: "sg-0aaaaaaaaaaaaaaaa"},
			{Protocol: -1, Group: "sg-99999999"},
		},
		Egress: []SecurityGroupRule{
			{Protocol: -1},
			{Protocol: 6, Ports: &PortRange{443, 443}, Group: "sg-12345678"},
		},
	}
	aclMix := NetworkACLInput{ID: "acl-0123456789abcdef0", VPC: longVPC.ID,
		Ingress: []ACLEntry{
			{Number: 32767, Protocol: -1, CIDR: cidr("0.0.0.0/0")},
			{Number: 110, Protocol: 6, Allow: true, CIDR: cidr("0.0.0.0/0"), Ports: &PortRange{80, 80}},
			{Number: 100, Protocol: 6, Allow: true, CIDR: cidr("10.0.0.0/8"), Ports: &PortRange{22, 22}},
			{Number: 120, Protocol: 1, Allow: true, CIDR: cidr("0.0.0.0/0"), ICMP: &ICMPMatch{Type: 0, Code: -1}},
			{Number: 90, Protocol: 17, CIDR: cidr("192.0.2.0/24")},
		},
	}
	return []goldenCase{
		{"core", func() ([]topology.Fragment, []Skipped, error) {
			return one(CoreNetwork(owner(topology.KindCoreNetwork, "default"), exCore, exSettings))
		}},
		{"core_bgp_two_gateways", func() ([]topology.Fragment, []Skipped, error) {
			return one(CoreNetwork(owner(topology.KindCoreNetwork, "default"), bgpCore, exSettings))
		}},
		{"core_no_metadata", func() ([]topology.Fragment, []Skipped, error) {
			return one(CoreNetwork(owner(topology.KindCoreNetwork, "default"), exCore, noMD))
		}},
		{"vpc", func() ([]topology.Fragment, []Skipped, error) {
			return one(VPC(owner(topology.KindVpc, exVPC.ID), exVPC, exSettings))
		}},
		{"vpc_long_no_metadata", func() ([]topology.Fragment, []Skipped, error) {
			return one(VPC(owner(topology.KindVpc, longVPC.ID), longVPC, noMD))
		}},
		{"subnet", func() ([]topology.Fragment, []Skipped, error) {
			return withSkipped(Subnet(owner(topology.KindSubnet, exSubnet.ID), exSubnetIn, exSettings))
		}},
		{"subnet_long_routes", func() ([]topology.Fragment, []Skipped, error) {
			return withSkipped(Subnet(owner(topology.KindSubnet, longSubnet.ID), longSubnetIn, exSettings))
		}},
		{"subnet_no_acl", func() ([]topology.Fragment, []Skipped, error) {
			in := exSubnetIn
			in.NetworkACL, in.Routes = "", nil
			return withSkipped(Subnet(owner(topology.KindSubnet, exSubnet.ID), in, exSettings))
		}},
		{"interface", func() ([]topology.Fragment, []Skipped, error) {
			return one(NetworkInterface(owner(topology.KindNetworkInterface, exENI.ENIID), exENI, exSettings))
		}},
		{"interface_no_l2_isolation", func() ([]topology.Fragment, []Skipped, error) {
			return one(NetworkInterface(owner(topology.KindNetworkInterface, exENI.ENIID), exENI, noL2))
		}},
		{"interface_source_dest_check_off", func() ([]topology.Fragment, []Skipped, error) {
			return one(NetworkInterface(owner(topology.KindNetworkInterface, exENI.ENIID), sdcOff, exSettings))
		}},
		{"interface_secondary_unplaced_no_arp_no_md", func() ([]topology.Fragment, []Skipped, error) {
			s := noARP
			s.DisableMetadata = true
			return one(NetworkInterface(owner(topology.KindNetworkInterface, secondary.ENIID), secondary, s))
		}},
		{"interface_long", func() ([]topology.Fragment, []Skipped, error) {
			return one(NetworkInterface(owner(topology.KindNetworkInterface, longENI.ENIID), longENI, exSettings))
		}},
		{"securitygroup", func() ([]topology.Fragment, []Skipped, error) {
			return withSkipped(SecurityGroup(owner(topology.KindSecurityGroup, exSG.ID), exSG, exSettings))
		}},
		{"securitygroup_mapping", func() ([]topology.Fragment, []Skipped, error) {
			return withSkipped(SecurityGroup(owner(topology.KindSecurityGroup, sgMix.ID), sgMix, exSettings))
		}},
		{"elasticip", func() ([]topology.Fragment, []Skipped, error) {
			return one(ElasticIP(owner(topology.KindElasticIP, "eipalloc-203-0-113-7"), exEIP, exSettings))
		}},
		{"elasticip_unassociated", func() ([]topology.Fragment, []Skipped, error) {
			return one(ElasticIP(owner(topology.KindElasticIP, "eipalloc-198-51-100-9"), ElasticIPInput{PublicIP: ip("198.51.100.9")}, exSettings))
		}},
		{"natgateway_long", func() ([]topology.Fragment, []Skipped, error) {
			return one(NatGateway(owner(topology.KindNatGateway, longNAT.ID), longNAT, exSettings))
		}},
		{"networkacl", func() ([]topology.Fragment, []Skipped, error) {
			return one(NetworkAcl(owner(topology.KindNetworkAcl, exACL.ID), exACL, exSettings))
		}},
		{"networkacl_ordering", func() ([]topology.Fragment, []Skipped, error) {
			return one(NetworkAcl(owner(topology.KindNetworkAcl, aclMix.ID), aclMix, exSettings))
		}},
		{"owns_nothing", func() ([]topology.Fragment, []Skipped, error) {
			return []topology.Fragment{
				RouteTable(owner(topology.KindRouteTable, "rtb-1a1a1a1a")),
				InternetGateway(owner(topology.KindInternetGateway, "igw-5a5a5a5a")),
				DhcpOptionSet(owner(topology.KindDhcpOptionSet, "dopt-4d4d4d4d")),
			}, nil, nil
		}},
	}
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			frags, skipped, err := tc.run()
			if err != nil {
				t.Fatalf("translate: %v", err)
			}
			var b strings.Builder
			for i, f := range frags {
				if err := f.Validate(); err != nil {
					t.Errorf("invalid fragment: %v", err)
				}
				if i > 0 {
					b.WriteString("\n")
				}
				if err := f.Dump(&b); err != nil {
					t.Fatal(err)
				}
			}
			for _, s := range skipped {
				b.WriteString("skipped " + s.String() + "\n")
			}
			compareGolden(t, filepath.Join("testdata", tc.name+".golden"), b.String())
		})
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
