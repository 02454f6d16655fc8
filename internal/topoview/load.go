package topoview

import (
	"context"
	"fmt"
	"sync"

	"github.com/midovpc/midovpc/internal/midonet"
)

// Reader is the part of the MidoNet client that Load reads through; *midonet.Client is one.
type Reader interface {
	Discover(ctx context.Context) (*midonet.Application, error)
	ListRouters(ctx context.Context, tenant string) ([]midonet.Router, error)
	ListBridges(ctx context.Context, tenant string) ([]midonet.Bridge, error)
	ListChains(ctx context.Context, tenant string) ([]midonet.Chain, error)
	ListPortGroups(ctx context.Context, tenant string) ([]midonet.PortGroup, error)
	ListPorts(ctx context.Context) ([]midonet.Port, error)
	ListIPAddrGroups(ctx context.Context) ([]midonet.IPAddrGroup, error)
	ListHosts(ctx context.Context) ([]midonet.Host, error)
	ListTunnelZones(ctx context.Context) ([]midonet.TunnelZone, error)

	ListRoutes(ctx context.Context, routerID string) ([]midonet.Route, error)
	ListBgpPeers(ctx context.Context, routerID string) ([]midonet.BgpPeer, error)
	ListBgpNetworks(ctx context.Context, routerID string) ([]midonet.BgpNetwork, error)
	ListDHCPSubnets(ctx context.Context, bridgeID string) ([]midonet.DHCPSubnet, error)
	ListDHCPHosts(ctx context.Context, bridgeID, cidr string) ([]midonet.DHCPHost, error)
	ListARPEntries(ctx context.Context, bridgeID string) ([]midonet.IP4Mac, error)
	ListMACEntries(ctx context.Context, bridgeID string) ([]midonet.MacPort, error)
	ListRules(ctx context.Context, chainID string) ([]midonet.Rule, error)
	ListIPAddrGroupAddrs(ctx context.Context, groupID string) ([]midonet.IPAddrGroupAddr, error)
	ListPortGroupPorts(ctx context.Context, groupID string) ([]midonet.PortGroupPort, error)
	ListTunnelZoneHosts(ctx context.Context, zoneID string) ([]midonet.TunnelZoneHost, error)
}

var _ Reader = (*midonet.Client)(nil)

// fetchParallelism bounds the per-object list calls in flight; it matches the client's default
// cap, so that Load neither waits on one call at a time nor queues behind the client.
const fetchParallelism = midonet.DefaultMaxInFlight

// Load reads the topology of tenant from MidoNet and resolves its references. Devices, chains
// and port groups of every tenant are read so that references across tenants still resolve
// to names; only the tenant's own are shown. Any failed read fails the whole load: a partial
// topology would show objects as missing that are not.
func Load(ctx context.Context, mn Reader, tenant string) (*Topology, error) {
	snap, err := readSnapshot(ctx, mn, tenant)
	if err != nil {
		return nil, err
	}
	return assemble(snap), nil
}

// snapshot is everything Load read, keyed by the id of the object the lists belong to.
type snapshot struct {
	tenant, version string

	routers     []midonet.Router // every tenant's
	bridges     []midonet.Bridge
	chains      []midonet.Chain
	portGroups  []midonet.PortGroup
	ports       []midonet.Port
	addrGroups  []midonet.IPAddrGroup
	hosts       []midonet.Host
	tunnelZones []midonet.TunnelZone

	routes          map[string][]midonet.Route // by router
	bgpPeers        map[string][]midonet.BgpPeer
	bgpNetworks     map[string][]midonet.BgpNetwork
	dhcpSubnets     map[string][]dhcpSubnet // by bridge
	arpEntries      map[string][]midonet.IP4Mac
	macEntries      map[string][]midonet.MacPort
	rules           map[string][]midonet.Rule // by chain
	groupAddrs      map[string][]midonet.IPAddrGroupAddr
	portGroupPorts  map[string][]midonet.PortGroupPort
	tunnelZoneHosts map[string][]midonet.TunnelZoneHost
}

type dhcpSubnet struct {
	subnet midonet.DHCPSubnet
	hosts  []midonet.DHCPHost
}

func readSnapshot(ctx context.Context, mn Reader, tenant string) (*snapshot, error) {
	app, err := mn.Discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the MidoNet API root: %w", err)
	}
	s := &snapshot{tenant: tenant, version: app.Version}
	if err := s.readCollections(ctx, mn); err != nil {
		return nil, err
	}
	if err := s.readDeviceDetails(ctx, mn); err != nil {
		return nil, err
	}
	if err := s.readMembers(ctx, mn); err != nil {
		return nil, err
	}
	return s, nil
}

// readCollections reads the top-level lists, one request each.
func (s *snapshot) readCollections(ctx context.Context, mn Reader) error {
	var err error
	if s.routers, err = mn.ListRouters(ctx, ""); err != nil {
		return fmt.Errorf("list routers: %w", err)
	}
	if s.bridges, err = mn.ListBridges(ctx, ""); err != nil {
		return fmt.Errorf("list bridges: %w", err)
	}
	if s.chains, err = mn.ListChains(ctx, ""); err != nil {
		return fmt.Errorf("list chains: %w", err)
	}
	if s.portGroups, err = mn.ListPortGroups(ctx, ""); err != nil {
		return fmt.Errorf("list port groups: %w", err)
	}
	// One list of every port instead of one per device: the peers and in/out ports of rules
	// may be anywhere, and it saves a request per device.
	if s.ports, err = mn.ListPorts(ctx); err != nil {
		return fmt.Errorf("list ports: %w", err)
	}
	if s.addrGroups, err = mn.ListIPAddrGroups(ctx); err != nil {
		return fmt.Errorf("list ip address groups: %w", err)
	}
	if s.hosts, err = mn.ListHosts(ctx); err != nil {
		return fmt.Errorf("list hosts: %w", err)
	}
	if s.tunnelZones, err = mn.ListTunnelZones(ctx); err != nil {
		return fmt.Errorf("list tunnel zones: %w", err)
	}
	return nil
}

