package topology

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Fragment is everything one owner resource owns in MidoNet.
type Fragment struct {
	Owner Owner

	Routers     []Router
	Bridges     []Bridge
	Ports       []Port
	Routes      []Route
	Chains      []Chain
	ChainRules  []ChainRules
	AddrGroups  []AddrGroup
	GroupAddrs  []GroupAddrs
	PortGroups  []PortGroup
	DHCPSubnets []DHCPSubnet
	DHCPHosts   []DHCPHost
	ARPEntries  []ARPEntry
	MACEntries  []MACEntry
	BGPPeers    []BGPPeer
	BGPNetworks []BGPNetwork
}

// IsEmpty reports whether the fragment owns nothing.
func (f Fragment) IsEmpty() bool {
	return len(f.Keys()) == 0
}

// Keys lists every key the fragment claims, in the fragment's order. Rules of owned chains and
// port-group members are parts of their container and are not listed.
func (f Fragment) Keys() []string {
	var keys []string
	for _, x := range f.Routers {
		keys = append(keys, x.Key())
	}
	for _, x := range f.Bridges {
		keys = append(keys, x.Key())
	}
	for _, x := range f.Ports {
		keys = append(keys, x.Key())
	}
	for _, x := range f.Routes {
		keys = append(keys, x.Key())
	}
	for _, x := range f.Chains {
		keys = append(keys, x.Key())
	}
	for _, cr := range f.ChainRules {
		for _, r := range cr.Rules {
			keys = append(keys, RuleKey(cr.Chain, r))
		}
	}
	for _, x := range f.AddrGroups {
		keys = append(keys, x.Key())
	}
	for _, ga := range f.GroupAddrs {
		for _, a := range ga.Addresses {
			keys = append(keys, AddrKey(ga.Group, a))
		}
	}
	for _, x := range f.PortGroups {
		keys = append(keys, x.Key())
	}
	for _, x := range f.DHCPSubnets {
		keys = append(keys, x.Key())
	}
	for _, x := range f.DHCPHosts {
		keys = append(keys, x.Key())
	}
	for _, x := range f.ARPEntries {
		keys = append(keys, x.Key())
	}
	for _, x := range f.MACEntries {
		keys = append(keys, x.Key())
	}
	for _, x := range f.BGPPeers {
		keys = append(keys, x.Key())
	}
	for _, x := range f.BGPNetworks {
		keys = append(keys, x.Key())
	}
	return keys
}

