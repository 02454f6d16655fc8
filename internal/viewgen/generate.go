package viewgen

import (
	"fmt"
	"net/netip"

	"github.com/midovpc/midovpc/internal/globalview"
)

// Fixed parts of every generated cloud.
const (
	OwnerID     = "123456789012"
	clusterName = "one"
	macPrefix   = "d0:0d"
	clcIP       = "10.111.5.11"
	ccIP        = "10.111.5.12"
	gatewayIP   = "10.111.5.22"
	dnsDomain   = "eucalyptus.internal"
	// The gateway's uplink, its BGP peer and the public range it advertises, out of which
	// elastic IPs and NAT gateways take their addresses (198.18.0.0/15, RFC 2544).
	externalCIDR   = "10.116.128.0/17"
	externalIP     = "10.116.133.11"
	externalDevice = "em1.116"
	bgpPeerIP      = "10.116.133.173"
	publicCIDR     = "198.18.0.0/15"
)

var (
	publicBase = netip.MustParseAddr("198.18.0.0")
	bgpASN     = int64(64512)
	bgpPeerASN = int64(65000)
)

// Generate builds the view of the cloud s describes. The address plan: VPC k is 10.k.0.0/16
// (k modulo 256; VPCs may overlap, as in EC2), its subnet j 10.k.j.0/24 with the router on .1,
// the NAT gateway on .5 and instances from .10; instance i sits in subnet i modulo the number
// of subnets, so subnets fill evenly. Nodes are 10.112.x.y, public IPs come from 198.18.0.0/15.
func Generate(s Shape) (*globalview.View, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	g := &generator{s: s, ids: newIDs(s.Seed)}
	v := &globalview.View{Version: g.ids.version(0)}
	v.Config = g.config()
	for k := range s.VPCs {
		v.VPCs = append(v.VPCs, g.vpc(k))
		v.InternetGateways = append(v.InternetGateways, globalview.InternetGateway{ID: g.ids.igw(k), OwnerID: OwnerID})
	}
	for gi := range s.SecurityGroups {
		v.SecurityGroups = append(v.SecurityGroups, g.securityGroup(gi))
	}
	nodes := v.Config.Clusters[0].Nodes
	for i := range s.Interfaces {
		in := g.instance(i)
		v.Instances = append(v.Instances, in)
		n := &nodes[i%len(nodes)]
		n.InstanceIDs = append(n.InstanceIDs, in.ID)
	}
	return v, nil
}

type generator struct {
	s   Shape
	ids ids
}

func (g *generator) config() globalview.Config {
	nodes := make([]globalview.Node, g.s.Nodes)
	for j := range nodes {
		nodes[j].Name = fmt.Sprintf("10.112.%d.%d", j/250, j%250+1)
	}
	asn, peerASN := bgpASN, bgpPeerASN
	return globalview.Config{
		Mode:               "VPCMIDO",
		EnabledCLCIP:       clcIP,
		InstanceDNSDomain:  dnsDomain,
		InstanceDNSServers: []string{clcIP},
		PublicIPs:          []string{publicIP(0) + "-" + publicIP(maxPublicIPs-1)},
		Mido: globalview.Mido{
			Gateways: []globalview.Gateway{{
				Format: globalview.GatewayFormatV44, Host: gatewayIP,
				ExternalCIDR: externalCIDR, ExternalDevice: externalDevice, ExternalIP: externalIP,
				BGPPeerIP: bgpPeerIP, BGPPeerASN: &peerASN, BGPAdRoutes: []string{publicCIDR},
			}},
			BGPASN: &asn,
		},
		Clusters: []globalview.Cluster{{
			Name: clusterName, EnabledCCIP: ccIP, MacPrefix: macPrefix,
			Subnet:     &globalview.ClusterSubnet{Name: "172.31.0.0", Subnet: "172.31.0.0", Netmask: "255.255.0.0", Gateway: "172.31.0.1"},
			PrivateIPs: []string{"172.31.0.5"},
			Nodes:      nodes,
		}},
	}
}

