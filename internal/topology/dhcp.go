package topology

import (
	"net/netip"
	"strings"
)

// DHCPSubnet is a DHCP subnet of a bridge, identified by bridge and prefix (MidoNet's
// <subnetPrefix>_<subnetLength>).
type DHCPSubnet struct {
	Bridge         string
	Prefix         netip.Prefix
	DefaultGateway netip.Addr
	DNSServers     []netip.Addr
}

// Key identifies the DHCP subnet.
func (d DHCPSubnet) Key() string { return "dhcpsubnet:" + d.Bridge + ":" + d.Prefix.String() }

// DHCPOpt is one extraDhcpOpts entry.
type DHCPOpt struct {
	Name  string
	Value string
}

// DHCPHost is a static DHCP host entry, identified by bridge, subnet and MAC (MidoNet keys
// hosts by MAC inside a subnet).
type DHCPHost struct {
	Bridge    string
	Subnet    netip.Prefix
	Name      string
	MAC       string
	IP        netip.Addr
	ExtraOpts []DHCPOpt
}

// Key identifies the DHCP host.
func (h DHCPHost) Key() string {
	return "dhcphost:" + h.Bridge + ":" + h.Subnet.String() + ":" + strings.ToLower(h.MAC)
}
