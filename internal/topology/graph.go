package topology

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
)

// Graph is the union of the fragments of many owners. It guarantees that every key is claimed
// by exactly one owner.
type Graph struct {
	fragments map[Owner]Fragment
	claims    map[string]Owner
}

// NewGraph returns an empty graph.
func NewGraph() *Graph {
	return &Graph{fragments: map[Owner]Fragment{}, claims: map[string]Owner{}}
}

// ConflictError reports an object claimed by two owners.
type ConflictError struct {
	Key      string
	Existing Owner
	New      Owner
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s is claimed by both %s and %s", e.Key, e.Existing, e.New)
}

// Merge adds f to the graph, replacing any fragment of the same owner. It fails, leaving the
// graph unchanged, when f is invalid, when f claims a key another owner claims
// (*ConflictError naming both owners), or when rules or addresses are contributed to a chain
// or group that its owner does not mark Shared.
func (g *Graph) Merge(f Fragment) error {
	if err := f.Validate(); err != nil {
		return err
	}
	var errs []error
	for _, k := range f.Keys() {
		if o, ok := g.claims[k]; ok && o != f.Owner {
			errs = append(errs, &ConflictError{Key: k, Existing: o, New: f.Owner})
		}
	}
	errs = append(errs, g.sharingErrors(f)...)
	if len(errs) > 0 {
		return fmt.Errorf("merge %s: %w", f.Owner, errors.Join(errs...))
	}
	g.Remove(f.Owner)
	g.fragments[f.Owner] = f
	for _, k := range f.Keys() {
		g.claims[k] = f.Owner
	}
	return nil
}

// sharingErrors checks contributions against the Shared flag of their containers, in both
// directions (f contributing, and f owning a container others contribute to).
func (g *Graph) sharingErrors(f Fragment) []error {
	var errs []error
	for _, cr := range f.ChainRules {
		if c, o, ok := g.chain(cr.Chain); ok && o != f.Owner && !c.Shared {
			errs = append(errs, fmt.Errorf("rules for chain %s: chain of %s is not shared", cr.Chain, o))
		}
	}
	for _, ga := range f.GroupAddrs {
		if a, o, ok := g.group(ga.Group); ok && o != f.Owner && !a.Shared {
			errs = append(errs, fmt.Errorf("addresses for group %s: group of %s is not shared", ga.Group, o))
		}
	}
	for _, c := range f.Chains {
		if c.Shared {
			continue
		}
		for o, other := range g.fragments {
			if o == f.Owner {
				continue
			}
			for _, cr := range other.ChainRules {
				if cr.Chain == c.Name {
					errs = append(errs, fmt.Errorf("chain %s is not shared but %s contributes rules", c.Name, o))
				}
			}
		}
	}
	for _, a := range f.AddrGroups {
		if a.Shared {
			continue
		}
		for o, other := range g.fragments {
			if o == f.Owner {
				continue
			}
			for _, ga := range other.GroupAddrs {
				if ga.Group == a.Name {
					errs = append(errs, fmt.Errorf("group %s is not shared but %s contributes addresses", a.Name, o))
				}
			}
		}
	}
	return errs
}

// Remove drops the fragment of owner o, if any.
func (g *Graph) Remove(o Owner) {
	old, ok := g.fragments[o]
	if !ok {
		return
	}
	for _, k := range old.Keys() {
		if g.claims[k] == o {
			delete(g.claims, k)
		}
	}
	delete(g.fragments, o)
}

// Owners lists the owners in the graph, ordered.
func (g *Graph) Owners() []Owner {
	out := make([]Owner, 0, len(g.fragments))
	for o := range g.fragments {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b Owner) int {
		if a.Less(b) {
			return -1
		}
		if b.Less(a) {
			return 1
		}
		return 0
	})
	return out
}

// Fragment returns the fragment of owner o.
func (g *Graph) Fragment(o Owner) (Fragment, bool) {
	f, ok := g.fragments[o]
	return f, ok
}

// OwnerOf returns the owner claiming key.
func (g *Graph) OwnerOf(key string) (Owner, bool) {
	o, ok := g.claims[key]
	return o, ok
}

func (g *Graph) chain(name string) (Chain, Owner, bool) {
	if o, ok := g.claims["chain:"+name]; ok {
		for _, c := range g.fragments[o].Chains {
			if c.Name == name {
				return c, o, true
			}
		}
	}
	return Chain{}, Owner{}, false
}

func (g *Graph) group(name string) (AddrGroup, Owner, bool) {
	if o, ok := g.claims["ipaddrgroup:"+name]; ok {
		for _, a := range g.fragments[o].AddrGroups {
			if a.Name == name {
				return a, o, true
			}
		}
	}
	return AddrGroup{}, Owner{}, false
}

// ChainRules returns the full desired rule list of chain name: contributions placed First
// (sorted by key), the owner's rules in order, contributions placed Last (sorted by key).
// ok is false when no owner in the graph owns the chain.
func (g *Graph) ChainRules(name string) (rules []Rule, ok bool) {
	c, _, ok := g.chain(name)
	if !ok {
		return nil, false
	}
	var first, last []Rule
	for _, o := range g.Owners() {
		for _, cr := range g.fragments[o].ChainRules {
			if cr.Chain != name {
				continue
			}
			if cr.Placement == First {
				first = append(first, cr.Rules...)
			} else {
				last = append(last, cr.Rules...)
			}
		}
	}
	sortBy(first, Rule.Key)
	sortBy(last, Rule.Key)
	rules = append(rules, first...)
	rules = append(rules, c.Rules...)
	return append(rules, last...), true
}

