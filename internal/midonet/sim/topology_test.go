package sim

import (
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// midonet-api.md §2.3: the type discriminator accepts Interior/Exterior names and reads report
// Router/Bridge; kind mismatches and unknown types are 400; a missing device is 404.
func TestPortTypes(t *testing.T) {
	c := newSim(t, Options{})
	rt, br := c.router("r"), c.bridge("b")
	for _, typ := range []string{"Router", "InteriorRouter", "ExteriorRouter"} {
		id := c.create("/routers/"+rt+"/ports", tPort, map[string]any{"type": typ, "portAddress": "10.0.0.1", "networkLength": 24})
		if got := c.get("/ports/"+id, tPort)["type"]; got != "Router" {
			t.Errorf("%s reads back as %v", typ, got)
		}
	}
	for _, typ := range []string{"Bridge", "InteriorBridge", "ExteriorBridge"} {
		id := c.create("/bridges/"+br+"/ports", tPort, map[string]any{"type": typ})
		if got := c.get("/ports/"+id, tPort)["type"]; got != "Bridge" {
			t.Errorf("%s reads back as %v", typ, got)
		}
	}
	c.expect(c.do(http.MethodPost, "/bridges/"+br+"/ports", tPort, map[string]any{"type": "Router", "portAddress": "1.1.1.1"}), http.StatusBadRequest, "Not a bridge port.")
	c.expect(c.do(http.MethodPost, "/routers/"+rt+"/ports", tPort, map[string]any{"type": "Bridge"}), http.StatusBadRequest, "")
	c.expect(c.do(http.MethodPost, "/routers/"+rt+"/ports", tPort, map[string]any{"type": "Tunnel"}), http.StatusBadRequest,
		"Could not resolve type id 'Tunnel' into a subtype of [simple type, class org.midonet.cluster.rest_api.models.Port]")
	c.expect(c.do(http.MethodPost, "/routers/"+rt+"/ports", tPort, map[string]any{"networkLength": 24}), http.StatusBadRequest, "")
	missing := uuid.NewString()
	c.expect(c.do(http.MethodPost, "/bridges/"+missing+"/ports", tPort, map[string]any{"type": "Bridge"}), http.StatusNotFound, "There is no Network with ID "+missing+".")
	if v := violationsOf(t, c.do(http.MethodPost, "/routers/"+rt+"/ports", tPort, map[string]any{"type": "Router", "portAddress": "10.0.0.256"})); v["portAddress"] != msgInvalidIP {
		t.Errorf("violations %v", v)
	}
	if v := violationsOf(t, c.do(http.MethodPost, "/routers/"+rt+"/ports", tPort, map[string]any{"type": "Router"})); v["portAddress"] != msgNotNull {
		t.Errorf("violations %v", v)
	}
}

// midonet-api.md §2.3, §6 item 11: router ports get sequential tunnel keys, a derived network
// address, portSubnet and an ac:ca:ba MAC when none is given; a given portSubnet wins.
func TestRouterPortDerivedFields(t *testing.T) {
	c := newSim(t, Options{})
	rt := c.router("r")
	p1 := c.get("/ports/"+c.routerPort(rt, "10.0.1.1", 24), tPort)
	p2 := c.get("/ports/"+c.create("/routers/"+rt+"/ports", tPort, map[string]any{
		"type": "Router", "portAddress": "192.168.9.9", "networkLength": 16, "portSubnet": []string{"172.16.5.1/20"}, "portMac": "02:00:00:00:00:01",
	}), tPort)
	if p1["networkAddress"] != "10.0.1.0" || !strings.HasPrefix(p1["portMac"].(string), "ac:ca:ba:") ||
		p1["portSubnet"].([]any)[0] != "10.0.1.1/24" || p1["hostInterfacePort"] != nil || p1["active"] != false {
		t.Errorf("port 1 %v", p1)
	}
	if p2["tunnelKey"].(float64) != p1["tunnelKey"].(float64)+1 {
		t.Errorf("tunnel keys %v %v", p1["tunnelKey"], p2["tunnelKey"])
	}
	if p2["portAddress"] != "172.16.5.1" || p2["networkLength"] != float64(20) || p2["networkAddress"] != "172.16.0.0" || p2["portMac"] != "02:00:00:00:00:01" {
		t.Errorf("port 2 %v", p2)
	}
}

// midonet-api.md §2.3, §2.5: a router port gets an automatic Local route (0.0.0.0/0 →
// portAddress/32 via the port, weight 0), listed with the router's routes and deleted with it.
func TestLocalRouteFollowsRouterPort(t *testing.T) {
	c := newSim(t, Options{})
	rt := c.router("r")
	p := c.routerPort(rt, "10.0.1.1", 24)
	routes := c.getList("/routers/"+rt+"/routes", tRoutes)
	if len(routes) != 1 {
		t.Fatalf("routes %v", routes)
	}
	r := routes[0]
	if r["type"] != "Local" || r["srcNetworkAddr"] != "0.0.0.0" || r["srcNetworkLength"] != float64(0) ||
		r["dstNetworkAddr"] != "10.0.1.1" || r["dstNetworkLength"] != float64(32) || r["nextHopPort"] != p ||
		r["weight"] != float64(0) || r["nextHopGateway"] != nil || r["routerId"] != rt {
		t.Errorf("local route %v", r)
	}
	c.expect(c.do(http.MethodDelete, "/ports/"+p, "", nil), http.StatusNoContent, "")
	if routes := c.getList("/routers/"+rt+"/routes", tRoutes); len(routes) != 0 {
		t.Errorf("routes after port delete %v", routes)
	}
}

// midonet-api.md §2.5: route validation and the next-hop-port rule.
func TestRouteValidation(t *testing.T) {
	c := newSim(t, Options{})
	rt, other := c.router("r"), c.router("o")
	p := c.routerPort(rt, "10.0.0.1", 24)
	foreign := c.routerPort(other, "10.0.0.2", 24)
	ok := map[string]any{"srcNetworkAddr": "0.0.0.0", "srcNetworkLength": "0", "dstNetworkAddr": "10.5.0.0", "dstNetworkLength": "16",
		"type": "Normal", "nextHopPort": p, "weight": "100", "nextHopGateway": "10.0.0.254"}
	with := func(k string, v any) map[string]any {
		out := map[string]any{}
		for kk, vv := range ok {
			out[kk] = vv
		}
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
		return out
	}
	nextHopMsg := "This type of route requires a next hop port that is a port on the same router."
	tests := []struct {
		name      string
		body      map[string]any
		want      int
		message   string
		violation string
	}{
		{"ok", ok, 201, "", ""},
		{"duplicate allowed", ok, 201, "", ""},
		{"next hop on another router", with("nextHopPort", foreign), 400, nextHopMsg, ""},
		{"next hop missing", with("nextHopPort", nil), 400, nextHopMsg, ""},
		{"next hop nonexistent", with("nextHopPort", uuid.NewString()), 400, nextHopMsg, ""},
		{"blackhole needs no next hop", with("type", "BlackHole"), 201, "", ""},
		{"bad type", with("type", "Sideways"), 400, "This type of route is invalid.", ""},
		{"missing type", with("type", nil), 400, "", "type"},
		{"missing dst", with("dstNetworkAddr", nil), 400, "", "dstNetworkAddr"},
		{"bad src", with("srcNetworkAddr", "x"), 400, "", "srcNetworkAddr"},
		{"dst length 40", with("dstNetworkLength", 40), 400, "", "dstNetworkLength"},
		{"negative weight", with("weight", -1), 400, "", "weight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			r := c.do(http.MethodPost, "/routers/"+rt+"/routes", tRoute, tt.body)
			if tt.violation != "" {
				if v := violationsOf(t, r); v[tt.violation] == "" {
					t.Errorf("no violation on %s: %v", tt.violation, v)
				}
				return
			}
			c.expect(r, tt.want, tt.message)
		})
	}
	normal := c.getList("/routers/"+rt+"/routes", tRoutes)
	var found bool
	for _, r := range normal {
		if r["type"] == "Normal" && r["dstNetworkAddr"] == "10.5.0.0" && r["weight"] == float64(100) && r["nextHopGateway"] == "10.0.0.254" {
			found = true
		}
	}
	if !found {
		t.Errorf("normal route not echoed: %v", normal)
	}
}

