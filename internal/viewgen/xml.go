package viewgen

import (
	"bufio"
	"encoding/xml"
	"io"
	"maps"
	"slices"
	"strconv"

	"github.com/midovpc/midovpc/internal/globalview"
)

// WriteXML writes v as a 4.4 CLC writes global_network_info.xml (element names, nesting and
// order of NetworkInfo.groovy; 4.4 gateways), indented for people who open it. It writes
// what a generated view holds: no legacy gateway keys, no EDGE-only properties.
func WriteXML(w io.Writer, v *globalview.View) error {
	x := &xmlWriter{w: bufio.NewWriter(w)}
	x.raw(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	x.open("network-data", "version", v.Version)
	x.configuration(&v.Config)
	x.open("vpcs")
	for i := range v.VPCs {
		x.vpc(&v.VPCs[i])
	}
	x.close("vpcs")
	x.open("instances")
	for i := range v.Instances {
		x.instance(&v.Instances[i])
	}
	x.close("instances")
	x.open("dhcpOptionSets")
	for _, d := range v.DHCPOptionSets {
		x.open("dhcpOptionSet", "name", d.ID)
		x.leaf("ownerId", d.OwnerID)
		for _, name := range slices.Sorted(maps.Keys(d.Options)) {
			x.property(name, d.Options[name]...)
		}
		x.close("dhcpOptionSet")
	}
	x.close("dhcpOptionSets")
	x.open("internetGateways")
	for _, g := range v.InternetGateways {
		x.open("internetGateway", "name", g.ID)
		x.leaf("ownerId", g.OwnerID)
		x.close("internetGateway")
	}
	x.close("internetGateways")
	x.open("securityGroups")
	for i := range v.SecurityGroups {
		x.securityGroup(&v.SecurityGroups[i])
	}
	x.close("securityGroups")
	x.close("network-data")
	if x.err != nil {
		return x.err
	}
	return x.w.Flush()
}

func (x *xmlWriter) configuration(c *globalview.Config) {
	x.open("configuration")
	x.property("mode", c.Mode)
	x.property("publicIps", c.PublicIPs...)
	x.property("enabledCLCIp", c.EnabledCLCIP)
	x.property("instanceDNSDomain", c.InstanceDNSDomain)
	x.property("instanceDNSServers", c.InstanceDNSServers...)
	x.open("property", "name", "mido")
	x.open("property", "name", "gateways")
	for _, g := range c.Mido.Gateways {
		x.open("gateway")
		x.property("ip", g.Host)
		x.property("externalCidr", g.ExternalCIDR)
		x.property("externalDevice", g.ExternalDevice)
		x.property("externalIp", g.ExternalIP)
		x.property("externalRouterIp", g.ExternalRouterIP)
		x.property("bgpPeerIp", g.BGPPeerIP)
		x.property("bgpPeerAsn", int64String(g.BGPPeerASN))
		x.property("bgpAdRoutes", g.BGPAdRoutes...)
		x.close("gateway")
	}
	x.close("property")
	x.property("bgpAsn", int64String(c.Mido.BGPASN))
	x.close("property")
	x.open("property", "name", "clusters")
	for _, cl := range c.Clusters {
		x.open("cluster", "name", cl.Name)
		if s := cl.Subnet; s != nil {
			x.open("subnet", "name", s.Name)
			x.property("subnet", s.Subnet)
			x.property("netmask", s.Netmask)
			x.property("gateway", s.Gateway)
			x.close("subnet")
		}
		x.property("enabledCCIp", cl.EnabledCCIP)
		x.property("macPrefix", cl.MacPrefix)
		x.property("privateIps", cl.PrivateIPs...)
		x.open("property", "name", "nodes")
		for _, n := range cl.Nodes {
			x.open("node", "name", n.Name)
			x.values("instanceIds", n.InstanceIDs)
			x.close("node")
		}
		x.close("property")
		x.close("cluster")
	}
	x.close("property")
	x.close("configuration")
}

func (x *xmlWriter) vpc(v *globalview.VPC) {
	x.open("vpc", "name", v.ID)
	x.leaf("ownerId", v.OwnerID)
	x.leaf("cidr", v.CIDR)
	x.leaf("dhcpOptionSet", v.DHCPOptionSet)
	x.open("subnets")
	for _, s := range v.Subnets {
		x.open("subnet", "name", s.ID)
		x.leaf("ownerId", s.OwnerID)
		x.leaf("cidr", s.CIDR)
		x.leaf("cluster", s.Cluster)
		x.leaf("networkAcl", s.NetworkACL)
		x.leaf("routeTable", s.RouteTable)
		x.close("subnet")
	}
	x.close("subnets")
	x.open("networkAcls")
	for _, a := range v.NetworkACLs {
		x.open("networkAcl", "name", a.ID)
		x.leaf("ownerId", a.OwnerID)
		x.aclEntries("ingressEntries", a.IngressEntries)
		x.aclEntries("egressEntries", a.EgressEntries)
		x.close("networkAcl")
	}
	x.close("networkAcls")
	x.open("routeTables")
	for _, t := range v.RouteTables {
		x.open("routeTable", "name", t.ID)
		x.leaf("ownerId", t.OwnerID)
		x.open("routes")
		for _, r := range t.Routes {
			x.open("route")
			x.leaf("destinationCidr", r.DestinationCIDR)
			x.leaf("gatewayId", r.GatewayID)
			x.leaf("networkInterfaceId", r.NetworkInterfaceID)
			x.leaf("natGatewayId", r.NatGatewayID)
			x.close("route")
		}
		x.close("routes")
		x.close("routeTable")
	}
	x.close("routeTables")
	x.open("natGateways")
	for _, n := range v.NatGateways {
		x.open("natGateway", "name", n.ID)
		x.leaf("ownerId", n.OwnerID)
		x.leaf("macAddress", n.MAC)
		x.leaf("publicIp", n.PublicIP)
		x.leaf("privateIp", n.PrivateIP)
		x.leaf("vpc", n.VPC)
		x.leaf("subnet", n.Subnet)
		x.close("natGateway")
	}
	x.close("natGateways")
	x.values("internetGateways", v.InternetGateways)
	x.close("vpc")
}

func (x *xmlWriter) aclEntries(name string, entries []globalview.ACLEntry) {
	x.open(name)
	for _, e := range entries {
		x.open("entry", "number", strconv.Itoa(e.Number))
		x.leaf("protocol", strconv.Itoa(e.Protocol))
		x.leaf("action", e.Action)
		x.leaf("cidr", e.CIDR)
		x.leaf("icmpCode", intString(e.ICMPCode))
		x.leaf("icmpType", intString(e.ICMPType))
		x.leaf("portRangeFrom", intString(e.PortRangeFrom))
		x.leaf("portRangeTo", intString(e.PortRangeTo))
		x.close("entry")
	}
	x.close(name)
}

func (x *xmlWriter) instance(in *globalview.Instance) {
	x.open("instance", "name", in.ID)
	x.leaf("ownerId", in.OwnerID)
	x.leaf("macAddress", in.MAC)
	x.leaf("publicIp", in.PublicIP)
	x.leaf("privateIp", in.PrivateIP)
	x.leaf("vpc", in.VPC)
	x.leaf("subnet", in.Subnet)
	x.open("networkInterfaces")
	for _, n := range in.NetworkInterfaces {
		x.open("networkInterface", "name", n.ID)
		x.leaf("ownerId", n.OwnerID)
		x.leaf("deviceIndex", intString(n.DeviceIndex))
		x.leaf("attachmentId", n.AttachmentID)
		x.leaf("macAddress", n.MAC)
		x.leaf("privateIp", n.PrivateIP)
		x.leaf("publicIp", n.PublicIP)
		if n.SourceDestCheck != nil {
			x.leaf("sourceDestCheck", strconv.FormatBool(*n.SourceDestCheck))
		}
		x.leaf("vpc", n.VPC)
		x.leaf("subnet", n.Subnet)
		x.values("securityGroups", n.SecurityGroups)
		x.close("networkInterface")
	}
	x.close("networkInterfaces")
	x.values("securityGroups", in.SecurityGroups)
	x.close("instance")
}

func (x *xmlWriter) securityGroup(g *globalview.SecurityGroup) {
	x.open("securityGroup", "name", g.ID)
	x.leaf("ownerId", g.OwnerID)
	for _, list := range []struct {
		name  string
		rules []globalview.SecurityGroupRule
	}{{"ingressRules", g.IngressRules}, {"egressRules", g.EgressRules}} {
		x.open(list.name)
		for _, r := range list.rules {
			x.open("rule")
			x.leaf("protocol", strconv.Itoa(r.Protocol))
			x.leaf("fromPort", intString(r.FromPort))
			x.leaf("toPort", intString(r.ToPort))
			x.leaf("icmpType", intString(r.ICMPType))
			x.leaf("icmpCode", intString(r.ICMPCode))
			x.leaf("groupId", r.GroupID)
			x.leaf("groupOwnerId", r.GroupOwnerID)
			x.leaf("cidr", r.CIDR)
			x.close("rule")
		}
		x.close(list.name)
	}
	x.close("securityGroup")
}

// xmlWriter writes indented elements and remembers the first error.
type xmlWriter struct {
	w     *bufio.Writer
	depth int
	err   error
}

func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

func (x *xmlWriter) indent() {
	for range x.depth {
		x.raw("  ")
	}
}

func (x *xmlWriter) text(s string) {
	if x.err == nil {
		x.err = xml.EscapeText(x.w, []byte(s))
	}
}

// open writes <name a1="v1" ...> on its own line; attrs are name, value pairs.
func (x *xmlWriter) open(name string, attrs ...string) {
	x.indent()
	x.raw("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.raw(" " + attrs[i] + `="`)
		x.text(attrs[i+1])
		x.raw(`"`)
	}
	x.raw(">\n")
	x.depth++
}

func (x *xmlWriter) close(name string) {
	x.depth--
	x.indent()
	x.raw("</" + name + ">\n")
}

// leaf writes <name>value</name>, nothing when value is empty (null fields are omitted).
func (x *xmlWriter) leaf(name, value string) {
	if value == "" {
		return
	}
	x.indent()
	x.raw("<" + name + ">")
	x.text(value)
	x.raw("</" + name + ">\n")
}

// values writes <name><value>v</value>...</name>.
func (x *xmlWriter) values(name string, vals []string) {
	x.open(name)
	for _, v := range vals {
		x.leaf("value", v)
	}
	x.close(name)
}

// property writes <property name="name"><value>...</value></property>, nothing without values.
func (x *xmlWriter) property(name string, vals ...string) {
	if len(vals) == 0 || (len(vals) == 1 && vals[0] == "") {
		return
	}
	x.open("property", "name", name)
	for _, v := range vals {
		x.leaf("value", v)
	}
	x.close("property")
}

func intString(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func int64String(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}
