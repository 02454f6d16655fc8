package topology

import "net/netip"

// PortKind is the MidoNet port type.
type PortKind string

const (
	RouterPort PortKind = "Router"
	BridgePort PortKind = "Bridge"
)

// Port is a router or bridge port, identified by Ref (device name and role).
type Port struct {
	Ref  PortRef
	Kind PortKind
	// Router ports only: portAddress, the network (networkAddress/networkLength, masked) and
	// portMac. MAC "" lets MidoNet pick one (and then it must not be compared).
	Address netip.Addr
	Network netip.Prefix
	MAC     string
	// InboundFilter and OutboundFilter are chain names; "" means none.
	InboundFilter  string
	OutboundFilter string
	// Peer is the port at the other end of a link; both ends name each other.
	Peer *PortRef
	// Binding ties an exterior port to an interface of a host.
	Binding *Binding
}

// Binding is a host–interface–port binding.
type Binding struct {
	Host      HostRef
	Interface string
}

// Key identifies the port.
func (p Port) Key() string { return "port:" + p.Ref.String() }