// midonet-api.md §2.4: link sets peerId on both sides, answers 201 without Location; linking a
// linked port is 409 "Ports are not linkable."; unlink clears both, is idempotent, 404 for a
// missing port; peer_ports lists the far ends.
func TestPortLink(t *testing.T) {
	c := newSim(t, Options{})
	rt, br := c.router("r"), c.bridge("b")
	rp, bp, bp2 := c.routerPort(rt, "10.0.0.1", 24), c.bridgePort(br), c.bridgePort(br)
	r := c.do(http.MethodPost, "/ports/"+rp+"/link", tLink, map[string]any{"peerId": bp})
	c.expect(r, http.StatusCreated, "")
	if r.header.Get("Location") != "" || len(r.body) != 0 {
		t.Errorf("link answer: Location %q body %q", r.header.Get("Location"), r.body)
	}
	if a, b := c.get("/ports/"+rp, tPort), c.get("/ports/"+bp, tPort); a["peerId"] != bp || b["peerId"] != rp || a["peer"] != c.base+"/ports/"+bp {
		t.Errorf("peers %v %v", a["peerId"], b["peerId"])
	}
	c.expect(c.do(http.MethodPost, "/ports/"+bp2+"/link", tLink, map[string]any{"peerId": rp}), http.StatusConflict, "Ports are not linkable.")
	c.expect(c.do(http.MethodPost, "/ports/"+rp+"/link", tLink, map[string]any{"peerId": bp2}), http.StatusConflict, "Ports are not linkable.")
	missing := uuid.NewString()
	c.expect(c.do(http.MethodPost, "/ports/"+bp2+"/link", tLink, map[string]any{"peerId": missing}), http.StatusNotFound, "There is no Port with ID "+missing+".")
	if peers := c.getList("/routers/"+rt+"/peer_ports", tPorts); len(peers) != 1 || peers[0]["id"] != bp {
		t.Errorf("peer_ports %v", peers)
	}
	for i := 0; i < 2; i++ {
		c.expect(c.do(http.MethodDelete, "/ports/"+bp+"/link", "", nil), http.StatusNoContent, "")
	}
	if a := c.get("/ports/"+rp, tPort); a["peerId"] != nil || a["peer"] != nil {
		t.Errorf("after unlink %v", a["peerId"])
	}
	c.expect(c.do(http.MethodDelete, "/ports/"+missing+"/link", "", nil), http.StatusNotFound, "")
	// No type checks in MidoNet 5: two ports of the same router link.
	rp2 := c.routerPort(rt, "10.0.1.1", 24)
	c.link(rp, rp2)
}

