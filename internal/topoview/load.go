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
	snap, err := ReadSnapshot(ctx, mn, tenant)
	if err != nil {
		return nil, err
	}
	return assemble(snap), nil
}

// Snapshot is everything Load reads from MidoNet, as MidoNet returned it, keyed by the id of
// the object the lists belong to. Its JSON form is the file `kubectl midovpc snapshot` writes:
// every command that reads MidoNet can work from it instead, away from the cloud.
type Snapshot struct {
	// Format versions the file; ReadSnapshotFile refuses another.
	Format  int    `json:"format"`
	Tenant  string `json:"tenant"`
	Version string `json:"apiVersion"`

	Routers     []midonet.Router      `json:"routers"` // every tenant's
	Bridges     []midonet.Bridge      `json:"bridges"`
	Chains      []midonet.Chain       `json:"chains"`
	PortGroups  []midonet.PortGroup   `json:"portGroups"`
	Ports       []midonet.Port        `json:"ports"`
	AddrGroups  []midonet.IPAddrGroup `json:"ipAddrGroups"`
	Hosts       []midonet.Host        `json:"hosts"`
	TunnelZones []midonet.TunnelZone  `json:"tunnelZones"`

	// Sub-resources of the tenant's devices, chains and groups, by parent id.
	Routes          map[string][]midonet.Route           `json:"routes"` // by router
	BgpPeers        map[string][]midonet.BgpPeer         `json:"bgpPeers,omitempty"`
	BgpNetworks     map[string][]midonet.BgpNetwork      `json:"bgpNetworks,omitempty"`
	DHCPSubnets     map[string][]DHCPSubnetDump          `json:"dhcpSubnets"` // by bridge
	ARPEntries      map[string][]midonet.IP4Mac          `json:"arpEntries"`
	MACEntries      map[string][]midonet.MacPort         `json:"macEntries"`
	Rules           map[string][]midonet.Rule            `json:"rules"` // by chain
	GroupAddrs      map[string][]midonet.IPAddrGroupAddr `json:"ipAddrGroupAddrs"`
	PortGroupPorts  map[string][]midonet.PortGroupPort   `json:"portGroupPorts"`
	TunnelZoneHosts map[string][]midonet.TunnelZoneHost  `json:"tunnelZoneHosts"`
}

// DHCPSubnetDump is a bridge's DHCP subnet with its hosts.
type DHCPSubnetDump struct {
	Subnet midonet.DHCPSubnet `json:"subnet"`
	Hosts  []midonet.DHCPHost `json:"hosts"`
}

// ReadSnapshot reads what Load reads, without assembling it.
func ReadSnapshot(ctx context.Context, mn Reader, tenant string) (*Snapshot, error) {
	app, err := mn.Discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the MidoNet API root: %w", err)
	}
	s := &Snapshot{Format: SnapshotFormat, Tenant: tenant, Version: app.Version}
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
func (s *Snapshot) readCollections(ctx context.Context, mn Reader) error {
	var err error
	if s.Routers, err = mn.ListRouters(ctx, ""); err != nil {
		return fmt.Errorf("list routers: %w", err)
	}
	if s.Bridges, err = mn.ListBridges(ctx, ""); err != nil {
		return fmt.Errorf("list bridges: %w", err)
	}
	if s.Chains, err = mn.ListChains(ctx, ""); err != nil {
		return fmt.Errorf("list chains: %w", err)
	}
	if s.PortGroups, err = mn.ListPortGroups(ctx, ""); err != nil {
		return fmt.Errorf("list port groups: %w", err)
	}
	// One list of every port instead of one per device: the peers and in/out ports of rules
	// may be anywhere, and it saves a request per device.
	if s.Ports, err = mn.ListPorts(ctx); err != nil {
		return fmt.Errorf("list ports: %w", err)
	}
	if s.AddrGroups, err = mn.ListIPAddrGroups(ctx); err != nil {
		return fmt.Errorf("list ip address groups: %w", err)
	}
	if s.Hosts, err = mn.ListHosts(ctx); err != nil {
		return fmt.Errorf("list hosts: %w", err)
	}
	if s.TunnelZones, err = mn.ListTunnelZones(ctx); err != nil {
		return fmt.Errorf("list tunnel zones: %w", err)
	}
	return nil
}

