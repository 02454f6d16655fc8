package index

import (
	"maps"
	"net/netip"
	"slices"

	"github.com/midovpc/midovpc/internal/midonet"
)

// mirror is one complete picture of MidoNet. Containers hold their children, so that a
// container can be carried over or replaced as a whole.
type mirror struct {
	routers    map[string]*routerState
	bridges    map[string]*bridgeState
	chains     map[string]*chainState
	groups     map[string]*groupState
	portGroups map[string]*portGroupState
	hosts      map[string]*hostState
	zones      map[string]*zoneState

	// Derived lookups, rebuilt by reindex and kept current by write-through.
	portDevice  map[string]string            // port id → router or bridge id
	ruleChain   map[string]string            // rule id → chain id
	routeRouter map[string]string            // route id → router id
	bgpRouter   map[string]string            // BGP peer or network id → router id
	names       map[Kind]map[string][]string // kind → name → ids, for the named kinds
}

type routerState struct {
	Router   midonet.Router
	Ports    map[string]midonet.Port
	Routes   map[string]midonet.Route
	Peers    map[string]midonet.BgpPeer
	Networks map[string]midonet.BgpNetwork
	// byDst indexes Routes by destination (route ids), built on first use and kept by the
	// write-throughs; nil: not built. The metadata router holds a route per interface and
	// eucart one per public IP: a sync looks up one destination, not every route.
	byDst map[netip.Prefix]map[string]bool
}

// routeDst is a route's destination: its address as written (not masked: lookups compare
// the address exactly) and length; the zero prefix when the address does not parse.
func routeDst(rt midonet.Route) netip.Prefix {
	a, err := netip.ParseAddr(rt.DstNetworkAddr)
	if err != nil {
		return netip.Prefix{}
	}
	return netip.PrefixFrom(a, rt.DstNetworkLength)
}

// putRoute records a route, in the destination index too when it is built.
func (r *routerState) putRoute(rt midonet.Route) {
	if old, ok := r.Routes[rt.ID]; ok {
		r.unindexRoute(old)
	}
	r.Routes[rt.ID] = rt
	if r.byDst != nil {
		d := routeDst(rt)
		if r.byDst[d] == nil {
			r.byDst[d] = map[string]bool{}
		}
		r.byDst[d][rt.ID] = true
	}
}

// deleteRoute forgets a route, in the destination index too.
func (r *routerState) deleteRoute(id string) {
	if old, ok := r.Routes[id]; ok {
		r.unindexRoute(old)
	}
	delete(r.Routes, id)
}

func (r *routerState) unindexRoute(rt midonet.Route) {
	if r.byDst == nil {
		return
	}
	d := routeDst(rt)
	delete(r.byDst[d], rt.ID)
	if len(r.byDst[d]) == 0 {
		delete(r.byDst, d)
	}
}

// indexRoutes builds the destination index.
func (r *routerState) indexRoutes() {
	r.byDst = map[netip.Prefix]map[string]bool{}
	for _, rt := range r.Routes {
		d := routeDst(rt)
		if r.byDst[d] == nil {
			r.byDst[d] = map[string]bool{}
		}
		r.byDst[d][rt.ID] = true
	}
}

type bridgeState struct {
	Bridge midonet.Bridge
	Ports  map[string]midonet.Port
	DHCP   map[string]*dhcpState // by cidr
	ARP    []midonet.IP4Mac
	MAC    []midonet.MacPort
}

type dhcpState struct {
	Subnet midonet.DHCPSubnet
	Hosts  []midonet.DHCPHost
}

type chainState struct {
	Chain midonet.Chain
	Rules []packedRule // in position order; unpack with the chain's id
}

type groupState struct {
	Group midonet.IPAddrGroup
	Addrs []string
}

type portGroupState struct {
	PortGroup midonet.PortGroup
	Members   []string
}

type hostState struct {
	Host       midonet.Host
	Interfaces []midonet.HostInterface
	Bindings   []midonet.HostInterfacePort
}

type zoneState struct {
	Zone    midonet.TunnelZone
	Members []midonet.TunnelZoneHost
}

func newMirror() *mirror {
	return &mirror{
		routers:     map[string]*routerState{},
		bridges:     map[string]*bridgeState{},
		chains:      map[string]*chainState{},
		groups:      map[string]*groupState{},
		portGroups:  map[string]*portGroupState{},
		hosts:       map[string]*hostState{},
		zones:       map[string]*zoneState{},
		portDevice:  map[string]string{},
		ruleChain:   map[string]string{},
		routeRouter: map[string]string{},
		bgpRouter:   map[string]string{},
		names:       map[Kind]map[string][]string{},
	}
}

func newRouterState(r midonet.Router) *routerState {
	return &routerState{Router: r, Ports: map[string]midonet.Port{}, Routes: map[string]midonet.Route{},
		Peers: map[string]midonet.BgpPeer{}, Networks: map[string]midonet.BgpNetwork{}}
}

func newBridgeState(b midonet.Bridge) *bridgeState {
	return &bridgeState{Bridge: b, Ports: map[string]midonet.Port{}, DHCP: map[string]*dhcpState{}}
}