// Validate checks the fragment on its own: an owner, no key claimed twice, routes whose next
// hop is a port of the same router, complete router ports, links written on both ends, rules
// with the fields their type requires.
func (f Fragment) Validate() error {
	var errs []error
	if f.Owner.Kind == "" || f.Owner.Name == "" {
		errs = append(errs, fmt.Errorf("fragment has no owner"))
	}
	seen := map[string]bool{}
	for _, k := range f.Keys() {
		if seen[k] {
			errs = append(errs, fmt.Errorf("%s listed twice", k))
		}
		seen[k] = true
	}
	ports := map[PortRef]Port{}
	for _, p := range f.Ports {
		ports[p.Ref] = p
	}
	for _, p := range f.Ports {
		if p.Ref.Device == "" || p.Ref.Role == "" {
			errs = append(errs, fmt.Errorf("port %s: device and role are required", p.Ref))
		}
		switch p.Kind {
		case RouterPort:
			if !p.Address.IsValid() || !p.Network.IsValid() || !p.Network.Contains(p.Address) {
				errs = append(errs, fmt.Errorf("router port %s: address %s not in network %s", p.Ref, p.Address, p.Network))
			}
		case BridgePort:
			if p.Address.IsValid() || p.Network.IsValid() || p.MAC != "" {
				errs = append(errs, fmt.Errorf("bridge port %s carries router-port fields", p.Ref))
			}
		default:
			errs = append(errs, fmt.Errorf("port %s: unknown kind %q", p.Ref, p.Kind))
		}
		if p.Peer != nil {
			q, ok := ports[*p.Peer]
			if !ok || q.Peer == nil || *q.Peer != p.Ref {
				errs = append(errs, fmt.Errorf("port %s: link to %s is not written on both ends", p.Ref, *p.Peer))
			}
		}
	}
	for _, r := range f.Routes {
		if r.NextHopPort.Device != r.Router {
			errs = append(errs, fmt.Errorf("%s: next hop is not a port of %s", r.Key(), r.Router))
		}
		if r.Type == "" || !r.Src.IsValid() || !r.Dst.IsValid() {
			errs = append(errs, fmt.Errorf("%s: type, source and destination are required", r.Key()))
		}
	}
	for _, c := range f.Chains {
		for i, r := range c.Rules {
			if err := r.validate(); err != nil {
				errs = append(errs, fmt.Errorf("chain %s rule %d: %w", c.Name, i+1, err))
			}
		}
	}
	for _, cr := range f.ChainRules {
		if cr.Placement != First && cr.Placement != Last {
			errs = append(errs, fmt.Errorf("rules for chain %s: placement %q", cr.Chain, cr.Placement))
		}
		for _, r := range cr.Rules {
			if err := r.validate(); err != nil {
				errs = append(errs, fmt.Errorf("rule for chain %s: %w", cr.Chain, err))
			}
		}
	}
	for _, e := range f.ARPEntries {
		if (e.MAC == "") == (e.MACOfPort == nil) {
			errs = append(errs, fmt.Errorf("%s: exactly one of MAC and MACOfPort is required", e.Key()))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("fragment of %s: %w", f.Owner, errors.Join(errs...))
	}
	return nil
}

func (r Rule) validate() error {
	switch r.Type {
	case RuleJump:
		if r.JumpChain == "" {
			return fmt.Errorf("jump rule without a target chain")
		}
	case RuleDNAT, RuleSNAT:
		if len(r.NATTargets) == 0 || r.FlowAction == "" {
			return fmt.Errorf("%s rule needs natTargets and a flowAction", r.Type)
		}
	case RuleRevSNAT, "rev_dnat":
		if r.FlowAction == "" {
			return fmt.Errorf("%s rule needs a flowAction", r.Type)
		}
	case "":
		return fmt.Errorf("rule without a type")
	}
	return nil
}

// Sort orders every list of the fragment by key (the order of rules inside a chain is kept;
// contributed rules, group addresses and port-group members are sorted too, as
// they are sets). It sorts in place and returns f for chaining.
func (f *Fragment) Sort() *Fragment {
	sortBy(f.Routers, Router.Key)
	sortBy(f.Bridges, Bridge.Key)
	sortBy(f.Ports, Port.Key)
	sortBy(f.Routes, Route.Key)
	sortBy(f.Chains, Chain.Key)
	for i := range f.ChainRules {
		sortBy(f.ChainRules[i].Rules, Rule.Key)
	}
	sortBy(f.ChainRules, func(c ChainRules) string { return c.Chain + ":" + string(c.Placement) })
	for i := range f.AddrGroups {
		slices.SortFunc(f.AddrGroups[i].Addresses, netip.Addr.Compare)
	}
	sortBy(f.AddrGroups, AddrGroup.Key)
	for i := range f.GroupAddrs {
		slices.SortFunc(f.GroupAddrs[i].Addresses, netip.Addr.Compare)
	}
	sortBy(f.GroupAddrs, func(g GroupAddrs) string { return g.Group })
	for i := range f.PortGroups {
		sortBy(f.PortGroups[i].Members, PortRef.String)
	}
	sortBy(f.PortGroups, PortGroup.Key)
	sortBy(f.DHCPSubnets, DHCPSubnet.Key)
	sortBy(f.DHCPHosts, DHCPHost.Key)
	sortBy(f.ARPEntries, ARPEntry.Key)
	sortBy(f.MACEntries, MACEntry.Key)
	sortBy(f.BGPPeers, BGPPeer.Key)
	sortBy(f.BGPNetworks, BGPNetwork.Key)
	return f
}

func sortBy[T any](s []T, key func(T) string) {
	slices.SortStableFunc(s, func(a, b T) int { return strings.Compare(key(a), key(b)) })
}

// Clone returns a copy whose lists can be reordered without touching f (rules and other
// values are shared, they are never modified in place).
func (f Fragment) Clone() Fragment {
	c := f
	c.Routers = slices.Clone(f.Routers)
	c.Bridges = slices.Clone(f.Bridges)
	c.Ports = slices.Clone(f.Ports)
	c.Routes = slices.Clone(f.Routes)
	c.Chains = slices.Clone(f.Chains)
	c.ChainRules = slices.Clone(f.ChainRules)
	for i := range c.ChainRules {
		c.ChainRules[i].Rules = slices.Clone(c.ChainRules[i].Rules)
	}
	c.AddrGroups = slices.Clone(f.AddrGroups)
	for i := range c.AddrGroups {
		c.AddrGroups[i].Addresses = slices.Clone(c.AddrGroups[i].Addresses)
	}
	c.GroupAddrs = slices.Clone(f.GroupAddrs)
	for i := range c.GroupAddrs {
		c.GroupAddrs[i].Addresses = slices.Clone(c.GroupAddrs[i].Addresses)
	}
	c.PortGroups = slices.Clone(f.PortGroups)
	for i := range c.PortGroups {
		c.PortGroups[i].Members = slices.Clone(c.PortGroups[i].Members)
	}
	c.DHCPSubnets = slices.Clone(f.DHCPSubnets)
	c.DHCPHosts = slices.Clone(f.DHCPHosts)
	c.ARPEntries = slices.Clone(f.ARPEntries)
	c.MACEntries = slices.Clone(f.MACEntries)
	c.BGPPeers = slices.Clone(f.BGPPeers)
	c.BGPNetworks = slices.Clone(f.BGPNetworks)
	return c
}
