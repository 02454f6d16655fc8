package topology

import (
	"fmt"
	"net/netip"
)

// BGPPeer is a router-level BGP peer (MidoNet v5).
type BGPPeer struct {
	Router  string
	ASN     int
	Address netip.Addr
}

// Key identifies the peer by router, address and AS number (MidoNet rejects duplicates of that
// pair).
func (p BGPPeer) Key() string { return fmt.Sprintf("bgppeer:%s:%s:as%d", p.Router, p.Address, p.ASN) }

// BGPNetwork is a prefix a router advertises.
type BGPNetwork struct {
	Router string
	Prefix netip.Prefix
}

// Key identifies the advertised network.
func (n BGPNetwork) Key() string { return "bgpnetwork:" + n.Router + ":" + n.Prefix.String() }
