package maintenance

import (
	"context"
	"fmt"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
)

// State is what MidoNet holds for one tenant: its routers, bridges, chains and port groups
// with their children, every IP address group, every host and tunnel zone, and the ids that
// other tenants' objects refer to (a chain or group they use must never look unreferenced).
type State struct {
	Tenant      string       `json:"tenant"`
	Routers     []Router     `json:"routers"`
	Bridges     []Bridge     `json:"bridges"`
	Chains      []Chain      `json:"chains"`
	AddrGroups  []AddrGroup  `json:"ipAddrGroups"`
	PortGroups  []PortGroup  `json:"portGroups"`
	Hosts       []Host       `json:"hosts"`
	TunnelZones []TunnelZone `json:"tunnelZones"`
	// ForeignRefs are ids (chains, IP address groups, port groups, ports) referred to by
	// objects outside the tenant: filters, jump targets, rule conditions, peers.
	ForeignRefs map[string]bool `json:"foreignRefs,omitempty"`
}

// Router is a router with its ports, routes and BGP set-up.
type Router struct {
	midonet.Router
	Ports       []midonet.Port       `json:"ports"`
	Routes      []midonet.Route      `json:"routes"`
	BgpPeers    []midonet.BgpPeer    `json:"bgpPeers"`
	BgpNetworks []midonet.BgpNetwork `json:"bgpNetworks"`
}

// Bridge is a bridge with its ports, DHCP service and state tables.
type Bridge struct {
	midonet.Bridge
	Ports []midonet.Port    `json:"ports"`
	DHCP  []DHCPSubnet      `json:"dhcp"`
	ARP   []midonet.IP4Mac  `json:"arp"`
	MAC   []midonet.MacPort `json:"mac"`
}

// DHCPSubnet is a bridge's DHCP subnet with its hosts.
type DHCPSubnet struct {
	midonet.DHCPSubnet
	Hosts []midonet.DHCPHost `json:"hosts"`
}

// Chain is a chain with its rules in position order.
type Chain struct {
	midonet.Chain
	Rules []midonet.Rule `json:"rules"`
}

// AddrGroup is an IP address group with its addresses.
type AddrGroup struct {
	midonet.IPAddrGroup
	Addrs []string `json:"addrs"`
}

// PortGroup is a port group with its member ports.
type PortGroup struct {
	midonet.PortGroup
	Members []string `json:"members"`
}

// Host is a MidoNet host with its interfaces and port bindings.
type Host struct {
	midonet.Host
	Interfaces []midonet.HostInterface     `json:"interfaces"`
	Bindings   []midonet.HostInterfacePort `json:"bindings"`
}

// TunnelZone is a tunnel zone with its members.
type TunnelZone struct {
	midonet.TunnelZone
	Members []midonet.TunnelZoneHost `json:"members"`
}

// Load reads the tenant's state through the index (one read of everything), plus the
// references other tenants' objects make, so that nothing they use is taken for unused.
func Load(ctx context.Context, c *midonet.Client, tenant string) (*State, error) {
	x := index.New(c, tenant)
	if err := x.Load(ctx); err != nil {
		return nil, err
	}
	st := FromIndex(x)
	refs, err := foreignRefs(ctx, c, tenant)
	if err != nil {
		return nil, err
	}
	st.ForeignRefs = refs
	return st, nil
}

// FromIndex copies what a loaded index mirrors into a State.
func FromIndex(x *index.Index) *State {
	st := &State{Tenant: x.Tenant(), ForeignRefs: map[string]bool{}}
	for _, r := range x.Routers() {
		st.Routers = append(st.Routers, Router{Router: r, Ports: x.PortsOf(r.ID), Routes: x.RoutesOf(r.ID),
			BgpPeers: x.BGPPeersOf(r.ID), BgpNetworks: x.BGPNetworksOf(r.ID)})
	}
	for _, b := range x.Bridges() {
		br := Bridge{Bridge: b, Ports: x.PortsOf(b.ID), ARP: x.ARPEntriesOf(b.ID), MAC: x.MACEntriesOf(b.ID)}
		for _, d := range x.DHCPSubnetsOf(b.ID) {
			br.DHCP = append(br.DHCP, DHCPSubnet{DHCPSubnet: d, Hosts: x.DHCPHostsOf(b.ID, d.CIDR())})
		}
		st.Bridges = append(st.Bridges, br)
	}
	for _, c := range x.Chains() {
		st.Chains = append(st.Chains, Chain{Chain: c, Rules: x.RulesOf(c.ID)})
	}
	for _, g := range x.AddrGroups() {
		st.AddrGroups = append(st.AddrGroups, AddrGroup{IPAddrGroup: g, Addrs: x.AddrsOf(g.ID)})
	}
	for _, g := range x.PortGroups() {
		st.PortGroups = append(st.PortGroups, PortGroup{PortGroup: g, Members: x.MembersOf(g.ID)})
	}
	for _, h := range x.Hosts() {
		st.Hosts = append(st.Hosts, Host{Host: h, Interfaces: x.HostInterfaces(h.ID), Bindings: x.BindingsOf(h.ID)})
	}
	for _, z := range x.TunnelZones() {
		st.TunnelZones = append(st.TunnelZones, TunnelZone{TunnelZone: z, Members: x.TunnelZoneMembers(z.ID)})
	}
	return st
}

// foreignRefs collects what other tenants' devices, ports and rules refer to.
func foreignRefs(ctx context.Context, c *midonet.Client, tenant string) (map[string]bool, error) {
	refs := map[string]bool{}
	add := func(ids ...*string) { addRefs(refs, ids...) }
	routers, err := c.ListRouters(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("list routers of every tenant: %w", err)
	}
	foreignDevice := map[string]bool{}
	for _, r := range routers {
		if r.TenantID != tenant {
			foreignDevice[r.ID] = true
			add(r.InboundFilterID, r.OutboundFilterID)
		}
	}
	bridges, err := c.ListBridges(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("list bridges of every tenant: %w", err)
	}
	for _, b := range bridges {
		if b.TenantID != tenant {
			foreignDevice[b.ID] = true
			add(b.InboundFilterID, b.OutboundFilterID)
		}
	}
	ports, err := c.ListPorts(ctx)
	if err != nil {
		return nil, fmt.Errorf("list every port: %w", err)
	}
	for _, p := range ports {
		if foreignDevice[p.DeviceID] {
			add(p.InboundFilterID, p.OutboundFilterID, p.PeerID)
		}
	}
	chains, err := c.ListChains(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("list chains of every tenant: %w", err)
	}
	for _, ch := range chains {
		if ch.TenantID == tenant {
			continue
		}
		rules, err := c.ListRules(ctx, ch.ID)
		if err != nil && !midonet.IsNotFound(err) {
			return nil, fmt.Errorf("list rules of %s's chain %s: %w", ch.TenantID, ch.Name, err)
		}
		for _, r := range rules {
			add(ruleRefs(r)...)
		}
	}
	return refs, nil
}

// ruleRefs are the ids a rule refers to: its jump target, address groups and port groups.
func ruleRefs(r midonet.Rule) []*string {
	refs := []*string{r.JumpChainID, r.IPAddrGroupSrc, r.IPAddrGroupDst, r.PortGroup, r.InPortGroup, r.OutPortGroup}
	for i := range r.InPorts {
		refs = append(refs, &r.InPorts[i])
	}
	for i := range r.OutPorts {
		refs = append(refs, &r.OutPorts[i])
	}
	return refs
}
