package index

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sync"

	"github.com/midovpc/midovpc/internal/midonet"
)

// loadParallelism bounds the containers read at once by one load (each reads its children one
// list after another). The client's adaptive in-flight limit decides how many requests really
// go out at once; this only avoids parking thousands of goroutines on it.
const loadParallelism = 64

// fanout runs tasks with bounded parallelism and remembers the first error.
type fanout struct {
	ctx context.Context
	sem chan struct{}
	wg  sync.WaitGroup
	mu  sync.Mutex
	err error
}

func newFanout(ctx context.Context) *fanout {
	return &fanout{ctx: ctx, sem: make(chan struct{}, loadParallelism)}
}

func (f *fanout) spawn(task func() error) {
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		select {
		case f.sem <- struct{}{}:
		case <-f.ctx.Done():
			f.fail(f.ctx.Err())
			return
		}
		defer func() { <-f.sem }()
		if f.failed() {
			return
		}
		if err := task(); err != nil {
			f.fail(err)
		}
	}()
}

func (f *fanout) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err == nil {
		f.err = err
	}
}

func (f *fanout) failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err != nil
}

func (f *fanout) wait() error {
	f.wg.Wait()
	return f.err
}

// listChild lists a container's children. A 404 means the container vanished while the mirror
// was being read: its children are then empty, and the next resync will see it gone.
func listChild[T any](list func() ([]T, error)) ([]T, error) {
	items, err := list()
	if err != nil && midonet.IsNotFound(err) {
		return nil, nil
	}
	return items, err
}

// read builds a complete mirror from MidoNet.
func (x *Index) read(ctx context.Context) (*mirror, error) {
	c := x.client
	m := newMirror()
	// The top-level collections are listed at once, then every container's children.
	var routers []midonet.Router
	var bridges []midonet.Bridge
	var chains []midonet.Chain
	var groups []midonet.IPAddrGroup
	var portGroups []midonet.PortGroup
	var hosts []midonet.Host
	var zones []midonet.TunnelZone
	top := newFanout(ctx)
	listTop(top, &routers, "routers", func() ([]midonet.Router, error) { return c.ListRouters(ctx, x.tenant) })
	listTop(top, &bridges, "bridges", func() ([]midonet.Bridge, error) { return c.ListBridges(ctx, x.tenant) })
	listTop(top, &chains, "chains", func() ([]midonet.Chain, error) { return c.ListChains(ctx, x.tenant) })
	listTop(top, &groups, "IP address groups", func() ([]midonet.IPAddrGroup, error) { return c.ListIPAddrGroups(ctx) })
	listTop(top, &portGroups, "port groups", func() ([]midonet.PortGroup, error) { return c.ListPortGroups(ctx, x.tenant) })
	listTop(top, &hosts, "hosts", func() ([]midonet.Host, error) { return c.ListHosts(ctx) })
	listTop(top, &zones, "tunnel zones", func() ([]midonet.TunnelZone, error) { return c.ListTunnelZones(ctx) })
	if err := top.wait(); err != nil {
		return nil, err
	}

	f := newFanout(ctx)
	for _, r := range routers {
		if r.TenantID != x.tenant {
			continue // a server that ignores tenant_id must not widen what we may touch
		}
		st := newRouterState(r)
		m.routers[r.ID] = st
		f.spawn(func() error { return readRouter(ctx, c, st) })
	}
	for _, b := range bridges {
		if b.TenantID != x.tenant {
			continue
		}
		st := newBridgeState(b)
		m.bridges[b.ID] = st
		f.spawn(func() error { return readBridge(ctx, c, st) })
	}
	for _, ch := range chains {
		if ch.TenantID != x.tenant {
			continue
		}
		st := &chainState{Chain: ch}
		m.chains[ch.ID] = st
		f.spawn(func() error { return readChain(ctx, c, st) })
	}
	for _, g := range groups {
		st := &groupState{Group: g}
		m.groups[g.ID] = st
		f.spawn(func() error { return readGroup(ctx, c, st) })
	}
	for _, g := range portGroups {
		if g.TenantID != x.tenant {
			continue
		}
		st := &portGroupState{PortGroup: g}
		m.portGroups[g.ID] = st
		f.spawn(func() error { return readPortGroup(ctx, c, st) })
	}
	for _, h := range hosts {
		st := &hostState{Host: h}
		m.hosts[h.ID] = st
		f.spawn(func() error { return readHost(ctx, c, st) })
	}
	for _, z := range zones {
		st := &zoneState{Zone: z}
		m.zones[z.ID] = st
		f.spawn(func() error {
			members, err := listChild(func() ([]midonet.TunnelZoneHost, error) { return c.ListTunnelZoneHosts(ctx, z.ID) })
			if err != nil {
				return fmt.Errorf("list members of tunnel zone %s: %w", z.Name, err)
			}
			st.Members = members
			return nil
		})
	}
	if err := f.wait(); err != nil {
		return nil, err
	}
	m.reindex()
	return m, nil
}

// listTop lists one top-level collection into out, as a task of f.
func listTop[T any](f *fanout, out *[]T, what string, list func() ([]T, error)) {
	f.spawn(func() error {
		items, err := list()
		if err != nil {
			return fmt.Errorf("list %s: %w", what, err)
		}
		*out = items
		return nil
	})
}