// midonet-api.md §3: deleting a router deletes its ports (unlinking peers, dropping bindings
// and routes), its router-level routes and BGP objects; filter chains survive.
func TestRouterDeleteCascades(t *testing.T) {
	c := newSim(t, Options{})
	ch := c.chain("f")
	rt := c.create("/routers", tRouter, map[string]any{"inboundFilterId": ch})
	br := c.bridge("b")
	rp, uplink, bp := c.routerPort(rt, "10.0.0.1", 24), c.routerPort(rt, "192.168.0.2", 24), c.bridgePort(br)
	c.link(rp, bp)
	c.create("/hosts/"+node1+"/ports", tHIP, map[string]any{"portId": uplink, "interfaceName": "eth1"})
	route := c.create("/routers/"+rt+"/routes", tRoute, map[string]any{"srcNetworkAddr": "0.0.0.0", "dstNetworkAddr": "0.0.0.0", "type": "Normal", "nextHopPort": uplink})
	hole := c.create("/routers/"+rt+"/routes", tRoute, map[string]any{"srcNetworkAddr": "0.0.0.0", "dstNetworkAddr": "10.9.0.0", "dstNetworkLength": 16, "type": "BlackHole"})
	peer := c.create("/routers/"+rt+"/bgp_peers", tBGPPeer, map[string]any{"asNumber": 65000, "address": "192.168.0.1"})
	network := c.create("/routers/"+rt+"/bgp_networks", tBGPNetwork, map[string]any{"subnetAddress": "10.0.0.0", "subnetLength": 16})

	c.expect(c.do(http.MethodDelete, "/routers/"+rt, "", nil), http.StatusNoContent, "")

	for _, p := range []string{"/ports/" + rp, "/ports/" + uplink, "/routes/" + route, "/routes/" + hole, "/bgp_peers/" + peer, "/bgp_networks/" + network} {
		if r := c.do(http.MethodGet, p, mediaJSON, nil); r.status != http.StatusNotFound {
			t.Errorf("%s survived: %d", p, r.status)
		}
	}
	if p := c.get("/ports/"+bp, tPort); p["peerId"] != nil {
		t.Errorf("bridge port still linked to %v", p["peerId"])
	}
	if b := c.getList("/hosts/"+node1+"/ports", vndList("HostInterfacePort-v1")); len(b) != 0 {
		t.Errorf("bindings survive: %v", b)
	}
	c.get("/chains/"+ch, tChain)
	if l := c.getList("/ports", tPorts); len(l) != 1 {
		t.Errorf("ports left %d", len(l))
	}
}