// GroupAddresses returns the full desired address set of group name (the owner's addresses
// and all contributions), sorted. ok is false when no owner in the graph owns the group.
func (g *Graph) GroupAddresses(name string) (addrs []netip.Addr, ok bool) {
	a, _, ok := g.group(name)
	if !ok {
		return nil, false
	}
	addrs = slices.Clone(a.Addresses)
	for _, f := range g.fragments {
		for _, ga := range f.GroupAddrs {
			if ga.Group == name {
				addrs = append(addrs, ga.Addresses...)
			}
		}
	}
	slices.SortFunc(addrs, netip.Addr.Compare)
	return slices.Compact(addrs), true
}

// Check reports references that no fragment in the graph satisfies: devices of ports and
// routes, next-hop ports, link peers, filters and jump targets, groups named by rules,
// port-group members, DHCP subnets of DHCP hosts, bridges of table entries, containers of
// contributions; and router ports on the same segment (linked to the same device) that share an
// address. A complete, consistent graph has none.
func (g *Graph) Check() []error {
	var errs []error
	has := func(k string) bool { _, ok := g.claims[k]; return ok }
	need := func(o Owner, what, k string) {
		if !has(k) {
			errs = append(errs, fmt.Errorf("%s: %s: %s is missing", o, what, k))
		}
	}
	device := func(o Owner, what, name string) {
		if !has("router:"+name) && !has("bridge:"+name) {
			errs = append(errs, fmt.Errorf("%s: %s: device %s is missing", o, what, name))
		}
	}
	filter := func(o Owner, what, chain string) {
		if chain != "" {
			need(o, what, "chain:"+chain)
		}
	}
	rule := func(o Owner, what string, r Rule) {
		filter(o, what, r.JumpChain)
		for _, grp := range []string{r.IPAddrGroupSrc, r.IPAddrGroupDst} {
			if grp != "" {
				need(o, what, "ipaddrgroup:"+grp)
			}
		}
		for _, p := range append(slices.Clone(r.InPorts), r.OutPorts...) {
			need(o, what, "port:"+p.String())
		}
	}
	// Router ports linked to the same device share an L2 segment: their addresses must differ
	// (two VPC routers given the same rtid would both answer for 169.254.0.<rtid>).
	type segAddr struct {
		device string
		addr   netip.Addr
	}
	onSegment := map[segAddr]PortRef{}
	for _, o := range g.Owners() {
		f := g.fragments[o]
		for _, p := range f.Ports {
			if p.Kind != RouterPort || p.Peer == nil {
				continue
			}
			k := segAddr{p.Peer.Device, p.Address}
			if q, dup := onSegment[k]; dup {
				errs = append(errs, fmt.Errorf("%s: address %s on %s is also used by %s", o, p.Address, p.Peer.Device, q))
			}
			onSegment[k] = p.Ref
		}
	}
	for _, o := range g.Owners() {
		f := g.fragments[o]
		for _, x := range f.Routers {
			filter(o, x.Key(), x.InboundFilter)
			filter(o, x.Key(), x.OutboundFilter)
		}
		for _, x := range f.Bridges {
			filter(o, x.Key(), x.InboundFilter)
			filter(o, x.Key(), x.OutboundFilter)
		}
		for _, p := range f.Ports {
			if p.Kind == RouterPort {
				need(o, p.Key(), "router:"+p.Ref.Device)
			} else {
				need(o, p.Key(), "bridge:"+p.Ref.Device)
			}
			filter(o, p.Key(), p.InboundFilter)
			filter(o, p.Key(), p.OutboundFilter)
		}
		for _, r := range f.Routes {
			need(o, r.Key(), "router:"+r.Router)
			need(o, r.Key(), "port:"+r.NextHopPort.String())
		}
		for _, c := range f.Chains {
			for _, r := range c.Rules {
				rule(o, c.Key(), r)
			}
		}
		for _, cr := range f.ChainRules {
			need(o, "rules for "+cr.Chain, "chain:"+cr.Chain)
			for _, r := range cr.Rules {
				rule(o, "rules for "+cr.Chain, r)
			}
		}
		for _, ga := range f.GroupAddrs {
			need(o, "addresses for "+ga.Group, "ipaddrgroup:"+ga.Group)
		}
		for _, pg := range f.PortGroups {
			for _, m := range pg.Members {
				need(o, pg.Key(), "port:"+m.String())
			}
		}
		for _, d := range f.DHCPSubnets {
			need(o, d.Key(), "bridge:"+d.Bridge)
		}
		for _, h := range f.DHCPHosts {
			need(o, h.Key(), DHCPSubnet{Bridge: h.Bridge, Prefix: h.Subnet}.Key())
		}
		for _, e := range f.ARPEntries {
			need(o, e.Key(), "bridge:"+e.Bridge)
			if e.MACOfPort != nil {
				need(o, e.Key(), "port:"+e.MACOfPort.String())
			}
		}
		for _, e := range f.MACEntries {
			need(o, e.Key(), "bridge:"+e.Bridge)
			need(o, e.Key(), "port:"+e.Port.String())
		}
		for _, p := range f.BGPPeers {
			device(o, p.Key(), p.Router)
		}
		for _, n := range f.BGPNetworks {
			device(o, n.Key(), n.Router)
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errs
}

// Dump writes every fragment of the graph, in owner order.
func (g *Graph) Dump(w io.Writer) error {
	for i, o := range g.Owners() {
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		if err := g.fragments[o].Dump(w); err != nil {
			return err
		}
	}
	return nil
}