// readDeviceDetails reads what hangs off the tenant's routers, bridges and chains.
func (s *snapshot) readDeviceDetails(ctx context.Context, mn Reader) error {
	routers := targetsOf(s.routers, func(r midonet.Router) (target, bool) { return target{r.ID, r.Name}, r.TenantID == s.tenant })
	bridges := targetsOf(s.bridges, func(b midonet.Bridge) (target, bool) { return target{b.ID, b.Name}, b.TenantID == s.tenant })
	chains := targetsOf(s.chains, func(c midonet.Chain) (target, bool) { return target{c.ID, c.Name}, c.TenantID == s.tenant })

	var err error
	if s.routes, err = fetchEach(ctx, routers, "routes of router", mn.ListRoutes); err != nil {
		return err
	}
	// MidoNet 1.x configured BGP per port, under other URIs; only MidoNet 5 has it per router.
	if s.version != midonet.VersionMN1 {
		if s.bgpPeers, err = fetchEach(ctx, routers, "BGP peers of router", mn.ListBgpPeers); err != nil {
			return err
		}
		if s.bgpNetworks, err = fetchEach(ctx, routers, "BGP networks of router", mn.ListBgpNetworks); err != nil {
			return err
		}
	}
	if s.dhcpSubnets, err = fetchEach(ctx, bridges, "DHCP subnets of bridge", func(ctx context.Context, bridgeID string) ([]dhcpSubnet, error) {
		return readDHCP(ctx, mn, bridgeID)
	}); err != nil {
		return err
	}
	if s.arpEntries, err = fetchEach(ctx, bridges, "ARP table of bridge", mn.ListARPEntries); err != nil {
		return err
	}
	if s.macEntries, err = fetchEach(ctx, bridges, "MAC table of bridge", mn.ListMACEntries); err != nil {
		return err
	}
	if s.rules, err = fetchEach(ctx, chains, "rules of chain", mn.ListRules); err != nil {
		return err
	}
	return nil
}

func readDHCP(ctx context.Context, mn Reader, bridgeID string) ([]dhcpSubnet, error) {
	subnets, err := mn.ListDHCPSubnets(ctx, bridgeID)
	if err != nil {
		return nil, err
	}
	out := make([]dhcpSubnet, len(subnets))
	for i, sn := range subnets {
		hosts, err := mn.ListDHCPHosts(ctx, bridgeID, sn.CIDR())
		if err != nil {
			return nil, fmt.Errorf("hosts of DHCP subnet %s: %w", sn.CIDR(), err)
		}
		out[i] = dhcpSubnet{subnet: sn, hosts: hosts}
	}
	return out, nil
}

// readMembers reads the members of the shown groups and of every tunnel zone.
func (s *snapshot) readMembers(ctx context.Context, mn Reader) error {
	groups := targetsOf(s.addrGroups, func(g midonet.IPAddrGroup) (target, bool) { return target{g.ID, g.Name}, shownAddrGroup(g.Name) })
	portGroups := targetsOf(s.portGroups, func(g midonet.PortGroup) (target, bool) { return target{g.ID, g.Name}, g.TenantID == s.tenant })
	zones := targetsOf(s.tunnelZones, func(z midonet.TunnelZone) (target, bool) { return target{z.ID, z.Name}, true })

	var err error
	if s.groupAddrs, err = fetchEach(ctx, groups, "addresses of ip address group", mn.ListIPAddrGroupAddrs); err != nil {
		return err
	}
	if s.portGroupPorts, err = fetchEach(ctx, portGroups, "members of port group", mn.ListPortGroupPorts); err != nil {
		return err
	}
	if s.tunnelZoneHosts, err = fetchEach(ctx, zones, "members of tunnel zone", mn.ListTunnelZoneHosts); err != nil {
		return err
	}
	return nil
}

// target is an object whose sub-resources are read: its id for the request, its name for
// the error message.
type target struct{ id, name string }

func targetsOf[T any](objs []T, pick func(T) (target, bool)) []target {
	var out []target
	for _, o := range objs {
		if t, ok := pick(o); ok {
			out = append(out, t)
		}
	}
	return out
}

// fetchEach calls list for every target, at most fetchParallelism at a time, and returns the
// results by id. The first failure (in target order, so that the error is reproducible)
// cancels the rest.
func fetchEach[T any](ctx context.Context, targets []target, what string, list func(context.Context, string) ([]T, error)) (map[string][]T, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([][]T, len(targets))
	errs := make([]error, len(targets))
	slots := make(chan struct{}, fetchParallelism)
	var wg sync.WaitGroup
	for i, tg := range targets {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			if ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			results[i], errs[i] = list(ctx, tg.id)
			if errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	out := make(map[string][]T, len(targets))
	var firstErr error
	for i, tg := range targets {
		if errs[i] != nil {
			// A call cancelled because another failed is not the error worth reporting.
			if firstErr == nil || (isCanceled(firstErr) && !isCanceled(errs[i])) {
				firstErr = fmt.Errorf("list %s %s (%s): %w", what, tg.name, tg.id, errs[i])
			}
			continue
		}
		out[tg.id] = results[i]
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}