// midonet-api.md §2.3, §3: deleting a port unlinks its peer, removes its binding, its port-group
// memberships and the routes through it; other routes stay.
func TestPortDeleteCascades(t *testing.T) {
	c := newSim(t, Options{})
	rt, br := c.router("r"), c.bridge("b")
	rp, other, bp := c.routerPort(rt, "10.0.0.1", 24), c.routerPort(rt, "10.1.0.1", 24), c.bridgePort(br)
	c.link(rp, bp)
	c.create("/hosts/"+node1+"/ports", tHIP, map[string]any{"portId": rp, "interfaceName": "tap1"})
	pg := c.create("/port_groups", tPortGroup, map[string]any{"name": "pg"})
	c.create("/port_groups/"+pg+"/ports", vnd("PortGroupPort-v1"), map[string]any{"portId": rp})
	via := c.create("/routers/"+rt+"/routes", tRoute, map[string]any{"srcNetworkAddr": "0.0.0.0", "dstNetworkAddr": "10.7.0.0", "dstNetworkLength": 16, "type": "Normal", "nextHopPort": rp})
	kept := c.create("/routers/"+rt+"/routes", tRoute, map[string]any{"srcNetworkAddr": "0.0.0.0", "dstNetworkAddr": "10.8.0.0", "dstNetworkLength": 16, "type": "Normal", "nextHopPort": other})

	c.expect(c.do(http.MethodDelete, "/ports/"+rp, "", nil), http.StatusNoContent, "")

	if p := c.get("/ports/"+bp, tPort); p["peerId"] != nil {
		t.Errorf("peer still linked: %v", p["peerId"])
	}
	if b := c.getList("/hosts/"+node1+"/ports", vndList("HostInterfacePort-v1")); len(b) != 0 {
		t.Errorf("binding survives: %v", b)
	}
	if m := c.getList("/port_groups/"+pg+"/ports", vndList("PortGroupPort-v1")); len(m) != 0 {
		t.Errorf("port group membership survives: %v", m)
	}
	c.expect(c.do(http.MethodGet, "/routes/"+via, tRoute, nil), http.StatusNotFound, "")
	c.get("/routes/"+kept, tRoute)
	// The interface is free again.
	c.create("/hosts/"+node1+"/ports", tHIP, map[string]any{"portId": other, "interfaceName": "tap1"})
}

// midonet-api.md §2.2, §3: deleting a bridge deletes its ports (unlinking peers) and its DHCP
// subnets with their hosts, and its MAC/ARP entries.
func TestBridgeDeleteCascades(t *testing.T) {
	c := newSim(t, Options{})
	rt, br := c.router("r"), c.bridge("b")
	rp, bp := c.routerPort(rt, "10.0.0.1", 24), c.bridgePort(br)
	c.link(rp, bp)
	c.create("/bridges/"+br+"/dhcp", tDHCP, map[string]any{"subnetPrefix": "10.0.0.0", "subnetLength": 24})
	c.create("/bridges/"+br+"/dhcp/10.0.0.0_24/hosts", tDHCPHost, map[string]any{"macAddr": "d0:0d:00:00:00:01", "ipAddr": "10.0.0.5", "name": "vm"})
	c.create("/bridges/"+br+"/mac_table", tMacPort, map[string]any{"macAddr": "d0:0d:00:00:00:01", "portId": bp})

	c.expect(c.do(http.MethodDelete, "/bridges/"+br, "", nil), http.StatusNoContent, "")

	c.expect(c.do(http.MethodGet, "/ports/"+bp, tPort, nil), http.StatusNotFound, "")
	if p := c.get("/ports/"+rp, tPort); p["peerId"] != nil {
		t.Errorf("router port still linked: %v", p["peerId"])
	}
	c.expect(c.do(http.MethodGet, "/bridges/"+br+"/dhcp", tDHCPs, nil), http.StatusNotFound, "There is no Network with ID "+br+".")
	// A new bridge with the same id starts empty.
	c.create("/bridges", tBridge, map[string]any{"id": br})
	if l := c.getList("/bridges/"+br+"/dhcp", tDHCPs); len(l) != 0 {
		t.Errorf("dhcp survived: %v", l)
	}
}

