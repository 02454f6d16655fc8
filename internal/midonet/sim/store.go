package sim

import (
	"cmp"
	"slices"
	"sync"

	"github.com/google/uuid"
)

// store is everything the emulated MidoNet holds. It is guarded by Server.mu; a request holds
// the lock for its whole duration, so every REST call is atomic as in MidoNet (one ZooKeeper
// transaction per call). Objects that only exist inside a parent (DHCP subnets and hosts,
// MAC/ARP entries, IP-group addresses, tunnel-zone members) live inside it, so deleting the parent
// deletes them. The exported fields are the snapshot format.
type store struct {
	Routers      map[string]*router      `json:"routers"`
	Bridges      map[string]*bridge      `json:"bridges"`
	Ports        map[string]*port        `json:"ports"`
	Routes       map[string]*route       `json:"routes"`
	Chains       map[string]*chain       `json:"chains"`
	Rules        map[string]*rule        `json:"rules"`
	IPAddrGroups map[string]*ipAddrGroup `json:"ipAddrGroups"`
	PortGroups   map[string]*portGroup   `json:"portGroups"`
	Hosts        map[string]*host        `json:"hosts"`
	TunnelZones  map[string]*tunnelZone  `json:"tunnelZones"`
	BGPPeers     map[string]*bgpPeer     `json:"bgpPeers"`
	BGPNetworks  map[string]*bgpNetwork  `json:"bgpNetworks"`

	// LastSeq orders objects by creation so that lists come back in a stable order.
	LastSeq int64 `json:"lastSeq"`
	// LastTunnelKey is the last port tunnel key handed out (spec §6 item 11: sequential).
	LastTunnelKey int64 `json:"lastTunnelKey"`

	// version counts mutations; a request that changed it counts as a write.
	version uint64
	// bound indexes bound ports by host and interface name, for the check that an interface
	// is bound once (a scan of every port made a cloud's bindings quadratic). Not part of the
	// snapshot: built on first use (bindings), kept by setBinding.
	bound map[bindKey]string
	// portsOf and routesOf index ports by device and routes by router, for the lists of a
	// device's children (a scan of every port or route for each made adopting a cloud
	// quadratic). Not part of the snapshot: built on first use. Every path that creates a
	// port or a route adds to them; deletions, cascades included, leave ids behind that the
	// next read drops.
	portsOf, routesOf childIndex
	// idxMu guards portsOf and routesOf: GETs run at once under the server's read lock, and a
	// list builds the index or drops what is gone from it.
	idxMu sync.Mutex
}

// childIndex maps a parent's id to the ids of its children in one collection. It may hold ids
// of children that are gone or moved (dropped when read), never miss one.
type childIndex map[string]map[string]struct{}

func (x childIndex) add(parent, id string) {
	if x == nil {
		return // not built yet: the first read builds it from the collection
	}
	set := x[parent]
	if set == nil {
		set = map[string]struct{}{}
		x[parent] = set
	}
	set[id] = struct{}{}
}

// childrenOf returns, in creation order, the objects of a collection whose parent is parent,
// through the index *x (built from the collection when nil).
func childrenOf[T sequenced](x *childIndex, objects map[string]T, parentOf func(T) string, parent string) []T {
	if *x == nil {
		*x = childIndex{}
		for id, o := range objects {
			x.add(parentOf(o), id)
		}
	}
	set := (*x)[parent]
	out := make([]T, 0, len(set))
	for id := range set {
		o, ok := objects[id]
		if !ok || parentOf(o) != parent {
			delete(set, id)
			continue
		}
		out = append(out, o)
	}
	if len(set) == 0 {
		delete(*x, parent)
	}
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(a.seq(), b.seq()) })
	return out
}

func portDevice(p *port) string   { return p.DeviceID }
func routeRouter(r *route) string { return r.RouterID }

func (st *store) devicePorts(device string) []*port {
	st.idxMu.Lock()
	defer st.idxMu.Unlock()
	return childrenOf(&st.portsOf, st.Ports, portDevice, device)
}

func (st *store) routerRoutes(router string) []*route {
	st.idxMu.Lock()
	defer st.idxMu.Unlock()
	return childrenOf(&st.routesOf, st.Routes, routeRouter, router)
}

// indexPort and indexRoute add a new port or route to the child lists.
func (st *store) indexPort(p *port) {
	st.idxMu.Lock()
	defer st.idxMu.Unlock()
	st.portsOf.add(p.DeviceID, p.ID)
}

func (st *store) indexRoute(r *route) {
	st.idxMu.Lock()
	defer st.idxMu.Unlock()
	st.routesOf.add(r.RouterID, r.ID)
}

