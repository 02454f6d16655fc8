package midonet_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
)

// routerPort is the body of a router port with an address in a network.
func routerPort(addr, network string, length int) *midonet.Port {
	return &midonet.Port{PortAddress: addr, NetworkAddress: network, NetworkLength: length}
}

// routesVia returns the routes of a router whose next hop is port.
func routesVia(routes []midonet.Route, port string) []midonet.Route {
	var out []midonet.Route
	for _, r := range routes {
		if deref(r.NextHopPort) == port {
			out = append(out, r)
		}
	}
	return out
}

// Ports, links and routes (spec §2.3, §2.4, §2.5) and the port cascades of §3.
func TestContractPortsAndRoutes(t *testing.T) {
	t.Run("§2.3 router ports CRUD and the Local route", func(t *testing.T) {
		e := plainEnv(t)
		rt := must[*midonet.Router](t, "router")(e.c.CreateRouter(e.ctx, &midonet.Router{Name: "r"}))
		p := must[*midonet.Port](t, "create")(e.c.CreateRouterPort(e.ctx, rt.ID, routerPort("10.0.1.1", "10.0.1.0", 24)))
		if p.Type != midonet.PortTypeRouter || p.DeviceID != rt.ID || p.PortAddress != "10.0.1.1" ||
			p.NetworkAddress != "10.0.1.0" || p.NetworkLength != 24 || !slices.Equal(p.PortSubnet, []string{"10.0.1.1/24"}) {
			t.Fatalf("router port = %+v", p)
		}
		if !strings.HasPrefix(p.PortMAC, "ac:ca:ba:") || len(p.PortMAC) != 17 {
			t.Fatalf("portMac = %q, want a random ac:ca:ba MAC", p.PortMAC)
		}
		if p.AdminStateUp == nil || !*p.AdminStateUp || p.PeerID != nil || p.HostID != nil || p.HostInterfacePort != nil || p.TunnelKey <= 0 {
			t.Fatalf("router port defaults = %+v", p)
		}
		// networkAddress is derived from portAddress and networkLength, not stored.
		id := newID()
		q := must[*midonet.Port](t, "create with id")(e.c.CreateRouterPort(e.ctx, rt.ID, &midonet.Port{
			ID: id, PortAddress: "172.16.5.9", NetworkAddress: "172.16.77.77", NetworkLength: 16, PortMAC: "02:00:00:00:00:01",
		}))
		if q.ID != id || q.NetworkAddress != "172.16.0.0" || q.PortMAC != "02:00:00:00:00:01" || q.TunnelKey <= p.TunnelKey {
			t.Fatalf("second port = %+v (tunnel keys %d then %d)", q, p.TunnelKey, q.TunnelKey)
		}

		// The automatic Local route of each port (§2.3): 0.0.0.0/0 → portAddress/32 via the port.
		routes := must[[]midonet.Route](t, "routes")(e.c.ListRoutes(e.ctx, rt.ID))
		if len(routes) != 2 {
			t.Fatalf("routes = %+v, want one Local route per port", routes)
		}
		for _, port := range []*midonet.Port{p, q} {
			via := routesVia(routes, port.ID)
			if len(via) != 1 {
				t.Fatalf("routes via %s = %+v", port.ID, via)
			}
			r := via[0]
			if r.Type != midonet.RouteTypeLocal || r.SrcNetworkAddr != "0.0.0.0" || r.SrcNetworkLength != 0 ||
				r.DstNetworkAddr != port.PortAddress || r.DstNetworkLength != 32 || r.Weight != 0 || r.NextHopGateway != nil ||
				r.RouterID != rt.ID {
				t.Fatalf("local route = %+v", r)
			}
		}

		ports := must[[]midonet.Port](t, "list router ports")(e.c.ListRouterPorts(e.ctx, rt.ID))
		if len(ports) != 2 {
			t.Fatalf("router ports = %d, want 2", len(ports))
		}

		// PUT replaces: re-send the addresses and MAC with the new filter.
		ch := must[*midonet.Chain](t, "chain")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "in"}))
		p.InboundFilterID = &ch.ID
		p.PortSubnet = nil
		up := must[*midonet.Port](t, "update")(e.c.UpdatePort(e.ctx, p))
		if deref(up.InboundFilterID) != ch.ID || up.PortAddress != "10.0.1.1" || up.PortMAC != p.PortMAC || up.TunnelKey != p.TunnelKey {
			t.Fatalf("updated port = %+v", up)
		}
		// portSubnet, when re-sent, wins over a changed portAddress (§2.3, MN 5.4+).
		stale := *up
		stale.PortAddress = "10.0.1.9"
		if got := must[*midonet.Port](t, "update with stale portSubnet")(e.c.UpdatePort(e.ctx, &stale)); got.PortAddress != "10.0.1.1" {
			t.Fatalf("portAddress = %q, want the re-sent portSubnet's 10.0.1.1", got.PortAddress)
		}
		stale.PortSubnet = nil
		if got := must[*midonet.Port](t, "update without portSubnet")(e.c.UpdatePort(e.ctx, &stale)); got.PortAddress != "10.0.1.9" ||
			!slices.Equal(got.PortSubnet, []string{"10.0.1.9/24"}) {
			t.Fatalf("port after address change = %+v", got)
		}
		// The wrong type for the stored kind is refused.
		_, err := e.c.UpdatePort(e.ctx, &midonet.Port{ID: p.ID, Type: midonet.PortTypeBridge})
		wantValidation(t, err, "Not a router port.")

		mustDo(t, "delete", e.c.DeletePort(e.ctx, p.ID))
		_, err = e.c.GetPort(e.ctx, p.ID)
		wantNotFound(t, err, "There is no Port with ID "+p.ID+".")
		wantNotFound(t, e.c.DeletePort(e.ctx, p.ID), "") // §1.8: ports answer 404
		if via := routesVia(must[[]midonet.Route](t, "routes")(e.c.ListRoutes(e.ctx, rt.ID)), p.ID); len(via) != 0 {
			t.Fatalf("routes via a deleted port remain: %+v", via)
		}
	})

	t.Run("§2.3 bridge ports CRUD", func(t *testing.T) {
		e := plainEnv(t)
		br := must[*midonet.Bridge](t, "bridge")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "b"}))
		p := must[*midonet.Port](t, "create")(e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{}))
		if p.Type != midonet.PortTypeBridge || p.DeviceID != br.ID || p.VlanID != 0 || p.TunnelKey <= 0 {
			t.Fatalf("bridge port = %+v", p)
		}
		// Interior/Exterior type names are accepted on input and read back as Bridge.
		q := must[*midonet.Port](t, "create interior")(e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{Type: "InteriorBridge", VlanID: 7}))
		if q.Type != midonet.PortTypeBridge || q.VlanID != 7 {
			t.Fatalf("InteriorBridge port = %+v", q)
		}
		// A router-port body on a bridge is refused.
		_, err := e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{Type: midonet.PortTypeRouter, PortAddress: "10.0.0.1", NetworkLength: 24})
		wantValidation(t, err, "Not a bridge port.")

		got := must[[]midonet.Port](t, "list")(e.c.ListBridgePorts(e.ctx, br.ID))
		if len(got) != 2 {
			t.Fatalf("bridge ports = %+v", got)
		}
		if all := must[[]midonet.Port](t, "list all")(e.c.ListPorts(e.ctx)); len(all) != 2 {
			t.Fatalf("all ports = %d, want 2", len(all))
		}
		ch := must[*midonet.Chain](t, "chain")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "out"}))
		up := must[*midonet.Port](t, "update")(e.c.UpdatePort(e.ctx, &midonet.Port{ID: q.ID, Type: midonet.PortTypeBridge,
			OutboundFilterID: &ch.ID, AdminStateUp: midonet.Bool(false)}))
		if deref(up.OutboundFilterID) != ch.ID || *up.AdminStateUp || up.VlanID != 0 {
			t.Fatalf("updated (vlan not re-sent, so replaced) = %+v", up)
		}
		mustDo(t, "delete", e.c.DeletePort(e.ctx, q.ID))
		if got := must[[]midonet.Port](t, "list")(e.c.ListBridgePorts(e.ctx, br.ID)); len(got) != 1 || got[0].ID != p.ID {
			t.Fatalf("bridge ports after delete = %+v", got)
		}
		// A bridge delete cascades to its ports, unlinking their peers.
		rt := must[*midonet.Router](t, "router")(e.c.CreateRouter(e.ctx, &midonet.Router{Name: "r"}))
		rp := must[*midonet.Port](t, "router port")(e.c.CreateRouterPort(e.ctx, rt.ID, routerPort("10.0.1.1", "10.0.1.0", 24)))
		mustDo(t, "link", e.c.LinkPorts(e.ctx, rp.ID, p.ID))
		mustDo(t, "delete bridge", e.c.DeleteBridge(e.ctx, br.ID))
		_, err = e.c.GetPort(e.ctx, p.ID)
		wantNotFound(t, err, "")
		if got := must[*midonet.Port](t, "peer")(e.c.GetPort(e.ctx, rp.ID)); got.PeerID != nil {
			t.Fatalf("router port still linked to a port of a deleted bridge: %+v", got)
		}
	})

	t.Run("§2.4 link and unlink", func(t *testing.T) {
		e := plainEnv(t)
		rt := must[*midonet.Router](t, "router")(e.c.CreateRouter(e.ctx, &midonet.Router{Name: "r"}))
		br := must[*midonet.Bridge](t, "bridge")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "b"}))
		rp := must[*midonet.Port](t, "router port")(e.c.CreateRouterPort(e.ctx, rt.ID, routerPort("10.0.1.1", "10.0.1.0", 24)))
		bp := must[*midonet.Port](t, "bridge port")(e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{}))
		bp2 := must[*midonet.Port](t, "bridge port 2")(e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{}))

		mustDo(t, "link", e.c.LinkPorts(e.ctx, rp.ID, bp.ID))
		wantPeer := func(port, peer string) {
			t.Helper()
			got := must[*midonet.Port](t, "get")(e.c.GetPort(e.ctx, port))
			if deref(got.PeerID) != peer {
				t.Fatalf("port %s peerId = %q, want %q", port, deref(got.PeerID), peer)
			}
		}
		wantPeer(rp.ID, bp.ID)
		wantPeer(bp.ID, rp.ID) // the reverse side is set by the server
		wantPeer(bp2.ID, "")

		// Re-linking a linked port, from either end, is 409.
		wantConflict(t, e.c.LinkPorts(e.ctx, rp.ID, bp2.ID), "Ports are not linkable.")
		wantConflict(t, e.c.LinkPorts(e.ctx, bp2.ID, bp.ID), "Ports are not linkable.")
		wantConflict(t, e.c.LinkPorts(e.ctx, rp.ID, bp.ID), "Ports are not linkable.")
		wantPeer(bp2.ID, "")
		// A missing peer is 404.
		wantNotFound(t, e.c.LinkPorts(e.ctx, bp2.ID, newID()), "")

		mustDo(t, "unlink", e.c.UnlinkPort(e.ctx, bp.ID))
		wantPeer(rp.ID, "")
		wantPeer(bp.ID, "")
		mustDo(t, "unlink an unlinked port", e.c.UnlinkPort(e.ctx, bp.ID))
		wantNotFound(t, e.c.UnlinkPort(e.ctx, newID()), "")

		// Relink to the other port; a PUT of the port keeps the link (peerId is preserved).
		mustDo(t, "relink", e.c.LinkPorts(e.ctx, rp.ID, bp2.ID))
		must[*midonet.Port](t, "put")(e.c.UpdatePort(e.ctx, &midonet.Port{ID: bp2.ID, Type: midonet.PortTypeBridge}))
		wantPeer(bp2.ID, rp.ID)
		wantPeer(rp.ID, bp2.ID)
	})

	t.Run("§3 deleting a port unlinks its peer and removes routes through it", func(t *testing.T) {
		e := plainEnv(t)
		rt := must[*midonet.Router](t, "router")(e.c.CreateRouter(e.ctx, &midonet.Router{Name: "r"}))
		br := must[*midonet.Bridge](t, "bridge")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "b"}))
		rp := must[*midonet.Port](t, "router port")(e.c.CreateRouterPort(e.ctx, rt.ID, routerPort("10.0.1.1", "10.0.1.0", 24)))
		keep := must[*midonet.Port](t, "other router port")(e.c.CreateRouterPort(e.ctx, rt.ID, routerPort("10.0.2.1", "10.0.2.0", 24)))
		bp := must[*midonet.Port](t, "bridge port")(e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{}))
		mustDo(t, "link", e.c.LinkPorts(e.ctx, rp.ID, bp.ID))
		gw := "10.0.1.254"
		for _, dst := range []string{"192.168.0.0", "192.168.1.0"} {
			must[*midonet.Route](t, "route")(e.c.CreateRoute(e.ctx, rt.ID, &midonet.Route{SrcNetworkAddr: "0.0.0.0",
				DstNetworkAddr: dst, DstNetworkLength: 24, Type: midonet.RouteTypeNormal, NextHopPort: &rp.ID, NextHopGateway: &gw}))
		}
		other := must[*midonet.Route](t, "route via the other port")(e.c.CreateRoute(e.ctx, rt.ID, &midonet.Route{SrcNetworkAddr: "0.0.0.0",
			DstNetworkAddr: "0.0.0.0", Type: midonet.RouteTypeNormal, NextHopPort: &keep.ID}))
		if n := len(must[[]midonet.Route](t, "routes")(e.c.ListRoutes(e.ctx, rt.ID))); n != 5 {
			t.Fatalf("routes = %d, want 2 Local + 3 Normal", n)
		}

		mustDo(t, "delete linked port", e.c.DeletePort(e.ctx, rp.ID))
		peer := must[*midonet.Port](t, "peer")(e.c.GetPort(e.ctx, bp.ID))
		if peer.PeerID != nil {
			t.Fatalf("peer still linked to a deleted port: %+v", peer)
		}
		routes := must[[]midonet.Route](t, "routes")(e.c.ListRoutes(e.ctx, rt.ID))
		if len(routesVia(routes, rp.ID)) != 0 || len(routes) != 2 {
			t.Fatalf("routes after port delete = %+v, want the other port's Local and Normal routes", routes)
		}
		must[*midonet.Route](t, "surviving route")(e.c.GetRoute(e.ctx, other.ID))

		// Deleting the router cascades to its ports and their routes, unlinking the peers.
		bp2 := must[*midonet.Port](t, "bridge port 2")(e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{}))
		mustDo(t, "link the other port", e.c.LinkPorts(e.ctx, bp2.ID, keep.ID))
		mustDo(t, "delete router", e.c.DeleteRouter(e.ctx, rt.ID))
		if got := must[*midonet.Port](t, "peer of a deleted router's port")(e.c.GetPort(e.ctx, bp2.ID)); got.PeerID != nil {
			t.Fatalf("bridge port still linked to a deleted router's port: %+v", got)
		}
		_, err := e.c.GetPort(e.ctx, keep.ID)
		wantNotFound(t, err, "")
		_, err = e.c.GetRoute(e.ctx, other.ID)
		wantNotFound(t, err, "")
	})

	t.Run("§2.5 routes", func(t *testing.T) {
		e := plainEnv(t)
		rt := must[*midonet.Router](t, "router")(e.c.CreateRouter(e.ctx, &midonet.Router{Name: "r"}))
		rt2 := must[*midonet.Router](t, "router 2")(e.c.CreateRouter(e.ctx, &midonet.Router{Name: "r2"}))
		br := must[*midonet.Bridge](t, "bridge")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "b"}))
		rp := must[*midonet.Port](t, "port")(e.c.CreateRouterPort(e.ctx, rt.ID, routerPort("10.0.1.1", "10.0.1.0", 24)))
		foreign := must[*midonet.Port](t, "port of router 2")(e.c.CreateRouterPort(e.ctx, rt2.ID, routerPort("10.0.9.1", "10.0.9.0", 24)))
		bp := must[*midonet.Port](t, "bridge port")(e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{}))

		gw := "10.0.1.254"
		id := newID()
		r := must[*midonet.Route](t, "create")(e.c.CreateRoute(e.ctx, rt.ID, &midonet.Route{ID: id, SrcNetworkAddr: "10.1.0.0",
			SrcNetworkLength: 16, DstNetworkAddr: "0.0.0.0", Type: midonet.RouteTypeNormal, NextHopPort: &rp.ID,
			NextHopGateway: &gw, Weight: 100, Attributes: "euca"}))
		if r.ID != id || r.RouterID != rt.ID || r.SrcNetworkAddr != "10.1.0.0" || r.SrcNetworkLength != 16 ||
			r.DstNetworkAddr != "0.0.0.0" || r.DstNetworkLength != 0 || r.Type != midonet.RouteTypeNormal ||
			deref(r.NextHopPort) != rp.ID || deref(r.NextHopGateway) != gw || r.Weight != 100 || r.Learned {
			t.Fatalf("route = %+v", r)
		}
		// Routes are not de-duplicated by the server.
		must[*midonet.Route](t, "same route again")(e.c.CreateRoute(e.ctx, rt.ID, &midonet.Route{SrcNetworkAddr: "10.1.0.0",
			SrcNetworkLength: 16, DstNetworkAddr: "0.0.0.0", Type: midonet.RouteTypeNormal, NextHopPort: &rp.ID, NextHopGateway: &gw, Weight: 100}))
		bh := must[*midonet.Route](t, "blackhole")(e.c.CreateRoute(e.ctx, rt.ID, &midonet.Route{SrcNetworkAddr: "0.0.0.0",
			DstNetworkAddr: "169.254.0.0", DstNetworkLength: 16, Type: midonet.RouteTypeBlackHole}))
		if bh.NextHopPort != nil || bh.RouterID != rt.ID {
			t.Fatalf("blackhole route = %+v", bh)
		}
		if n := len(must[[]midonet.Route](t, "list")(e.c.ListRoutes(e.ctx, rt.ID))); n != 4 {
			t.Fatalf("routes = %d, want Local + 2 Normal + BlackHole", n)
		}

		const wrongPort = "This type of route requires a next hop port that is a port on the same router."
		for name, hop := range map[string]*string{
			"port of another router": &foreign.ID, "bridge port": &bp.ID, "missing port": midonet.Ref(newID()), "no port": nil,
		} {
			_, err := e.c.CreateRoute(e.ctx, rt.ID, &midonet.Route{SrcNetworkAddr: "0.0.0.0", DstNetworkAddr: "10.5.0.0",
				DstNetworkLength: 16, Type: midonet.RouteTypeNormal, NextHopPort: hop})
			if err == nil {
				t.Fatalf("%s: route accepted", name)
			}
			wantValidation(t, err, wrongPort)
		}
		_, err := e.c.CreateRoute(e.ctx, rt.ID, &midonet.Route{SrcNetworkAddr: "0.0.0.0", DstNetworkAddr: "10.5.0.0",
			DstNetworkLength: 16, Type: "Sideways", NextHopPort: &rp.ID})
		wantValidation(t, err, "This type of route is invalid.")
		_, err = e.c.CreateRoute(e.ctx, newID(), &midonet.Route{SrcNetworkAddr: "0.0.0.0", DstNetworkAddr: "10.5.0.0", Type: midonet.RouteTypeBlackHole})
		wantNotFound(t, err, "")

		mustDo(t, "delete", e.c.DeleteRoute(e.ctx, id))
		_, err = e.c.GetRoute(e.ctx, id)
		wantNotFound(t, err, "There is no Route with ID "+id+".")
		mustDo(t, "delete missing route (204)", e.c.DeleteRoute(e.ctx, id))
		mustDo(t, "delete never-existing route (204)", e.c.DeleteRoute(e.ctx, newID()))
	})
}
