package translate

import (
	"fmt"
	"net/netip"
)

// The address plan of translation.md §1. Validation of the original requires exactly these
// values, so they are constants, not settings.
var (
	// InternalRouterNetwork (MIDO_INTRT_CIDR) joins eucart with every VPC and NAT router.
	InternalRouterNetwork = netip.MustParsePrefix("169.254.0.0/17")
	// CoreRouterAddress is eucart's port on the internal router network (int_rtaddr).
	CoreRouterAddress = netip.MustParseAddr("169.254.0.1")
	// MetadataNetwork (MIDO_INTMD_CIDR) joins eucamdrt with every VPC router.
	MetadataNetwork = netip.MustParsePrefix("169.254.128.0/17")
	// MetadataRouterAddress is eucamdrt's port on the metadata network.
	MetadataRouterAddress = netip.MustParseAddr("169.254.128.1")
	// MetadataExtNetwork (MIDO_EXTMD_CIDR) is the /29 between eucamdrt and the metadata host.
	MetadataExtNetwork = netip.MustParsePrefix("169.254.169.248/29")
	// MetadataExtPortAddress is eucamdrt's external port (md_veth_mido).
	MetadataExtPortAddress = netip.MustParseAddr("169.254.169.249")
	// MetadataHTTPAddress is the metadata service (md_veth_host, md_http).
	MetadataHTTPAddress = netip.MustParseAddr("169.254.169.254")
	// MetadataDNSAddress is the metadata DNS address (md_dns).
	MetadataDNSAddress = netip.MustParseAddr("169.254.169.253")
	// MetadataNATNetwork (MIDO_MD_CIDR) holds the per-interface metadata NAT addresses.
	MetadataNATNetwork = netip.MustParsePrefix("255.0.0.0/8")
	// LinkLocalNetwork is accepted by the subnet bridge filters ahead of any ACL (§12).
	LinkLocalNetwork = netip.MustParsePrefix("169.254.0.0/16")
	// DHCPReplySource is the source of MidoNet's DHCP replies: the DHCP subnet's serverAddr,
	// which is left unset, so MidoNet sends from 0.0.0.0 (DhcpImpl).
	DHCPReplySource = netip.MustParsePrefix("0.0.0.0/32")
	// DHCPReplyDestination is where MidoNet's DHCP replies go: the limited broadcast.
	DHCPReplyDestination = netip.MustParsePrefix("255.255.255.255/32")
	// AnyNetwork is 0.0.0.0/0.
	AnyNetwork = netip.MustParsePrefix("0.0.0.0/0")
)

// AddOffset adds n to a as a 32-bit unsigned integer (169.254.0.0 + 300 = 169.254.1.44).
// It fails when a is not IPv4 or the sum leaves the IPv4 space.
func AddOffset(a netip.Addr, n int) (netip.Addr, error) {
	if !a.Is4() {
		return netip.Addr{}, fmt.Errorf("%s is not an IPv4 address", a)
	}
	b := a.As4()
	v := uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
	s := int64(v) + int64(n)
	if s < 0 || s > 0xffffffff {
		return netip.Addr{}, fmt.Errorf("%s + %d leaves the IPv4 address space", a, n)
	}
	return netip.AddrFrom4([4]byte{byte(s >> 24), byte(s >> 16), byte(s >> 8), byte(s)}), nil
}

func mustOffset(a netip.Addr, n int) netip.Addr {
	r, err := AddOffset(a, n)
	if err != nil {
		panic(err) // callers validated the range first
	}
	return r
}

// UplinkAddress is the internal-network address of a VPC or NAT router: 169.254.0.0 + rtid.
func UplinkAddress(rtid int) (netip.Addr, error) {
	if err := ValidateRouterIndex(rtid); err != nil {
		return netip.Addr{}, err
	}
	return mustOffset(InternalRouterNetwork.Addr(), rtid), nil
}

// MetadataUplinkAddress is a VPC router's metadata uplink: 169.254.128.0 + rtid.
func MetadataUplinkAddress(rtid int) (netip.Addr, error) {
	if err := ValidateRouterIndex(rtid); err != nil {
		return netip.Addr{}, err
	}
	return mustOffset(MetadataNetwork.Addr(), rtid), nil
}

// MetadataAddress is an interface's metadata NAT address: 255.0.0.0 + eniid.
func MetadataAddress(eniid int) (netip.Addr, error) {
	if err := ValidateMetadataID(eniid); err != nil {
		return netip.Addr{}, err
	}
	return mustOffset(MetadataNATNetwork.Addr(), eniid), nil
}

