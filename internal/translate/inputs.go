package translate

import (
	"fmt"
	"net/netip"
	"strings"
)

// Settings are the cloud-wide switches and defaults every kind's translation may need. The
// zero value is the original's default configuration (midomd on, ARP table on, L2 isolation
// on), so a forgotten field never silently weakens isolation.
type Settings struct {
	// DisableMetadata turns off the MidoNet metadata path (MIDO_ENABLE_MIDOMD=N); midovpc does
	// not implement the legacy flavour, so there is then no metadata at all.
	DisableMetadata bool
	// DisableARPTable omits per-interface bridge ARP and MAC entries (MIDO_ENABLE_ARPTABLE=N).
	// The subnet's dot2 ARP entry is always created.
	DisableARPTable bool
	// DisableL2Isolation omits the anti-spoof rules of the interface chains
	// (DISABLE_L2_ISOLATION=Y).
	DisableL2Isolation bool
	// DNSServers is the view's instanceDNSServers, used when the VPC's option set has none.
	DNSServers []netip.Addr
	// DNSDomain is the view's instanceDNSDomain, used when the VPC's option set has none.
	DNSDomain string
}

// DHCPOptions is a VPC's resolved DHCP option set (decision (c)). Nil or empty fields fall
// back to Settings.
type DHCPOptions struct {
	// DomainName is the domain-name value, passed verbatim as domain_search.
	DomainName string
	// DomainNameServers are the domain-name-servers (AmazonProvidedDNS already replaced by the
	// CLC).
	DomainNameServers []netip.Addr
}

func (s Settings) dnsServers(o *DHCPOptions) []netip.Addr {
	if o != nil && len(o.DomainNameServers) > 0 {
		return o.DomainNameServers
	}
	return s.DNSServers
}

func (s Settings) dnsDomain(o *DHCPOptions) string {
	if o != nil && o.DomainName != "" {
		return o.DomainName
	}
	return s.DNSDomain
}

// VPCRef is a resolved VPC: its id, CIDR and router index.
type VPCRef struct {
	ID          string
	CIDR        netip.Prefix
	RouterIndex int
}

func (v VPCRef) routerName() string { return VPCRouterName(v.ID, v.RouterIndex) }

func (v VPCRef) validate() error {
	if !IsID("vpc", v.ID) {
		return fmt.Errorf("vpc id %q is not vpc-<8|17 hex>", v.ID)
	}
	if err := ValidateRouterIndex(v.RouterIndex); err != nil {
		return fmt.Errorf("vpc %s: %w", v.ID, err)
	}
	if !v.CIDR.IsValid() || !v.CIDR.Addr().Is4() || v.CIDR.Masked() != v.CIDR {
		return fmt.Errorf("vpc %s: CIDR %q is not an IPv4 network", v.ID, v.CIDR)
	}
	return nil
}

// SubnetRef is a resolved subnet: id and CIDR.
type SubnetRef struct {
	ID   string
	CIDR netip.Prefix
}

func (s SubnetRef) validate(vpc VPCRef) error {
	if !IsID("subnet", s.ID) {
		return fmt.Errorf("subnet id %q is not subnet-<8|17 hex>", s.ID)
	}
	if err := validSubnet("subnet "+s.ID, s.CIDR); err != nil {
		return err
	}
	if !vpc.CIDR.Contains(s.CIDR.Addr()) || s.CIDR.Bits() < vpc.CIDR.Bits() {
		return fmt.Errorf("subnet %s: %s is not inside VPC %s %s", s.ID, s.CIDR, vpc.ID, vpc.CIDR)
	}
	return nil
}

// Skipped is an input item left out of a fragment, with the reason (an unresolvable route
// target, a rule naming an unknown security group). The rest of the fragment is complete.
type Skipped struct {
	What   string
	Reason string
	// Route is the route-table entry left out, when what was left out is a route.
	Route *RouteEntry
}

func (s Skipped) String() string { return s.What + ": " + s.Reason }

// normMAC lower-cases a MAC and checks its form (six colon-separated hex octets).
func normMAC(mac string) (string, error) {
	m := strings.ToLower(mac)
	parts := strings.Split(m, ":")
	if len(parts) != 6 {
		return "", fmt.Errorf("MAC %q is not six colon-separated octets", mac)
	}
	for _, p := range parts {
		if len(p) != 2 || !isLowerHex(p) {
			return "", fmt.Errorf("MAC %q is not six colon-separated octets", mac)
		}
	}
	return m, nil
}
