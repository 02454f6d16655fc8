package topology

import (
	"net/netip"
	"strings"
)

// ARPEntry is a bridge arp_table entry IP → MAC. When MACOfPort is set the MAC is the one
// MidoNet gave that router port (the "dot2" proxy entry), resolved by the sync engine.
type ARPEntry struct {
	Bridge    string
	IP        netip.Addr
	MAC       string
	MACOfPort *PortRef
}

// Key identifies the entry: one IP has one MAC on a bridge.
func (e ARPEntry) Key() string { return "arp:" + e.Bridge + ":" + e.IP.String() }

// MACEntry is a bridge mac_table entry MAC → port.
type MACEntry struct {
	Bridge string
	MAC    string
	Port   PortRef
}

// Key identifies the entry as MidoNet does: MAC and port.
func (e MACEntry) Key() string {
	return "mac:" + e.Bridge + ":" + strings.ToLower(e.MAC) + ":" + e.Port.String()
}