// MetadataIDOf recovers the eniid from a metadata NAT address (the addressFrom of an
// interface's SNAT rule, §6.6).
func MetadataIDOf(a netip.Addr) (int, bool) {
	if !a.Is4() || !MetadataNATNetwork.Contains(a) {
		return 0, false
	}
	b := a.As4()
	id := int(b[1])<<16 | int(b[2])<<8 | int(b[3])
	return id, ValidateMetadataID(id) == nil
}

// RouterIndexOfUplink recovers rtid from an uplink address 169.254.0.0 + rtid.
func RouterIndexOfUplink(a netip.Addr) (int, bool) {
	if !a.Is4() || !InternalRouterNetwork.Contains(a) {
		return 0, false
	}
	b := a.As4()
	id := int(b[2])<<8 | int(b[3])
	return id, ValidateRouterIndex(id) == nil
}

// SubnetAddress returns N + n of a subnet N/L: 1 = gateway (dot1), 2 = dot2, 3 = dot3.
func SubnetAddress(subnet netip.Prefix, n int) netip.Addr {
	return mustOffset(subnet.Masked().Addr(), n)
}

// ReservedAddress says why ip may not be the address of an interface or NAT gateway in the
// subnet, "" when it may. As in AWS and Eucalyptus, the first four addresses and the last are
// not handed out: N+0 the network, N+1 the VPC router's port (the subnet's gateway), N+2
// answered by the VPC router (DNS; the bridge's ARP entry for it names the router port), N+3
// reserved, and the broadcast address. Here it is more than a convention: an interface holding
// N+1 or N+2 would put an ARP entry for the gateway's address on the bridge, and
// sc_<subnet>_in/_out accept N/30 ahead of the network ACL.
func ReservedAddress(subnet netip.Prefix, ip netip.Addr) string {
	subnet = subnet.Masked()
	if !subnet.Contains(ip) || !ip.Is4() {
		return ""
	}
	switch ip {
	case subnet.Addr():
		return "the subnet's network address"
	case SubnetAddress(subnet, 1):
		return "the VPC router's port (the subnet's gateway)"
	case SubnetAddress(subnet, 2):
		return "answered by the VPC router (DNS)"
	case SubnetAddress(subnet, 3):
		return "reserved"
	case LastAddress(subnet):
		return "the subnet's broadcast address"
	}
	return ""
}

// specialNetworks are the IPv4 networks no VPC and no public IP may overlap: midovpc's own
// (link-local: the routers' uplinks, the metadata network and service; 255.0.0.0/8: the
// metadata NAT addresses) and those that are never unicast host addresses.
var specialNetworks = []struct {
	net netip.Prefix
	why string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "“this network” (RFC 1122), not an address of hosts"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{LinkLocalNetwork, "link-local, which midovpc uses for its routers' uplinks (169.254.0.0/17), the metadata network (169.254.128.0/17) and the metadata service (169.254.169.254)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved, and where midovpc puts the metadata NAT addresses (255.0.0.0/8)"},
}

// SpecialNetwork returns the special network p overlaps (see specialNetworks) and what it
// is; ok is false when it overlaps none.
func SpecialNetwork(p netip.Prefix) (network netip.Prefix, why string, ok bool) {
	for _, s := range specialNetworks {
		if s.net.Overlaps(p) {
			return s.net, s.why, true
		}
	}
	return netip.Prefix{}, "", false
}

// LastAddress is the highest address of an IPv4 prefix (its broadcast address).
func LastAddress(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	n := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n |= uint32(1)<<(32-p.Bits()) - 1
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

// validSubnet checks an IPv4 subnet given as its network address with room for .1–.3.
func validSubnet(what string, p netip.Prefix) error {
	if !p.IsValid() || !p.Addr().Is4() {
		return fmt.Errorf("%s: %q is not an IPv4 CIDR", what, p)
	}
	if p.Masked() != p {
		return fmt.Errorf("%s: %s is not a network address", what, p)
	}
	if p.Bits() > 30 {
		return fmt.Errorf("%s: %s is smaller than a /30", what, p)
	}
	return nil
}

func validIPv4(what string, a netip.Addr) error {
	if !a.Is4() {
		return fmt.Errorf("%s: %q is not an IPv4 address", what, a)
	}
	return nil
}

func host32(a netip.Addr) *netip.Prefix {
	p := netip.PrefixFrom(a, 32)
	return &p
}

func prefixOf(p netip.Prefix) *netip.Prefix { return &p }
