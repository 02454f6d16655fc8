package oracle

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// Flow is a packet's protocol and ports; ICMP type and code for ICMP.
type Flow struct {
	Proto            int
	SrcPort, DstPort int
	ICMPType         int
	ICMPCode         int
}

// Internet is the To of a verdict that leaves the cloud.
const Internet = "internet"

// Verdict says whether a packet arrives, where (an interface name, or Internet), and why not.
type Verdict struct {
	Arrives bool
	To      string
	// Src is the source address the receiver sees (after NAT).
	Src    netip.Addr
	Reason string
}

func (v Verdict) String() string {
	if v.Arrives {
		return fmt.Sprintf("arrives at %s from %s", v.To, v.Src)
	}
	return "does not arrive: " + v.Reason
}

// Objects are the cloud's resources, as projected from a view or applied by hand.
type Objects struct {
	Vpcs              []*vpcv1.Vpc
	Subnets           []*vpcv1.Subnet
	SecurityGroups    []*vpcv1.SecurityGroup
	NetworkInterfaces []*vpcv1.NetworkInterface
	ElasticIPs        []*vpcv1.ElasticIP
	RouteTables       []*vpcv1.RouteTable
	InternetGateways  []*vpcv1.InternetGateway
	NatGateways       []*vpcv1.NatGateway
	NetworkAcls       []*vpcv1.NetworkAcl
}

// Cloud is the objects indexed for questions.
type Cloud struct {
	// Eucanetd, when set, answers with the two places where the MidoNet topology eucanetd
	// built (and midovpc reproduces) departs from AWS: a group reference also matches its
	// members' elastic IPs (sg_all_<sg> holds private and public addresses), and a packet from
	// an instance without a public address to an elastic IP of the cloud is carried there with
	// its private source (eucart routes it back in; AWS drops it at the internet gateway). It
	// meets the target subnet's ACL even when that source falls inside the subnet's CIDR (an
	// overlapping VPC), as midovpc's sc_<subnet>_in sends it through the ACL.
	Eucanetd bool

	vpcs    map[string]*vpcv1.Vpc
	subnets map[string]*vpcv1.Subnet
	sgs     map[string]*vpcv1.SecurityGroup
	enis    []*vpcv1.NetworkInterface
	eips    []*vpcv1.ElasticIP
	rtbs    map[string]*vpcv1.RouteTable
	igws    []*vpcv1.InternetGateway
	ngws    map[string]*vpcv1.NatGateway
	acls    map[string]*vpcv1.NetworkAcl
}

// New indexes the objects.
func New(o Objects) *Cloud {
	c := &Cloud{
		vpcs: map[string]*vpcv1.Vpc{}, subnets: map[string]*vpcv1.Subnet{}, sgs: map[string]*vpcv1.SecurityGroup{},
		rtbs: map[string]*vpcv1.RouteTable{}, ngws: map[string]*vpcv1.NatGateway{}, acls: map[string]*vpcv1.NetworkAcl{},
		enis: o.NetworkInterfaces, eips: o.ElasticIPs, igws: o.InternetGateways,
	}
	for _, x := range o.Vpcs {
		c.vpcs[x.Name] = x
	}
	for _, x := range o.Subnets {
		c.subnets[x.Name] = x
	}
	for _, x := range o.SecurityGroups {
		c.sgs[x.Name] = x
	}
	for _, x := range o.RouteTables {
		c.rtbs[x.Name] = x
	}
	for _, x := range o.NatGateways {
		c.ngws[x.Name] = x
	}
	for _, x := range o.NetworkAcls {
		c.acls[x.Name] = x
	}
	return c
}

// InterfaceName names an interface as MidoNet does: its instance id for device index 0, else
// its own id.
func InterfaceName(e *vpcv1.NetworkInterface) string {
	if e.Spec.InstanceID != "" && e.Spec.DeviceIndex == 0 {
		return e.Spec.InstanceID
	}
	return e.Name
}

func (c *Cloud) iface(name string) *vpcv1.NetworkInterface {
	for _, e := range c.enis {
		if InterfaceName(e) == name || e.Name == name {
			return e
		}
	}
	return nil
}