// vpcNet is the second octet of VPC k's 10.x.0.0/16.
func vpcNet(k int) int { return k % 256 }

func vpcCIDR(k int) string { return fmt.Sprintf("10.%d.0.0/16", vpcNet(k)) }

func (g *generator) vpc(k int) globalview.VPC {
	id := g.ids.vpc(k)
	public, private := g.ids.routeTable(k, 0), g.ids.routeTable(k, 1)
	acl := g.ids.acl(k)
	v := globalview.VPC{ID: id, OwnerID: OwnerID, CIDR: vpcCIDR(k), InternetGateways: []string{g.ids.igw(k)}}
	for j := range g.s.SubnetsPerVPC {
		rtb := private
		if j == 0 {
			rtb = public // the NAT gateway's subnet reaches the internet directly
		}
		v.Subnets = append(v.Subnets, globalview.Subnet{
			ID: g.ids.subnet(k, j), OwnerID: OwnerID, CIDR: fmt.Sprintf("10.%d.%d.0/24", vpcNet(k), j),
			Cluster: clusterName, NetworkACL: acl, RouteTable: rtb,
		})
	}
	nat := g.ids.nat(k)
	v.RouteTables = []globalview.RouteTable{
		{ID: public, OwnerID: OwnerID, Routes: []globalview.Route{
			{DestinationCIDR: vpcCIDR(k), GatewayID: "local"},
			{DestinationCIDR: "0.0.0.0/0", GatewayID: g.ids.igw(k)},
		}},
		{ID: private, OwnerID: OwnerID, Routes: []globalview.Route{
			{DestinationCIDR: vpcCIDR(k), GatewayID: "local"},
			{DestinationCIDR: "0.0.0.0/0", NatGatewayID: nat},
		}},
	}
	v.NetworkACLs = []globalview.NetworkACL{{
		ID: acl, OwnerID: OwnerID,
		IngressEntries: []globalview.ACLEntry{
			{Number: 100, Protocol: 6, Action: "allow", CIDR: "0.0.0.0/0", PortRangeFrom: ptr(22), PortRangeTo: ptr(22)},
			{Number: 110, Protocol: 6, Action: "allow", CIDR: "0.0.0.0/0", PortRangeFrom: ptr(80), PortRangeTo: ptr(443)},
			{Number: 120, Protocol: 1, Action: "allow", CIDR: "0.0.0.0/0", ICMPType: ptr(-1), ICMPCode: ptr(-1)},
			{Number: 130, Protocol: -1, Action: "allow", CIDR: vpcCIDR(k)},
			{Number: 140, Protocol: 6, Action: "allow", CIDR: "0.0.0.0/0", PortRangeFrom: ptr(1024), PortRangeTo: ptr(65535)},
			{Number: 32767, Protocol: -1, Action: "deny", CIDR: "0.0.0.0/0"},
		},
		EgressEntries: []globalview.ACLEntry{
			{Number: 100, Protocol: -1, Action: "allow", CIDR: "0.0.0.0/0"},
			{Number: 32767, Protocol: -1, Action: "deny", CIDR: "0.0.0.0/0"},
		},
	}}
	v.NatGateways = []globalview.NatGateway{{
		ID: nat, OwnerID: OwnerID, MAC: mac(0x80, k), PublicIP: publicIP(g.s.ElasticIPs + k),
		PrivateIP: fmt.Sprintf("10.%d.0.5", vpcNet(k)), VPC: id, Subnet: g.ids.subnet(k, 0),
	}}
	return v
}

// groupsOf lists the security groups of VPC k: group gi belongs to VPC gi modulo VPCs.
func (g *generator) groupsOf(k int) []int {
	var gs []int
	for gi := k; gi < g.s.SecurityGroups; gi += g.s.VPCs {
		gs = append(gs, gi)
	}
	return gs
}

