package topology

import "net/netip"

// AddrGroup is an IP address group owned by one owner. Addresses is the exact set the owner
// holds; a Shared group also receives addresses from other owners through GroupAddrs.
type AddrGroup struct {
	Name      string
	Addresses []netip.Addr
	Shared    bool
}

// Key identifies the group.
func (g AddrGroup) Key() string { return "ipaddrgroup:" + g.Name }

// GroupAddrs are addresses one owner contributes to a Shared group owned by someone else.
type GroupAddrs struct {
	Group     string
	Addresses []netip.Addr
}

// AddrKey identifies one contributed address.
func AddrKey(group string, a netip.Addr) string { return "ipaddr:" + group + ":" + a.String() }
