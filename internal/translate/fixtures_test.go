package translate

import (
	"net/netip"

	"github.com/midovpc/midovpc/internal/topology"
)

func ip(s string) netip.Addr     { return netip.MustParseAddr(s) }
func cidr(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func owner(kind, name string) topology.Owner {
	return topology.Owner{Kind: kind, Namespace: "eucalyptus-vpc", Name: name}
}

// The worked example of translation.md §16.
var (
	exSettings = Settings{DNSServers: []netip.Addr{ip("10.111.5.11")}, DNSDomain: "eucalyptus.internal"}
	exVPC      = VPCRef{ID: "vpc-1a2b3c4d", CIDR: cidr("10.0.0.0/16"), RouterIndex: 2}
	exSubnet   = SubnetRef{ID: "subnet-11112222", CIDR: cidr("10.0.1.0/24")}
	exCore     = CoreNetworkInput{
		Version: ip("4.4.2.0"),
		Gateways: []Gateway{{Host: "10.111.5.22", ExternalDevice: "em1.116", ExternalIP: ip("10.116.133.11"),
			ExternalCIDR: cidr("10.116.128.0/17"), PeerIP: ip("10.116.133.173")}},
		MetadataHost: "10.111.5.11",
	}
	exSubnetIn = SubnetInput{VPC: exVPC, Subnet: exSubnet, NetworkACL: "acl-77778888",
		Routes:  []RouteEntry{{cidr("10.0.0.0/16"), "local"}, {cidr("0.0.0.0/0"), "igw-5a5a5a5a"}},
		Targets: RouteTargets{InternetGateways: []string{"igw-5a5a5a5a"}}}
	exACL = NetworkACLInput{ID: "acl-77778888", VPC: "vpc-1a2b3c4d",
		Ingress: []ACLEntry{{Number: 100, Protocol: -1, Allow: true, CIDR: cidr("0.0.0.0/0")}, {Number: 32767, Protocol: -1, CIDR: cidr("0.0.0.0/0")}},
		Egress:  []ACLEntry{{Number: 100, Protocol: -1, Allow: true, CIDR: cidr("0.0.0.0/0")}, {Number: 32767, Protocol: -1, CIDR: cidr("0.0.0.0/0")}}}
	exENI = NetworkInterfaceInput{VPC: exVPC, Subnet: exSubnet, ENIID: "eni-0000bbbb", InstanceID: "i-0000aaaa",
		MAC: "d0:0d:00:00:bb:bb", PrivateIP: ip("10.0.1.10"), SourceDestCheck: true, SecurityGroups: []string{"sg-55556666"},
		Node: "10.111.5.70", MetadataID: 10}
	exEIP = ElasticIPInput{PublicIP: ip("203.0.113.7"), VPC: exVPC, Interface: "i-0000aaaa", PrivateIP: ip("10.0.1.10"),
		SecurityGroups: []string{"sg-55556666"}}
	exSG = SecurityGroupInput{ID: "sg-55556666",
		Ingress: []SecurityGroupRule{{Protocol: 6, Ports: &PortRange{22, 22}, CIDR: cidr("0.0.0.0/0")}},
		Egress:  []SecurityGroupRule{{Protocol: -1, CIDR: cidr("0.0.0.0/0")}}}
)

// Long (17-hex) ids everywhere.
var (
	longVPC    = VPCRef{ID: "vpc-0123456789abcdef0", CIDR: cidr("172.16.0.0/16"), RouterIndex: 300}
	longSubnet = SubnetRef{ID: "subnet-0123456789abcdef1", CIDR: cidr("172.16.5.0/24")}
	longOther  = SubnetRef{ID: "subnet-0fedcba9876543210", CIDR: cidr("172.16.6.0/24")}
	longNAT    = NATGatewayInput{ID: "nat-0c1d2e3f4a5b6c7d8", VPC: longVPC, Subnet: longOther, RouterIndex: 301,
		MAC: "D0:0D:9F:8E:7D:6C", PrivateIP: ip("172.16.6.9"), PublicIP: ip("198.51.100.20")}
	longENI = NetworkInterfaceInput{VPC: longVPC, Subnet: longSubnet, ENIID: "eni-0a1b2c3d4e5f60718", InstanceID: "i-0123456789abcdef0",
		DeviceIndex: 1, MAC: "d0:0d:0a:1b:2c:3d", PrivateIP: ip("172.16.5.20"),
		SecurityGroups: []string{"sg-0aaaaaaaaaaaaaaaa", "sg-12345678"}, Node: "node-7.cloud.internal", MetadataID: 70000,
		DHCPOptions: &DHCPOptions{DomainName: "corp.example", DomainNameServers: []netip.Addr{ip("172.16.0.2"), ip("8.8.4.4")}}}
)