// bindKey is a host's interface.
type bindKey struct{ host, iface string }

// bindings returns the index of bound ports, building it from the ports when it is not built.
func (st *store) bindings() map[bindKey]string {
	if st.bound == nil {
		st.bound = map[bindKey]string{}
		for id, p := range st.Ports {
			if p.HostID != nil && p.InterfaceName != nil {
				st.bound[bindKey{*p.HostID, *p.InterfaceName}] = id
			}
		}
	}
	return st.bound
}

// boundPort finds the port bound to a host's interface.
func (st *store) boundPort(host, iface string) (*port, bool) {
	id, ok := st.bindings()[bindKey{host, iface}]
	if !ok {
		return nil, false
	}
	p, ok := st.Ports[id]
	return p, ok && eqPtr(p.HostID, host) && eqPtr(p.InterfaceName, iface)
}

// rebind keeps the binding index when a port's PUT replaces old with p: MidoNet takes a
// binding from the body as it is (spec §6.1).
func (st *store) rebind(old, p *port) {
	host, iface := p.HostID, p.InterfaceName
	p.HostID, p.InterfaceName = old.HostID, old.InterfaceName
	st.setBinding(old, nil, nil)
	st.setBinding(p, host, iface)
}

// setBinding binds p to a host's interface (nil, nil: unbinds it), keeping the index.
func (st *store) setBinding(p *port, host, iface *string) {
	b := st.bindings()
	if p.HostID != nil && p.InterfaceName != nil {
		if k := (bindKey{*p.HostID, *p.InterfaceName}); b[k] == p.ID {
			delete(b, k)
		}
	}
	p.HostID, p.InterfaceName = host, iface
	if host != nil && iface != nil {
		b[bindKey{*host, *iface}] = p.ID
	}
}

func newStore() *store {
	return &store{
		Routers:      map[string]*router{},
		Bridges:      map[string]*bridge{},
		Ports:        map[string]*port{},
		Routes:       map[string]*route{},
		Chains:       map[string]*chain{},
		Rules:        map[string]*rule{},
		IPAddrGroups: map[string]*ipAddrGroup{},
		PortGroups:   map[string]*portGroup{},
		Hosts:        map[string]*host{},
		TunnelZones:  map[string]*tunnelZone{},
		BGPPeers:     map[string]*bgpPeer{},
		BGPNetworks:  map[string]*bgpNetwork{},
	}
}

// fillNil gives a store read from a snapshot empty maps where the file had none.
func (st *store) fillNil() {
	fresh := newStore()
	if st.Routers == nil {
		st.Routers = fresh.Routers
	}
	if st.Bridges == nil {
		st.Bridges = fresh.Bridges
	}
	if st.Ports == nil {
		st.Ports = fresh.Ports
	}
	if st.Routes == nil {
		st.Routes = fresh.Routes
	}
	if st.Chains == nil {
		st.Chains = fresh.Chains
	}
	if st.Rules == nil {
		st.Rules = fresh.Rules
	}
	if st.IPAddrGroups == nil {
		st.IPAddrGroups = fresh.IPAddrGroups
	}
	if st.PortGroups == nil {
		st.PortGroups = fresh.PortGroups
	}
	if st.Hosts == nil {
		st.Hosts = fresh.Hosts
	}
	if st.TunnelZones == nil {
		st.TunnelZones = fresh.TunnelZones
	}
	if st.BGPPeers == nil {
		st.BGPPeers = fresh.BGPPeers
	}
	if st.BGPNetworks == nil {
		st.BGPNetworks = fresh.BGPNetworks
	}
}

func (st *store) nextSeq() int64 {
	st.LastSeq++
	return st.LastSeq
}

func (st *store) touch() { st.version++ }

// sequenced is implemented by every top-level object.
type sequenced interface{ seq() int64 }

// ordered returns the values of m in creation order, keeping those keep accepts.
func ordered[T sequenced](m map[string]T, keep func(T) bool) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		if keep == nil || keep(v) {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(a.seq(), b.seq()) })
	return out
}

// newID returns the caller-supplied id or a random UUID (spec §1.5).
func newID(given *string) string {
	if given != nil {
		return *given
	}
	return uuid.NewString()
}

// nonNil makes an id list serialise as [] rather than null, as MidoNet's proto-backed lists do.
func nonNil(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}

func removeString(list []string, s string) []string {
	return slices.DeleteFunc(list, func(x string) bool { return x == s })
}

func ptr[T any](v T) *T { return &v }

func eqPtr(p *string, s string) bool { return p != nil && *p == s }