func readRouter(ctx context.Context, c *midonet.Client, st *routerState) error {
	id, name := st.Router.ID, st.Router.Name
	ports, err := listChild(func() ([]midonet.Port, error) { return c.ListRouterPorts(ctx, id) })
	if err != nil {
		return fmt.Errorf("list ports of router %s: %w", name, err)
	}
	routes, err := listChild(func() ([]midonet.Route, error) { return c.ListRoutes(ctx, id) })
	if err != nil {
		return fmt.Errorf("list routes of router %s: %w", name, err)
	}
	peers, err := listChild(func() ([]midonet.BgpPeer, error) { return c.ListBgpPeers(ctx, id) })
	if err != nil {
		return fmt.Errorf("list BGP peers of router %s: %w", name, err)
	}
	networks, err := listChild(func() ([]midonet.BgpNetwork, error) { return c.ListBgpNetworks(ctx, id) })
	if err != nil {
		return fmt.Errorf("list BGP networks of router %s: %w", name, err)
	}
	for _, p := range ports {
		st.Ports[p.ID] = p
	}
	for _, r := range routes {
		st.Routes[r.ID] = r
	}
	for _, p := range peers {
		st.Peers[p.ID] = p
	}
	for _, n := range networks {
		st.Networks[n.ID] = n
	}
	return nil
}

func readBridge(ctx context.Context, c *midonet.Client, st *bridgeState) error {
	id, name := st.Bridge.ID, st.Bridge.Name
	ports, err := listChild(func() ([]midonet.Port, error) { return c.ListBridgePorts(ctx, id) })
	if err != nil {
		return fmt.Errorf("list ports of bridge %s: %w", name, err)
	}
	subnets, err := listChild(func() ([]midonet.DHCPSubnet, error) { return c.ListDHCPSubnets(ctx, id) })
	if err != nil {
		return fmt.Errorf("list DHCP subnets of bridge %s: %w", name, err)
	}
	arp, err := listChild(func() ([]midonet.IP4Mac, error) { return c.ListARPEntries(ctx, id) })
	if err != nil {
		return fmt.Errorf("list ARP table of bridge %s: %w", name, err)
	}
	mac, err := listChild(func() ([]midonet.MacPort, error) { return c.ListMACEntries(ctx, id) })
	if err != nil {
		return fmt.Errorf("list MAC table of bridge %s: %w", name, err)
	}
	for _, p := range ports {
		st.Ports[p.ID] = p
	}
	for _, s := range subnets {
		hosts, err := listChild(func() ([]midonet.DHCPHost, error) { return c.ListDHCPHosts(ctx, id, s.CIDR()) })
		if err != nil {
			return fmt.Errorf("list DHCP hosts of %s on bridge %s: %w", s.CIDR(), name, err)
		}
		st.DHCP[s.CIDR()] = &dhcpState{Subnet: s, Hosts: slices.Clone(hosts)}
	}
	// Copies of exactly their length: a decoded list has up to twice the room it needs.
	st.ARP, st.MAC = slices.Clone(arp), slices.Clone(mac)
	return nil
}

func readChain(ctx context.Context, c *midonet.Client, st *chainState) error {
	rules, err := listChild(func() ([]midonet.Rule, error) { return c.ListRules(ctx, st.Chain.ID) })
	if err != nil {
		return fmt.Errorf("list rules of chain %s: %w", st.Chain.Name, err)
	}
	st.Rules = packRules(st.Chain.ID, rules)
	return nil
}

func readGroup(ctx context.Context, c *midonet.Client, st *groupState) error {
	addrs, err := listChild(func() ([]midonet.IPAddrGroupAddr, error) { return c.ListIPAddrGroupAddrs(ctx, st.Group.ID) })
	if err != nil {
		return fmt.Errorf("list addresses of IP address group %s: %w", st.Group.Name, err)
	}
	st.Addrs = nil
	for _, a := range addrs {
		st.Addrs = append(st.Addrs, canonicalAddr(a.Addr))
	}
	return nil
}

// canonicalAddr spells a group address the way netip prints it (IPv6 compressed), whatever
// form MidoNet listed it in (it prints IPv6 uncompressed, spec §6.1), so that the engine,
// the synthetic ids and drift detection compare addresses, not spellings.
func canonicalAddr(s string) string {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String()
	}
	return s
}

func readPortGroup(ctx context.Context, c *midonet.Client, st *portGroupState) error {
	members, err := listChild(func() ([]midonet.PortGroupPort, error) { return c.ListPortGroupPorts(ctx, st.PortGroup.ID) })
	if err != nil {
		return fmt.Errorf("list members of port group %s: %w", st.PortGroup.Name, err)
	}
	st.Members = nil
	for _, m := range members {
		st.Members = append(st.Members, m.PortID)
	}
	return nil
}

func readHost(ctx context.Context, c *midonet.Client, st *hostState) error {
	ifaces, err := listChild(func() ([]midonet.HostInterface, error) { return c.ListHostInterfaces(ctx, st.Host.ID) })
	if err != nil {
		return fmt.Errorf("list interfaces of host %s: %w", st.Host.Name, err)
	}
	bindings, err := listChild(func() ([]midonet.HostInterfacePort, error) { return c.ListHostPorts(ctx, st.Host.ID) })
	if err != nil {
		return fmt.Errorf("list port bindings of host %s: %w", st.Host.Name, err)
	}
	st.Interfaces, st.Bindings = ifaces, bindings
	return nil
}
