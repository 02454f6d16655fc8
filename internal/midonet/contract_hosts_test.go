package midonet_test

import (
	"slices"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
)

// seedHost registers a host as its agent would.
func seedHost(t testing.TB, e *contractEnv, spec sim.HostSpec) string {
	t.Helper()
	id, err := e.run.Server.AddHost(spec)
	if err != nil {
		t.Fatalf("seed host %s: %v", spec.Name, err)
	}
	return id
}

// Hosts, bindings, tunnel zones (spec §2.10–§2.12) and BGP (§2.13).
func TestContractHosts(t *testing.T) {
	t.Run("§2.10 hosts and interfaces", func(t *testing.T) {
		e := plainEnv(t)
		hv := seedHost(t, e, sim.HostSpec{Name: "hv-1", Interfaces: []sim.InterfaceSpec{
			{Name: "eth0", Addresses: []string{"192.168.10.11"}},
			{Name: "vnet0", Type: "Virtual", Endpoint: "TUNTAP"},
		}})
		f := false
		dead := seedHost(t, e, sim.HostSpec{Name: "hv-dead", Alive: &f})

		hosts := must[[]midonet.Host](t, "list")(e.c.ListHosts(e.ctx))
		if len(hosts) != 2 {
			t.Fatalf("hosts = %+v", hosts)
		}
		h := must[*midonet.Host](t, "get")(e.c.GetHost(e.ctx, hv))
		if h.Name != "hv-1" || !h.Alive || !slices.Contains(h.Addresses, "192.168.10.11") || h.ID != sim.HostID("hv-1") {
			t.Fatalf("host = %+v", h)
		}
		if d := must[*midonet.Host](t, "get dead")(e.c.GetHost(e.ctx, dead)); d.Alive {
			t.Fatalf("dead host reads alive: %+v", d)
		}
		ifs := must[[]midonet.HostInterface](t, "interfaces")(e.c.ListHostInterfaces(e.ctx, hv))
		if len(ifs) != 2 {
			t.Fatalf("interfaces = %+v", ifs)
		}
		eth0 := must[*midonet.HostInterface](t, "eth0")(e.c.GetHostInterface(e.ctx, hv, "eth0"))
		if eth0.HostID != hv || eth0.Type != midonet.InterfaceTypePhysical || eth0.Endpoint != midonet.EndpointPhysical ||
			!slices.Equal(eth0.Addresses, []string{"192.168.10.11"}) || eth0.MTU != 1500 || eth0.Status != 3 || eth0.MAC == "" {
			t.Fatalf("eth0 = %+v", eth0)
		}
		if vnet := must[*midonet.HostInterface](t, "vnet0")(e.c.GetHostInterface(e.ctx, hv, "vnet0")); vnet.Type != midonet.InterfaceTypeVirtual || vnet.Endpoint != midonet.EndpointTuntap {
			t.Fatalf("vnet0 = %+v", vnet)
		}
		_, err := e.c.GetHostInterface(e.ctx, hv, "eth9")
		wantNotFound(t, err, "Interface not found")
		_, err = e.c.GetHost(e.ctx, newID())
		wantNotFound(t, err, "")

		// PUT applies the four weights, all of which are required.
		up := must[*midonet.Host](t, "update")(e.c.UpdateHost(e.ctx, &midonet.Host{ID: hv, FloodingProxyWeight: midonet.Int(3),
			ContainerWeight: midonet.Int(2), ContainerLimit: midonet.Int(-1), EnforceContainerLimit: midonet.Bool(true)}))
		if *up.FloodingProxyWeight != 3 || *up.ContainerWeight != 2 || *up.ContainerLimit != -1 || !*up.EnforceContainerLimit || up.Name != "hv-1" {
			t.Fatalf("updated host = %+v", up)
		}
		_, err = e.c.UpdateHost(e.ctx, &midonet.Host{ID: hv, ContainerWeight: midonet.Int(1)})
		wantValidation(t, err, "Flooding proxy weight must not be null.")

		// Only a dead host can be deleted.
		wantStatus(t, e.c.DeleteHost(e.ctx, hv), 403, "Cannot delete host "+hv+" because it is active.")
		// A deleted host leaves its tunnel zones.
		tz := must[*midonet.TunnelZone](t, "zone")(e.c.CreateTunnelZone(e.ctx, &midonet.TunnelZone{Name: "tz", Type: midonet.TunnelZoneTypeGRE}))
		must[*midonet.TunnelZoneHost](t, "member")(e.c.AddTunnelZoneHost(e.ctx, tz.ID, &midonet.TunnelZoneHost{HostID: dead, IPAddress: "192.168.10.99"}))
		mustDo(t, "delete dead host", e.c.DeleteHost(e.ctx, dead))
		if got := must[[]midonet.TunnelZoneHost](t, "members")(e.c.ListTunnelZoneHosts(e.ctx, tz.ID)); len(got) != 0 {
			t.Fatalf("deleted host still in its zone: %+v", got)
		}
		if n := len(must[[]midonet.Host](t, "list")(e.c.ListHosts(e.ctx))); n != 1 {
			t.Fatalf("hosts after delete = %d", n)
		}
	})

	t.Run("§2.11 host-interface-port binding", func(t *testing.T) {
		e := plainEnv(t)
		inZone := seedHost(t, e, sim.HostSpec{Name: "gw-1", TunnelZones: []string{"mido-tz"},
			Interfaces: []sim.InterfaceSpec{{Name: "eth0", Addresses: []string{"192.168.10.21"}}, {Name: "eth1"}}})
		noZone := seedHost(t, e, sim.HostSpec{Name: "hv-lonely", Interfaces: []sim.InterfaceSpec{{Name: "eth0", Addresses: []string{"192.168.10.22"}}}})
		rt := must[*midonet.Router](t, "router")(e.c.CreateRouter(e.ctx, &midonet.Router{Name: "r"}))
		up := must[*midonet.Port](t, "uplink")(e.c.CreateRouterPort(e.ctx, rt.ID, routerPort("203.0.113.2", "203.0.113.0", 24)))
		other := must[*midonet.Port](t, "other")(e.c.CreateRouterPort(e.ctx, rt.ID, routerPort("203.0.114.2", "203.0.114.0", 24)))

		_, err := e.c.BindPort(e.ctx, noZone, &midonet.HostInterfacePort{PortID: up.ID, InterfaceName: "eth0"})
		wantConflict(t, err, "The specified host is not in any tunnel zone.")
		_, err = e.c.BindPort(e.ctx, newID(), &midonet.HostInterfacePort{PortID: up.ID, InterfaceName: "eth0"})
		wantNotFound(t, err, "")
		_, err = e.c.BindPort(e.ctx, inZone, &midonet.HostInterfacePort{PortID: newID(), InterfaceName: "eth1"})
		wantNotFound(t, err, "")

		b := must[*midonet.HostInterfacePort](t, "bind")(e.c.BindPort(e.ctx, inZone, &midonet.HostInterfacePort{PortID: up.ID, InterfaceName: "eth1"}))
		if b.HostID != inZone || b.PortID != up.ID || b.InterfaceName != "eth1" || b.URI != e.run.URL+"/hosts/"+inZone+"/ports/"+up.ID {
			t.Fatalf("binding = %+v", b)
		}
		p := must[*midonet.Port](t, "port")(e.c.GetPort(e.ctx, up.ID))
		if deref(p.HostID) != inZone || deref(p.InterfaceName) != "eth1" || deref(p.HostInterfacePort) != b.URI {
			t.Fatalf("bound port: hostId %q interfaceName %q hostInterfacePort %q (binding %s)",
				deref(p.HostID), deref(p.InterfaceName), deref(p.HostInterfacePort), b.URI)
		}
		// PUT preserves the binding.
		p.PortSubnet = nil
		p = must[*midonet.Port](t, "put")(e.c.UpdatePort(e.ctx, p))
		if deref(p.HostID) != inZone || deref(p.InterfaceName) != "eth1" {
			t.Fatalf("binding lost by PUT: %+v", p)
		}
		if got := must[[]midonet.HostInterfacePort](t, "list")(e.c.ListHostPorts(e.ctx, inZone)); len(got) != 1 || got[0].PortID != up.ID {
			t.Fatalf("host ports = %+v", got)
		}
		if got := must[*midonet.HostInterfacePort](t, "get")(e.c.GetHostPort(e.ctx, inZone, up.ID)); got.InterfaceName != "eth1" {
			t.Fatalf("get binding = %+v", got)
		}
		_, err = e.c.BindPort(e.ctx, inZone, &midonet.HostInterfacePort{PortID: other.ID, InterfaceName: "eth1"})
		wantConflict(t, err, "Interface eth1 is already bound to a port.")
		_, err = e.c.BindPort(e.ctx, inZone, &midonet.HostInterfacePort{PortID: up.ID, InterfaceName: "eth0"})
		wantConflict(t, err, "Port "+up.ID+" is already bound to an interface")
		// A bound host cannot be deleted even when dead.
		mustDo(t, "host dies", e.run.Server.SetHostAlive(inZone, false))
		wantStatus(t, e.c.DeleteHost(e.ctx, inZone), 403, "Cannot delete host "+inZone+" because it has 1 binding(s).")

		mustDo(t, "unbind", e.c.UnbindPort(e.ctx, inZone, up.ID))
		p = must[*midonet.Port](t, "port")(e.c.GetPort(e.ctx, up.ID))
		if p.HostID != nil || p.InterfaceName != nil || p.HostInterfacePort != nil {
			t.Fatalf("unbound port = %+v", p)
		}
		_, err = e.c.GetHostPort(e.ctx, inZone, up.ID)
		wantNotFound(t, err, "Host interface port not found")
		mustDo(t, "unbind again (204)", e.c.UnbindPort(e.ctx, inZone, up.ID))
		wantNotFound(t, e.c.UnbindPort(e.ctx, inZone, newID()), "")

		// Deleting a bound port removes the binding.
		must[*midonet.HostInterfacePort](t, "bind other")(e.c.BindPort(e.ctx, inZone, &midonet.HostInterfacePort{PortID: other.ID, InterfaceName: "eth1"}))
		mustDo(t, "delete bound port", e.c.DeletePort(e.ctx, other.ID))
		if got := must[[]midonet.HostInterfacePort](t, "list")(e.c.ListHostPorts(e.ctx, inZone)); len(got) != 0 {
			t.Fatalf("binding of a deleted port remains: %+v", got)
		}
	})

	t.Run("§2.12 tunnel zones and members", func(t *testing.T) {
		e := plainEnv(t)
		hv := seedHost(t, e, sim.HostSpec{Name: "hv-1", Interfaces: []sim.InterfaceSpec{{Name: "eth0", Addresses: []string{"192.168.10.11"}}}})
		tz := must[*midonet.TunnelZone](t, "create")(e.c.CreateTunnelZone(e.ctx, &midonet.TunnelZone{Name: "mido-tz", Type: midonet.TunnelZoneTypeGRE}))
		if tz.ID == "" || tz.Name != "mido-tz" || tz.Type != "gre" {
			t.Fatalf("zone = %+v", tz)
		}
		_, err := e.c.CreateTunnelZone(e.ctx, &midonet.TunnelZone{Name: "mido-tz", Type: midonet.TunnelZoneTypeVXLAN})
		wantConflict(t, err, "Tunnel zone name already exists.")
		if got := must[[]midonet.TunnelZone](t, "list")(e.c.ListTunnelZones(e.ctx)); len(got) != 1 {
			t.Fatalf("zones = %+v", got)
		}

		m := must[*midonet.TunnelZoneHost](t, "add member")(e.c.AddTunnelZoneHost(e.ctx, tz.ID, &midonet.TunnelZoneHost{HostID: hv, IPAddress: "192.168.10.11"}))
		if m.TunnelZoneID != tz.ID || m.HostID != hv || m.IPAddress != "192.168.10.11" || m.URI != e.run.URL+"/tunnel_zones/"+tz.ID+"/hosts/"+hv {
			t.Fatalf("member = %+v", m)
		}
		_, err = e.c.AddTunnelZoneHost(e.ctx, tz.ID, &midonet.TunnelZoneHost{HostID: hv, IPAddress: "192.168.10.11"})
		wantConflict(t, err, "")
		_, err = e.c.AddTunnelZoneHost(e.ctx, tz.ID, &midonet.TunnelZoneHost{HostID: newID(), IPAddress: "192.168.10.12"})
		wantNotFound(t, err, "")
		if got := must[[]midonet.TunnelZoneHost](t, "members")(e.c.ListTunnelZoneHosts(e.ctx, tz.ID)); len(got) != 1 || got[0].HostID != hv {
			t.Fatalf("members = %+v", got)
		}
		if got := must[*midonet.TunnelZoneHost](t, "get member")(e.c.GetTunnelZoneHost(e.ctx, tz.ID, hv)); got.IPAddress != "192.168.10.11" {
			t.Fatalf("get member = %+v", got)
		}

		// Membership is what a binding needs (§2.11).
		br := must[*midonet.Bridge](t, "bridge")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "b"}))
		vm := must[*midonet.Port](t, "vm port")(e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{}))
		must[*midonet.HostInterfacePort](t, "bind")(e.c.BindPort(e.ctx, hv, &midonet.HostInterfacePort{PortID: vm.ID, InterfaceName: "vn0"}))

		// PUT renames; a PUT that keeps the zone's own name is 409 (MidoNet 5 quirk).
		tz.Name = "mido-tz-2"
		tz = must[*midonet.TunnelZone](t, "rename")(e.c.UpdateTunnelZone(e.ctx, tz))
		if tz.Name != "mido-tz-2" {
			t.Fatalf("renamed zone = %+v", tz)
		}
		_, err = e.c.UpdateTunnelZone(e.ctx, tz)
		wantConflict(t, err, "Tunnel zone name already exists.")

		mustDo(t, "remove member", e.c.RemoveTunnelZoneHost(e.ctx, tz.ID, hv))
		wantNotFound(t, e.c.RemoveTunnelZoneHost(e.ctx, tz.ID, hv), "")
		other := must[*midonet.Port](t, "another vm port")(e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{}))
		_, err = e.c.BindPort(e.ctx, hv, &midonet.HostInterfacePort{PortID: other.ID, InterfaceName: "vn1"})
		wantConflict(t, err, "The specified host is not in any tunnel zone.")

		must[*midonet.TunnelZoneHost](t, "add member again")(e.c.AddTunnelZoneHost(e.ctx, tz.ID, &midonet.TunnelZoneHost{HostID: hv, IPAddress: "192.168.10.11"}))
		mustDo(t, "delete zone", e.c.DeleteTunnelZone(e.ctx, tz.ID))
		_, err = e.c.GetTunnelZone(e.ctx, tz.ID)
		wantNotFound(t, err, "")
		mustDo(t, "delete missing zone (204)", e.c.DeleteTunnelZone(e.ctx, tz.ID))
		_, err = e.c.BindPort(e.ctx, hv, &midonet.HostInterfacePort{PortID: other.ID, InterfaceName: "vn1"})
		wantConflict(t, err, "The specified host is not in any tunnel zone.")
	})

	t.Run("§2.13 BGP peers and networks", func(t *testing.T) {
		e := plainEnv(t)
		rt := must[*midonet.Router](t, "router")(e.c.CreateRouter(e.ctx, &midonet.Router{Name: "eucart"}))
		rt.ASNumber = 65001
		rt = must[*midonet.Router](t, "local AS")(e.c.UpdateRouter(e.ctx, rt))
		if rt.ASNumber != 65001 {
			t.Fatalf("router AS = %d", rt.ASNumber)
		}
		peer := must[*midonet.BgpPeer](t, "peer")(e.c.CreateBgpPeer(e.ctx, rt.ID, &midonet.BgpPeer{ASNumber: 65002, Address: "203.0.113.1",
			KeepAlive: midonet.Int(30), HoldTime: midonet.Int(90)}))
		if peer.ID == "" || peer.RouterID != rt.ID || peer.ASNumber != 65002 || peer.Address != "203.0.113.1" || *peer.KeepAlive != 30 || *peer.HoldTime != 90 {
			t.Fatalf("peer = %+v", peer)
		}
		_, err := e.c.CreateBgpPeer(e.ctx, rt.ID, &midonet.BgpPeer{ASNumber: 65002, Address: "203.0.113.1"})
		wantValidation(t, err, "A BGP peer with address 203.0.113.1 and AS number 65002 already exists.")
		peer.ConnectRetry = midonet.Int(10)
		peer = must[*midonet.BgpPeer](t, "update peer")(e.c.UpdateBgpPeer(e.ctx, peer))
		if *peer.ConnectRetry != 10 || *peer.KeepAlive != 30 {
			t.Fatalf("updated peer = %+v", peer)
		}
		netID := newID()
		n := must[*midonet.BgpNetwork](t, "network")(e.c.CreateBgpNetwork(e.ctx, rt.ID, &midonet.BgpNetwork{ID: netID, SubnetAddress: "198.51.100.0", SubnetLength: 24}))
		if n.ID != netID || n.RouterID != rt.ID || n.SubnetAddress != "198.51.100.0" || n.SubnetLength != 24 {
			t.Fatalf("network = %+v", n)
		}
		if got := must[[]midonet.BgpPeer](t, "peers")(e.c.ListBgpPeers(e.ctx, rt.ID)); len(got) != 1 {
			t.Fatalf("peers = %+v", got)
		}
		if got := must[[]midonet.BgpNetwork](t, "networks")(e.c.ListBgpNetworks(e.ctx, rt.ID)); len(got) != 1 {
			t.Fatalf("networks = %+v", got)
		}
		extra := must[*midonet.BgpNetwork](t, "second network")(e.c.CreateBgpNetwork(e.ctx, rt.ID, &midonet.BgpNetwork{SubnetAddress: "198.51.101.0", SubnetLength: 24}))
		mustDo(t, "delete network", e.c.DeleteBgpNetwork(e.ctx, extra.ID))
		mustDo(t, "delete missing network (204)", e.c.DeleteBgpNetwork(e.ctx, extra.ID))

		// The router delete cascades to its peers and networks.
		mustDo(t, "delete router", e.c.DeleteRouter(e.ctx, rt.ID))
		_, err = e.c.GetBgpPeer(e.ctx, peer.ID)
		wantNotFound(t, err, "")
		_, err = e.c.GetBgpNetwork(e.ctx, n.ID)
		wantNotFound(t, err, "")
		mustDo(t, "delete missing peer (204)", e.c.DeleteBgpPeer(e.ctx, peer.ID))
	})
}