func addr(s vpcv1.IPv4) netip.Addr { a, _ := netip.ParseAddr(string(s)); return a }

func cidr(s vpcv1.CIDR) netip.Prefix { p, _ := netip.ParsePrefix(string(s)); return p.Masked() }

// packet is the flow between two addresses.
type packet struct {
	src, dst netip.Addr
	f        Flow
}

// Reach answers for a packet from an interface (by name) or an external address, to an
// address (or an interface name, meaning its private address).
func (c *Cloud) Reach(from, to string, f Flow) Verdict {
	dst, err := netip.ParseAddr(to)
	if err != nil {
		t := c.iface(to)
		if t == nil {
			return Verdict{Reason: "unknown destination " + to}
		}
		dst = addr(t.Spec.PrivateIP)
	}
	if s := c.iface(from); s != nil {
		return c.fromInterface(s, packet{addr(s.Spec.PrivateIP), dst, f})
	}
	src, err := netip.ParseAddr(from)
	if err != nil {
		return Verdict{Reason: "unknown source " + from}
	}
	return c.fromInternet(packet{src, dst, f})
}

func (c *Cloud) fromInterface(s *vpcv1.NetworkInterface, p packet) Verdict {
	if !c.sgAllows(s, p, false) {
		return Verdict{Reason: "egress security group of " + InterfaceName(s)}
	}
	sn := c.subnets[s.Spec.Subnet]
	if sn == nil {
		return Verdict{Reason: "interface without subnet"}
	}
	if cidr(sn.Spec.CIDR).Contains(p.dst) {
		t := c.ifaceAt(sn.Spec.VPC, p.dst)
		if t == nil || t.Spec.Subnet != sn.Name {
			return Verdict{Reason: "no interface has " + p.dst.String() + " in the subnet"}
		}
		return c.arrive(t, p, sn.Name)
	}
	if !c.aclAllows(sn, p, false) {
		return Verdict{Reason: "egress ACL of " + sn.Name}
	}
	rt, ok := c.route(sn, p.dst)
	if !ok {
		return Verdict{Reason: "no route to " + p.dst.String() + " in " + sn.Spec.RouteTable}
	}
	switch {
	case rt.local:
		t := c.ifaceAt(sn.Spec.VPC, p.dst)
		if t == nil {
			return Verdict{Reason: "no interface has " + p.dst.String() + " in " + sn.Spec.VPC}
		}
		return c.arrive(t, p, sn.Name)
	case rt.NetworkInterface != nil:
		t := c.iface(*rt.NetworkInterface)
		if t == nil {
			return Verdict{Reason: "route target " + *rt.NetworkInterface + " does not exist"}
		}
		return c.arrive(t, p, sn.Name)
	case rt.NatGateway != nil:
		return c.throughNat(c.ngws[*rt.NatGateway], p, sn.Name)
	case rt.InternetGateway != nil:
		pub, ok := c.publicIP(InterfaceName(s))
		if !ok {
			if c.Eucanetd && c.isElasticIP(p.dst) {
				return c.internet(p)
			}
			return Verdict{Reason: InterfaceName(s) + " has no public address"}
		}
		p.src = pub
		return c.internet(p)
	}
	return Verdict{Reason: "route without target"}
}

func (c *Cloud) throughNat(n *vpcv1.NatGateway, p packet, fromSubnet string) Verdict {
	if n == nil || n.Spec.PublicIP == nil {
		return Verdict{Reason: "NAT gateway missing or without public address"}
	}
	ns := c.subnets[n.Spec.Subnet]
	if ns.Name != fromSubnet && !c.aclAllows(ns, p, true) {
		return Verdict{Reason: "ingress ACL of the NAT gateway's subnet " + ns.Name}
	}
	rt, ok := c.route(ns, p.dst)
	if !ok || rt.InternetGateway == nil {
		return Verdict{Reason: "the NAT gateway's subnet has no route to the internet for " + p.dst.String()}
	}
	if !c.aclAllows(ns, p, false) {
		return Verdict{Reason: "egress ACL of the NAT gateway's subnet " + ns.Name}
	}
	p.src = addr(*n.Spec.PublicIP)
	return c.internet(p)
}