// readDeviceDetails reads what hangs off the tenant's routers, bridges and chains.
func (s *Snapshot) readDeviceDetails(ctx context.Context, mn Reader) error {
	routers := targetsOf(s.Routers, func(r midonet.Router) (target, bool) { return target{r.ID, r.Name}, r.TenantID == s.Tenant })
	bridges := targetsOf(s.Bridges, func(b midonet.Bridge) (target, bool) { return target{b.ID, b.Name}, b.TenantID == s.Tenant })
	chains := targetsOf(s.Chains, func(c midonet.Chain) (target, bool) { return target{c.ID, c.Name}, c.TenantID == s.Tenant })

	var err error
	if s.Routes, err = fetchEach(ctx, routers, "routes of router", mn.ListRoutes); err != nil {
		return err
	}
	// MidoNet 1.x configured BGP per port, under other URIs; only MidoNet 5 has it per router.
	if s.Version != midonet.VersionMN1 {
		if s.BgpPeers, err = fetchEach(ctx, routers, "BGP peers of router", mn.ListBgpPeers); err != nil {
			return err
		}
		if s.BgpNetworks, err = fetchEach(ctx, routers, "BGP networks of router", mn.ListBgpNetworks); err != nil {
			return err
		}
	}
	if s.DHCPSubnets, err = fetchEach(ctx, bridges, "DHCP subnets of bridge", func(ctx context.Context, bridgeID string) ([]DHCPSubnetDump, error) {
		return readDHCP(ctx, mn, bridgeID)
	}); err != nil {
		return err
	}
	if s.ARPEntries, err = fetchEach(ctx, bridges, "ARP table of bridge", mn.ListARPEntries); err != nil {
		return err
	}
	if s.MACEntries, err = fetchEach(ctx, bridges, "MAC table of bridge", mn.ListMACEntries); err != nil {
		return err
	}
	if s.Rules, err = fetchEach(ctx, chains, "rules of chain", mn.ListRules); err != nil {
		return err
	}
	return nil
}

func readDHCP(ctx context.Context, mn Reader, bridgeID string) ([]DHCPSubnetDump, error) {
	subnets, err := mn.ListDHCPSubnets(ctx, bridgeID)
	if err != nil {
		return nil, err
	}
	out := make([]DHCPSubnetDump, len(subnets))
	for i, sn := range subnets {
		hosts, err := mn.ListDHCPHosts(ctx, bridgeID, sn.CIDR())
		if err != nil {
			return nil, fmt.Errorf("hosts of DHCP subnet %s: %w", sn.CIDR(), err)
		}
		out[i] = DHCPSubnetDump{Subnet: sn, Hosts: hosts}
	}
	return out, nil
}

// readMembers reads the members of the shown groups and of every tunnel zone.
func (s *Snapshot) readMembers(ctx context.Context, mn Reader) error {
	groups := targetsOf(s.AddrGroups, func(g midonet.IPAddrGroup) (target, bool) { return target{g.ID, g.Name}, shownAddrGroup(g.Name) })
	portGroups := targetsOf(s.PortGroups, func(g midonet.PortGroup) (target, bool) { return target{g.ID, g.Name}, g.TenantID == s.Tenant })
	zones := targetsOf(s.TunnelZones, func(z midonet.TunnelZone) (target, bool) { return target{z.ID, z.Name}, true })

	var err error
	if s.GroupAddrs, err = fetchEach(ctx, groups, "addresses of ip address group", mn.ListIPAddrGroupAddrs); err != nil {
		return err
	}
	if s.PortGroupPorts, err = fetchEach(ctx, portGroups, "members of port group", mn.ListPortGroupPorts); err != nil {
		return err
	}
	if s.TunnelZoneHosts, err = fetchEach(ctx, zones, "members of tunnel zone", mn.ListTunnelZoneHosts); err != nil {
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