// midonet-api.md §2.11: binding checks in order (host, tunnel zone 409, port, already bound 409,
// interface taken 409); success shows on the port; DELETE clears, idempotent.
func TestHostBinding(t *testing.T) {
	c := newSim(t, Options{})
	br := c.bridge("b")
	p1, p2 := c.bridgePort(br), c.bridgePort(br)
	dead := HostID("node-dead") // seeded without tunnel zone
	missing := uuid.NewString()
	tests := []struct {
		name    string
		host    string
		body    map[string]any
		want    int
		message string
	}{
		{"host missing", missing, map[string]any{"portId": p1, "interfaceName": "tap0"}, 404, "There is no Host with ID " + missing + "."},
		{"host in no tunnel zone", dead, map[string]any{"portId": p1, "interfaceName": "tap0"}, 409, "The specified host is not in any tunnel zone."},
		{"port missing", node1, map[string]any{"portId": missing, "interfaceName": "tap0"}, 404, "There is no Port with ID " + missing + "."},
		{"ok", node1, map[string]any{"portId": p1, "interfaceName": "tap0", "deviceId": br, "tenantId": "t1"}, 201, ""},
		{"port already bound", node2, map[string]any{"portId": p1, "interfaceName": "tap9"}, 409, "Port " + p1 + " is already bound to an interface"},
		{"interface taken", node1, map[string]any{"portId": p2, "interfaceName": "tap0"}, 409, "Interface tap0 is already bound to a port."},
		{"same interface on another host", node2, map[string]any{"portId": p2, "interfaceName": "tap0"}, 201, ""},
		{"missing interfaceName", node1, map[string]any{"portId": p2}, 400, "Validation error(s) found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			c.expect(c.do(http.MethodPost, "/hosts/"+tt.host+"/ports", tHIP, tt.body), tt.want, tt.message)
		})
	}
	c.t = t
	port := c.get("/ports/"+p1, tPort)
	if port["hostId"] != node1 || port["interfaceName"] != "tap0" || port["hostInterfacePort"] != c.base+"/hosts/"+node1+"/ports/"+p1 {
		t.Errorf("bound port %v", port)
	}
	b := c.get("/hosts/"+node1+"/ports/"+p1, "")
	if b["interfaceName"] != "tap0" || b["portId"] != p1 || b["hostId"] != node1 {
		t.Errorf("binding %v", b)
	}
	c.expect(c.do(http.MethodGet, "/hosts/"+node2+"/ports/"+p1, "", nil), http.StatusNotFound, "Host interface port not found")
	for i := 0; i < 2; i++ {
		c.expect(c.do(http.MethodDelete, "/hosts/"+node1+"/ports/"+p1, "", nil), http.StatusNoContent, "")
	}
	if port := c.get("/ports/"+p1, tPort); port["hostId"] != nil || port["interfaceName"] != nil || port["hostInterfacePort"] != nil {
		t.Errorf("unbound port %v", port)
	}
	c.expect(c.do(http.MethodDelete, "/hosts/"+node1+"/ports/"+missing, "", nil), http.StatusNotFound, "")

	// The interface is free again once its port is unbound (above), or deleted; a snapshot
	// loaded into another emulator knows what is bound.
	bind := func(c *apiClient, port, iface string) response {
		return c.do(http.MethodPost, "/hosts/"+node1+"/ports", tHIP, map[string]any{"portId": port, "interfaceName": iface})
	}
	p3 := c.bridgePort(br)
	c.expect(bind(c, p3, "tap0"), http.StatusCreated, "")
	c.expect(c.do(http.MethodDelete, "/ports/"+p3, "", nil), http.StatusNoContent, "")
	c.expect(bind(c, p1, "tap0"), http.StatusCreated, "")
	loaded := c.reloaded()
	loaded.expect(bind(loaded, loaded.bridgePort(br), "tap0"), http.StatusConflict, "Interface tap0 is already bound to a port.")
}