// internet carries a packet with a public source: to an elastic IP of the cloud, else out.
func (c *Cloud) internet(p packet) Verdict {
	for _, e := range c.eips {
		if addr(e.Spec.PublicIP) == p.dst {
			return c.toElasticIP(e, p)
		}
	}
	for _, n := range c.ngws {
		if n.Spec.PublicIP != nil && addr(*n.Spec.PublicIP) == p.dst {
			return Verdict{Reason: "a NAT gateway takes no inbound connection"}
		}
	}
	return Verdict{Arrives: true, To: Internet, Src: p.src}
}

func (c *Cloud) isElasticIP(a netip.Addr) bool {
	for _, e := range c.eips {
		if addr(e.Spec.PublicIP) == a {
			return true
		}
	}
	return false
}

func (c *Cloud) fromInternet(p packet) Verdict {
	for _, e := range c.eips {
		if addr(e.Spec.PublicIP) == p.dst {
			return c.toElasticIP(e, p)
		}
	}
	return Verdict{Reason: p.dst.String() + " is no elastic IP of the cloud"}
}

func (c *Cloud) toElasticIP(e *vpcv1.ElasticIP, p packet) Verdict {
	t := c.iface(e.Spec.NetworkInterface)
	if t == nil {
		return Verdict{Reason: "elastic IP " + string(e.Spec.PublicIP) + " is not associated"}
	}
	if !c.igwAttached(c.subnets[t.Spec.Subnet].Spec.VPC) {
		return Verdict{Reason: "the VPC of " + InterfaceName(t) + " has no internet gateway"}
	}
	p.dst = addr(t.Spec.PrivateIP)
	return c.arrive(t, p, "")
}

// arrive is a packet reaching interface t from subnet fromSubnet ("" from outside the VPC).
func (c *Cloud) arrive(t *vpcv1.NetworkInterface, p packet, fromSubnet string) Verdict {
	ts := c.subnets[t.Spec.Subnet]
	// A packet from outside the subnet meets its ingress ACL, also with Eucanetd when its
	// private source falls inside the subnet's CIDR (another VPC that overlaps): eucanetd's
	// sc_<subnet>_in accepted it by source before the ACL; midovpc's sends it through the ACL.
	if fromSubnet != ts.Name && !c.aclAllows(ts, p, true) {
		return Verdict{Reason: "ingress ACL of " + ts.Name}
	}
	if !c.sgAllows(t, p, true) {
		return Verdict{Reason: "ingress security group of " + InterfaceName(t)}
	}
	return Verdict{Arrives: true, To: InterfaceName(t), Src: p.src}
}

func (c *Cloud) igwAttached(vpc string) bool {
	for _, g := range c.igws {
		if g.Spec.VPC == vpc {
			return true
		}
	}
	return false
}

func (c *Cloud) publicIP(ifName string) (netip.Addr, bool) {
	for _, e := range c.eips {
		if t := c.iface(e.Spec.NetworkInterface); t != nil && InterfaceName(t) == ifName {
			return addr(e.Spec.PublicIP), true
		}
	}
	return netip.Addr{}, false
}

// ifaceAt is the interface of a VPC holding an address.
func (c *Cloud) ifaceAt(vpc string, a netip.Addr) *vpcv1.NetworkInterface {
	for _, e := range c.enis {
		if sn := c.subnets[e.Spec.Subnet]; sn != nil && sn.Spec.VPC == vpc && addr(e.Spec.PrivateIP) == a {
			return e
		}
	}
	return nil
}

type route struct {
	vpcv1.Route
	local bool
}

// route is the longest-prefix route of the subnet's table, with the VPC's local route.
func (c *Cloud) route(sn *vpcv1.Subnet, dst netip.Addr) (route, bool) {
	var best route
	bestLen := -1
	if v := c.vpcs[sn.Spec.VPC]; v != nil && cidr(v.Spec.CIDR).Contains(dst) {
		best, bestLen = route{local: true}, cidr(v.Spec.CIDR).Bits()
	}
	if rtb := c.rtbs[sn.Spec.RouteTable]; rtb != nil {
		for _, r := range rtb.Spec.Routes {
			pfx := cidr(r.DestinationCIDR)
			if !pfx.Contains(dst) || pfx.Bits() <= bestLen {
				continue
			}
			if !c.targetUsable(r) {
				continue
			}
			best, bestLen = route{Route: r, local: r.Local != nil && *r.Local}, pfx.Bits()
		}
	}
	return best, bestLen >= 0
}

