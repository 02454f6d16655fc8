package sim

import (
	"cmp"
	"slices"

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
