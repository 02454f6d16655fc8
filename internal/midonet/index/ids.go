package index

import "strings"

// Kind is the kind of a mirrored object, as it appears in a Ref.
type Kind string

const (
	KindRouter      Kind = "router"
	KindBridge      Kind = "bridge"
	KindChain       Kind = "chain"
	KindAddrGroup   Kind = "ipaddrgroup"
	KindPortGroup   Kind = "portgroup"
	KindPort        Kind = "port"
	KindRoute       Kind = "route"
	KindRule        Kind = "rule"
	KindAddr        Kind = "ipaddr"
	KindMember      Kind = "pgmember"
	KindDHCPSubnet  Kind = "dhcpsubnet"
	KindDHCPHost    Kind = "dhcphost"
	KindARP         Kind = "arp"
	KindMAC         Kind = "mac"
	KindBGPPeer     Kind = "bgppeer"
	KindBGPNetwork  Kind = "bgpnetwork"
	KindHost        Kind = "host"
	KindTunnelZone  Kind = "tunnelzone"
	KindZoneMember  Kind = "tzmember"
	KindHostBinding Kind = "binding"
)

// Ref names one mirrored object: its kind, its id (a UUID, or a synthetic id for objects that
// have none), the id of the container it lives in ("" for top-level objects) and its name when
// it has one.
type Ref struct {
	Kind   Kind
	ID     string
	Parent string
	Name   string
}

func (r Ref) String() string {
	if r.Name != "" {
		return string(r.Kind) + " " + r.Name + " (" + r.ID + ")"
	}
	return string(r.Kind) + " " + r.ID
}

// Synthetic ids of objects that MidoNet addresses by a natural key. They start with the kind
// so they can never be mistaken for a UUID, and they use the parent's UUID so they are unique.

// DHCPSubnetID identifies the DHCP subnet cidr ("10.0.1.0/24") of a bridge.
func DHCPSubnetID(bridgeID, cidr string) string { return "dhcpsubnet:" + bridgeID + ":" + cidr }

// DHCPHostID identifies the DHCP host with a MAC in a subnet of a bridge.
func DHCPHostID(bridgeID, cidr, mac string) string {
	return "dhcphost:" + bridgeID + ":" + cidr + ":" + strings.ToLower(mac)
}

// AddrID identifies an address of an IP address group.
func AddrID(groupID, addr string) string { return "ipaddr:" + groupID + ":" + addr }

// ARPID identifies an ARP-table entry of a bridge.
func ARPID(bridgeID, ip, mac string) string {
	return "arp:" + bridgeID + ":" + ip + ":" + strings.ToLower(mac)
}

// MACID identifies a MAC-table entry of a bridge.
func MACID(bridgeID, mac, portID string) string {
	return "mac:" + bridgeID + ":" + strings.ToLower(mac) + ":" + portID
}

// MemberID identifies a port's membership of a port group.
func MemberID(portGroupID, portID string) string { return "pgmember:" + portGroupID + ":" + portID }

// containerKey names a container for stale marks and resync bookkeeping.
func containerKey(kind Kind, id string) string { return string(kind) + "/" + id }

// ParseID splits a synthetic id into its kind and parts: the parent's id, then the natural key
// (DHCP subnet: cidr; DHCP host: cidr, MAC; address: addr; ARP: ip, MAC; MAC entry: MAC, port
// id; member: port id). ok is false for UUIDs and anything else.
func ParseID(id string) (kind Kind, parts []string, ok bool) {
	k, rest, found := strings.Cut(id, ":")
	if !found {
		return "", nil, false
	}
	switch Kind(k) {
	case KindDHCPSubnet, KindAddr, KindMember:
		parts = strings.SplitN(rest, ":", 2)
	case KindDHCPHost, KindARP:
		parts = strings.SplitN(rest, ":", 3)
	case KindMAC:
		parent, key, _ := strings.Cut(rest, ":")
		i := strings.LastIndex(key, ":")
		if i < 0 {
			return "", nil, false
		}
		parts = []string{parent, key[:i], key[i+1:]}
	default:
		return "", nil, false
	}
	want := map[Kind]int{KindDHCPSubnet: 2, KindAddr: 2, KindMember: 2, KindDHCPHost: 3, KindARP: 3, KindMAC: 3}[Kind(k)]
	if len(parts) != want {
		return "", nil, false
	}
	return Kind(k), parts, true
}