// reindex rebuilds the derived lookups from the containers.
func (m *mirror) reindex() {
	m.portDevice = map[string]string{}
	m.ruleChain = map[string]string{}
	m.routeRouter = map[string]string{}
	m.bgpRouter = map[string]string{}
	m.names = map[Kind]map[string][]string{}
	for id, r := range m.routers {
		m.indexRouter(id, r)
		m.addName(KindRouter, r.Router.Name, id)
	}
	for id, b := range m.bridges {
		m.addName(KindBridge, b.Bridge.Name, id)
		for pid := range b.Ports {
			m.portDevice[pid] = id
		}
	}
	for id, c := range m.chains {
		m.addName(KindChain, c.Chain.Name, id)
		for _, r := range c.Rules {
			m.ruleChain[r.id] = id
		}
	}
	for id, g := range m.groups {
		m.addName(KindAddrGroup, g.Group.Name, id)
	}
	for id, g := range m.portGroups {
		m.addName(KindPortGroup, g.PortGroup.Name, id)
	}
}

// addName and removeName keep the name index of a named kind.
func (m *mirror) addName(kind Kind, name, id string) {
	if m.names[kind] == nil {
		m.names[kind] = map[string][]string{}
	}
	m.names[kind][name] = with(m.names[kind][name], id)
}

func (m *mirror) removeName(kind Kind, name, id string) {
	ids := without(m.names[kind][name], id)
	if len(ids) == 0 {
		delete(m.names[kind], name)
	} else {
		m.names[kind][name] = ids
	}
}

// named is the container of an object of a named kind.
type named interface{ name() string }

func (r *routerState) name() string    { return r.Router.Name }
func (b *bridgeState) name() string    { return b.Bridge.Name }
func (c *chainState) name() string     { return c.Chain.Name }
func (g *groupState) name() string     { return g.Group.Name }
func (g *portGroupState) name() string { return g.PortGroup.Name }

func (m *mirror) indexRouter(id string, r *routerState) {
	for pid := range r.Ports {
		m.portDevice[pid] = id
	}
	for rid := range r.Routes {
		m.routeRouter[rid] = id
	}
	for bid := range r.Peers {
		m.bgpRouter[bid] = id
	}
	for bid := range r.Networks {
		m.bgpRouter[bid] = id
	}
}

// clone copies a container deeply enough that the copy and the original can be changed apart
// (the objects inside are values; their slices are never modified in place).
func (r *routerState) clone() *routerState {
	c := *r
	c.Ports, c.Routes, c.byDst = maps.Clone(r.Ports), maps.Clone(r.Routes), nil
	c.Peers, c.Networks = maps.Clone(r.Peers), maps.Clone(r.Networks)
	return &c
}

func (b *bridgeState) clone() *bridgeState {
	c := *b
	c.Ports = maps.Clone(b.Ports)
	c.DHCP = make(map[string]*dhcpState, len(b.DHCP))
	for k, d := range b.DHCP {
		c.DHCP[k] = &dhcpState{Subnet: d.Subnet, Hosts: slices.Clone(d.Hosts)}
	}
	c.ARP, c.MAC = slices.Clone(b.ARP), slices.Clone(b.MAC)
	return &c
}

func (c *chainState) clone() *chainState {
	return &chainState{Chain: c.Chain, Rules: slices.Clone(c.Rules)}
}

func (g *groupState) clone() *groupState {
	return &groupState{Group: g.Group, Addrs: slices.Clone(g.Addrs)}
}

func (g *portGroupState) clone() *portGroupState {
	return &portGroupState{PortGroup: g.PortGroup, Members: slices.Clone(g.Members)}
}

func (h *hostState) clone() *hostState {
	return &hostState{Host: h.Host, Interfaces: slices.Clone(h.Interfaces), Bindings: slices.Clone(h.Bindings)}
}

// carry replaces, in m, the container named by key with the one in from (or removes it when
// from has none): used by Resync for containers written through while it was reading.
func (m *mirror) carry(from *mirror, key string) {
	kind, id := splitContainerKey(key)
	switch kind {
	case KindRouter:
		carryOne(m.routers, from.routers, id, (*routerState).clone)
	case KindBridge:
		carryOne(m.bridges, from.bridges, id, (*bridgeState).clone)
	case KindChain:
		carryOne(m.chains, from.chains, id, (*chainState).clone)
	case KindAddrGroup:
		carryOne(m.groups, from.groups, id, (*groupState).clone)
	case KindPortGroup:
		carryOne(m.portGroups, from.portGroups, id, (*portGroupState).clone)
	case KindHost:
		carryOne(m.hosts, from.hosts, id, (*hostState).clone)
	}
}

func carryOne[T any](to, from map[string]*T, id string, clone func(*T) *T) {
	if v, ok := from[id]; ok {
		to[id] = clone(v)
	} else {
		delete(to, id)
	}
}

// with and without return list with v added (unless present) or removed. The list is
// copied, never changed in place: readers may still hold it.
func with(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(slices.Clone(list), v)
}

func without(list []string, v string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(x string) bool { return x == v })
}

func splitContainerKey(key string) (Kind, string) {
	for i := 0; i < len(key); i++ {
		if key[i] == '/' {
			return Kind(key[:i]), key[i+1:]
		}
	}
	return "", key
}