// securityGroup gi: the first ingress rule lets in MySQL from the next group of its VPC (itself
// when it is alone), then SSH, HTTP, HTTPS, ICMP from the VPC and application ports; one
// egress rule allows everything.
func (g *generator) securityGroup(gi int) globalview.SecurityGroup {
	k := gi % g.s.VPCs
	peers := g.groupsOf(k)
	peer := peers[(gi/g.s.VPCs+1)%len(peers)]
	ingress := []globalview.SecurityGroupRule{
		{Protocol: 6, FromPort: ptr(3306), ToPort: ptr(3306), GroupID: g.ids.group(peer), GroupOwnerID: OwnerID},
	}
	fixed := []globalview.SecurityGroupRule{
		{Protocol: 6, FromPort: ptr(22), ToPort: ptr(22), CIDR: "0.0.0.0/0"},
		{Protocol: 6, FromPort: ptr(80), ToPort: ptr(80), CIDR: "0.0.0.0/0"},
		{Protocol: 6, FromPort: ptr(443), ToPort: ptr(443), CIDR: "0.0.0.0/0"},
		{Protocol: 1, ICMPType: ptr(-1), ICMPCode: ptr(-1), CIDR: vpcCIDR(k)},
	}
	for r := 0; len(ingress) < g.s.RulesPerGroup-1; r++ {
		if r < len(fixed) {
			ingress = append(ingress, fixed[r])
			continue
		}
		port := 8000 + r
		ingress = append(ingress, globalview.SecurityGroupRule{Protocol: 6, FromPort: ptr(port), ToPort: ptr(port), CIDR: vpcCIDR(k)})
	}
	return globalview.SecurityGroup{
		ID: g.ids.group(gi), OwnerID: OwnerID, IngressRules: ingress,
		EgressRules: []globalview.SecurityGroupRule{{Protocol: -1, CIDR: "0.0.0.0/0"}},
	}
}

// instance i with its primary interface, in subnet i modulo the number of subnets; every
// stride-th instance (Interfaces / ElasticIPs) holds an elastic IP.
func (g *generator) instance(i int) globalview.Instance {
	subnets := g.s.VPCs * g.s.SubnetsPerVPC
	s, round := i%subnets, i/subnets
	k, j := s/g.s.SubnetsPerVPC, s%g.s.SubnetsPerVPC
	groups := g.groupsOf(k)
	sg := []string{g.ids.group(groups[round%len(groups)])}
	ip := fmt.Sprintf("10.%d.%d.%d", vpcNet(k), j, 10+round)
	var pub string
	if e := g.s.ElasticIPs; e > 0 {
		stride := g.s.Interfaces / e
		if i%stride == 0 && i/stride < e {
			pub = publicIP(i / stride)
		}
	}
	id, eni := g.ids.instance(i), g.ids.eni(i)
	return globalview.Instance{
		ID: id, OwnerID: OwnerID, MAC: mac(0, i), PublicIP: pub, PrivateIP: ip,
		VPC: g.ids.vpc(k), Subnet: g.ids.subnet(k, j), SecurityGroups: sg,
		NetworkInterfaces: []globalview.NetworkInterface{{
			ID: eni, OwnerID: OwnerID, DeviceIndex: ptr(0), AttachmentID: "eni-attach-" + eni[len("eni-"):],
			MAC: mac(0, i), PrivateIP: ip, PublicIP: pub, SourceDestCheck: ptr(true),
			VPC: g.ids.vpc(k), Subnet: g.ids.subnet(k, j), SecurityGroups: sg,
		}},
	}
}

// mac is the MAC macPrefix:hi:nn:nn:nn of number n (n < 2^24).
func mac(hi byte, n int) string {
	return fmt.Sprintf("%s:%02x:%02x:%02x:%02x", macPrefix, hi, n>>16&0xff, n>>8&0xff, n&0xff)
}

// publicIP is the n-th address of the public range, from 198.18.0.1.
func publicIP(n int) string {
	a := publicBase.As4()
	x := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	x += uint32(n) + 1
	return netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)}).String()
}

func ptr[T any](v T) *T { return &v }