// A device's ports and a router's routes are listed through an index (store.childIndex): what
// a cascade deleted is gone from the lists, an id used again shows once, on its new parent,
// and an emulator loaded from a snapshot lists the same.
func TestChildListsFollowCascadesAndReuse(t *testing.T) {
	c := newSim(t, Options{})
	r1, r2 := c.router("r1"), c.router("r2")
	p1, p2 := c.routerPort(r1, "10.0.1.1", 24), c.routerPort(r1, "10.0.2.1", 24)
	p3 := c.routerPort(r2, "10.0.3.1", 24)
	route := func(router, port, id string) {
		c.create("/routers/"+router+"/routes", tRoute, map[string]any{"id": id, "type": "Normal", "nextHopPort": port,
			"srcNetworkAddr": "0.0.0.0", "srcNetworkLength": 0, "dstNetworkAddr": "192.168.0.0", "dstNetworkLength": 16, "weight": 100})
	}
	ids := func(path, mt string) []string {
		var out []string
		for _, o := range c.getList(path, mt) {
			out = append(out, o["id"].(string))
		}
		return out
	}
	normal := func(router string) []string {
		var out []string
		for _, o := range c.getList("/routers/"+router+"/routes", tRoutes) {
			if o["type"] == "Normal" {
				out = append(out, o["id"].(string))
			}
		}
		return out
	}
	a, b := uuid.NewString(), uuid.NewString()
	route(r1, p1, a)
	route(r1, p2, b)
	c.expect(c.do(http.MethodDelete, "/ports/"+p1, "", nil), http.StatusNoContent, "")
	if got := ids("/routers/"+r1+"/ports", tPorts); !slices.Equal(got, []string{p2}) {
		t.Errorf("r1's ports after deleting %s: %v", p1, got)
	}
	if got := normal(r1); !slices.Equal(got, []string{b}) {
		t.Errorf("r1's routes after deleting the next hop of %s: %v, want [%s]", a, got, b)
	}
	// The id of the route the cascade deleted, used again on the other router.
	route(r2, p3, a)
	if got := normal(r1); !slices.Equal(got, []string{b}) {
		t.Errorf("r1's routes after %s moved to r2: %v", a, got)
	}
	if got := normal(r2); !slices.Equal(got, []string{a}) {
		t.Errorf("r2's routes: %v, want [%s]", got, a)
	}
	c.expect(c.do(http.MethodDelete, "/routes/"+b, "", nil), http.StatusNoContent, "")
	route(r1, p2, b)
	if got := normal(r1); !slices.Equal(got, []string{b}) {
		t.Errorf("r1's routes after %s was deleted and created again: %v", b, got)
	}

	loaded := c.reloaded()
	for _, path := range []string{"/routers/" + r1 + "/ports", "/routers/" + r2 + "/ports"} {
		if got, want := loaded.getList(path, tPorts), c.getList(path, tPorts); len(got) != len(want) {
			t.Errorf("%s after a snapshot: %d ports, want %d", path, len(got), len(want))
		}
	}
	for _, r := range []string{r1, r2} {
		path := "/routers/" + r + "/routes"
		if got, want := loaded.getList(path, tRoutes), c.getList(path, tRoutes); len(got) != len(want) {
			t.Errorf("%s after a snapshot: %d routes, want %d", path, len(got), len(want))
		}
	}
}

// reloaded is another emulator loaded from a snapshot of c's.
func (c *apiClient) reloaded() *apiClient {
	c.t.Helper()
	snap := filepath.Join(c.t.TempDir(), "state.json")
	if err := c.srv.Save(snap); err != nil {
		c.t.Fatal(err)
	}
	loaded := newSim(c.t, Options{})
	if err := loaded.srv.Load(snap); err != nil {
		c.t.Fatal(err)
	}
	return loaded
}