// targetUsable: a route to a missing or detached target is left out (a black hole in AWS;
// absent here, so the next shorter prefix applies).
func (c *Cloud) targetUsable(r vpcv1.Route) bool {
	switch {
	case r.NatGateway != nil:
		return c.ngws[*r.NatGateway] != nil
	case r.NetworkInterface != nil:
		return c.iface(*r.NetworkInterface) != nil
	case r.InternetGateway != nil:
		for _, g := range c.igws {
			if g.Name == *r.InternetGateway && g.Spec.VPC != "" {
				return true
			}
		}
		return false
	}
	return true
}

// sgAllows: some rule of some group of the interface admits the packet (ingress: from its
// source; egress: to its destination).
func (c *Cloud) sgAllows(e *vpcv1.NetworkInterface, p packet, ingress bool) bool {
	remote := p.dst
	if ingress {
		remote = p.src
	}
	for _, name := range e.Spec.SecurityGroups {
		sg := c.sgs[name]
		if sg == nil {
			continue
		}
		rules := sg.Spec.Egress
		if ingress {
			rules = sg.Spec.Ingress
		}
		for _, r := range rules {
			if !protoMatches(r.Protocol, r.Ports, r.ICMP, p.f) {
				continue
			}
			if r.CIDR != nil && cidr(*r.CIDR).Contains(remote) {
				return true
			}
			if r.SecurityGroup != nil && c.memberAddress(*r.SecurityGroup, remote) {
				return true
			}
		}
	}
	return false
}

// memberAddress: an interface in the group holds the address as its private IP (or, with
// Eucanetd, as its elastic IP).
func (c *Cloud) memberAddress(group string, a netip.Addr) bool {
	for _, e := range c.enis {
		pub, hasPub := c.publicIP(InterfaceName(e))
		if addr(e.Spec.PrivateIP) != a && !(c.Eucanetd && hasPub && pub == a) {
			continue
		}
		for _, g := range e.Spec.SecurityGroups {
			if g == group {
				return true
			}
		}
	}
	return false
}

// aclAllows evaluates the subnet's ACL (none: everything passes) in rule-number order; no
// match denies.
func (c *Cloud) aclAllows(sn *vpcv1.Subnet, p packet, ingress bool) bool {
	if sn.Spec.NetworkACL == "" {
		return true
	}
	acl := c.acls[sn.Spec.NetworkACL]
	if acl == nil {
		return true
	}
	entries := append([]vpcv1.NetworkAclEntry(nil), acl.Spec.Egress...)
	remote := p.dst
	if ingress {
		entries = append([]vpcv1.NetworkAclEntry(nil), acl.Spec.Ingress...)
		remote = p.src
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].RuleNumber < entries[j].RuleNumber })
	for _, e := range entries {
		if protoMatches(e.Protocol, e.Ports, e.ICMP, p.f) && cidr(e.CIDR).Contains(remote) {
			return e.Action == vpcv1.NetworkAclAllow
		}
	}
	return false
}

func protoNumber(p vpcv1.Protocol) int {
	switch strings.ToLower(string(p)) {
	case "all", "-1":
		return -1
	case "tcp":
		return 6
	case "udp":
		return 17
	case "icmp":
		return 1
	}
	n, err := strconv.Atoi(string(p))
	if err != nil {
		return -2
	}
	return n
}

func protoMatches(proto vpcv1.Protocol, ports *vpcv1.PortRange, icmp *vpcv1.ICMPMatch, f Flow) bool {
	n := protoNumber(proto)
	if n == -1 {
		return true
	}
	if n != f.Proto {
		return false
	}
	switch n {
	case 6, 17:
		return ports == nil || (int(ports.From) <= f.DstPort && f.DstPort <= int(ports.To))
	case 1:
		return icmp == nil || ((icmp.Type == -1 || int(icmp.Type) == f.ICMPType) && (icmp.Code == -1 || int(icmp.Code) == f.ICMPCode))
	}
	return true
}
