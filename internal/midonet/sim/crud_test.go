package sim

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// midonet-api.md §1.5, §1.7: POST is 201 with an absolute Location and an empty body;
// caller-supplied ids are honoured; a duplicate id is 409 with the storage message.
func TestCreateAnswersLocationWithoutBody(t *testing.T) {
	c := newSim(t, Options{})
	id := uuid.NewString()
	r := c.do(http.MethodPost, "/routers", tRouter, map[string]any{"id": id, "name": "r"})
	c.expect(r, http.StatusCreated, "")
	if r.header.Get("Location") != c.base+"/routers/"+id || len(r.body) != 0 {
		t.Errorf("Location %q body %q", r.header.Get("Location"), r.body)
	}
	c.expect(c.do(http.MethodPost, "/routers", tRouter, map[string]any{"id": id}), http.StatusConflict,
		"A(n) Router with ID "+id+" already exists.")
	c.expect(c.do(http.MethodPost, "/bridges", tBridge, map[string]any{"id": id}), http.StatusCreated, "")
	c.expect(c.do(http.MethodPost, "/bridges", tBridge, map[string]any{"id": id}), http.StatusConflict,
		"A(n) Network with ID "+id+" already exists.")
}

// midonet-api.md §1.6: null fields are included, link fields for null references are null,
// unknown input fields are ignored.
func TestOutputIncludesNulls(t *testing.T) {
	c := newSim(t, Options{})
	id := c.create("/routers", tRouter, map[string]any{"name": "r", "bogus": 1, "uri": "x"})
	r := c.get("/routers/"+id, tRouter)
	for _, k := range []string{"inboundFilterId", "outboundFilterId", "inboundFilter", "tenantId", "loadBalancerId"} {
		v, present := r[k]
		if !present || v != nil {
			t.Errorf("%s = %v (present %v), want null", k, v, present)
		}
	}
	if r["adminStateUp"] != true || r["ports"] != c.base+"/routers/"+id+"/ports" {
		t.Errorf("router %v", r)
	}
}

// midonet-api.md §1.6: numbers and booleans sent as JSON strings are accepted (the original
// sends every scalar as a string), and the text "null" for nwProto means null.
func TestStringCoercedScalars(t *testing.T) {
	c := newSim(t, Options{})
	rt := c.create("/routers", tRouter, map[string]any{"name": "r", "adminStateUp": "false", "asNumber": "65001"})
	r := c.get("/routers/"+rt, tRouter)
	if r["adminStateUp"] != false || r["asNumber"] != float64(65001) {
		t.Errorf("router %v", r)
	}
	p := c.create("/routers/"+rt+"/ports", tPort, map[string]any{
		"type": "Router", "portAddress": "10.0.1.1", "networkAddress": "10.0.1.0", "networkLength": "24",
	})
	port := c.get("/ports/"+p, tPort)
	if port["networkLength"] != float64(24) || port["networkAddress"] != "10.0.1.0" {
		t.Errorf("port %v", port)
	}
	ch := c.chain("c")
	id := c.rule(ch, map[string]any{
		"type": "accept", "position": "1", "nwProto": "null", "invNwSrc": "true",
		"nwSrcAddress": "10.0.0.0", "nwSrcLength": "16", "tpDst": map[string]any{"start": "80", "end": "80"},
		"dlType": "2048",
	})
	rule := c.get("/rules/"+id, tRule)
	if rule["nwProto"] != nil || rule["invNwSrc"] != true || rule["nwSrcLength"] != float64(16) ||
		rule["dlType"] != float64(2048) || rule["position"] != float64(1) {
		t.Errorf("rule %v", rule)
	}
	if tp := rule["tpDst"].(map[string]any); tp["start"] != float64(80) || tp["end"] != float64(80) {
		t.Errorf("tpDst %v", rule["tpDst"])
	}
	c.expect(c.do(http.MethodPost, "/routers", tRouter, map[string]any{"asNumber": "many"}), http.StatusBadRequest, "")
}

// midonet-api.md §1.8, §2.1: PUT replaces every writable field (omitted → null/default,
// adminStateUp back to true); the path id wins over the body id.
func TestPutReplacesRouter(t *testing.T) {
	c := newSim(t, Options{})
	ch := c.chain("in")
	rt := c.create("/routers", tRouter, map[string]any{"name": "r", "tenantId": "t1", "adminStateUp": false, "inboundFilterId": ch})
	c.expect(c.do(http.MethodPut, "/routers/"+rt, tRouter, map[string]any{"id": uuid.NewString(), "asNumber": 64512}), http.StatusNoContent, "")
	r := c.get("/routers/"+rt, tRouter)
	if r["id"] != rt || r["name"] != nil || r["tenantId"] != nil || r["adminStateUp"] != true ||
		r["inboundFilterId"] != nil || r["asNumber"] != float64(64512) {
		t.Errorf("after PUT: %v", r)
	}
	c.expect(c.do(http.MethodPut, "/routers/"+uuid.NewString(), tRouter, map[string]any{}), http.StatusNotFound, "")
}

// midonet-api.md §2.3: a port PUT replaces filters, addresses and MAC but preserves id, tunnel
// key, device, link and binding; the body must carry the stored kind.
func TestPutReplacesPortPreservingLinkAndBinding(t *testing.T) {
	c := newSim(t, Options{})
	rt, br := c.router("r"), c.bridge("b")
	rp, bp := c.routerPort(rt, "10.0.0.1", 24), c.bridgePort(br)
	c.link(rp, bp)
	c.create("/hosts/"+node1+"/ports", tHIP, map[string]any{"portId": bp, "interfaceName": "tap0"})
	ch := c.chain("f")
	before := c.get("/ports/"+bp, tPort)
	c.expect(c.do(http.MethodPut, "/ports/"+bp, tPort, map[string]any{"type": "Bridge", "inboundFilterId": ch, "adminStateUp": "false"}), http.StatusNoContent, "")
	after := c.get("/ports/"+bp, tPort)
	for _, k := range []string{"id", "tunnelKey", "deviceId", "peerId", "hostId", "interfaceName", "hostInterfacePort"} {
		if after[k] != before[k] {
			t.Errorf("%s changed: %v → %v", k, before[k], after[k])
		}
	}
	if after["inboundFilterId"] != ch || after["adminStateUp"] != false {
		t.Errorf("port after PUT %v", after)
	}
	// Router port: omitted portMac is replaced (null), addresses re-sent are kept.
	c.expect(c.do(http.MethodPut, "/ports/"+rp, tPort, map[string]any{"type": "Router", "portAddress": "10.0.0.1", "networkLength": 24}), http.StatusNoContent, "")
	if p := c.get("/ports/"+rp, tPort); p["portMac"] != nil || p["portAddress"] != "10.0.0.1" || p["peerId"] != bp {
		t.Errorf("router port after PUT %v", p)
	}
	c.expect(c.do(http.MethodPut, "/ports/"+rp, tPort, map[string]any{"type": "Bridge"}), http.StatusBadRequest, "Not a router port.")
	c.expect(c.do(http.MethodPut, "/ports/"+rp, tPort, map[string]any{"portAddress": "10.0.0.1"}), http.StatusBadRequest, "")
}

// midonet-api.md §1.4: ?tenant_id= filters only /routers, /bridges, /chains and /port_groups;
// ip_addr_groups and sub-collections ignore it.
func TestTenantFilter(t *testing.T) {
	c := newSim(t, Options{})
	for _, tenant := range []string{"t1", "t2"} {
		body := map[string]any{"name": tenant, "tenantId": tenant}
		c.create("/routers", tRouter, body)
		c.create("/bridges", tBridge, body)
		c.create("/chains", tChain, body)
		c.create("/port_groups", tPortGroup, body)
		c.create("/ip_addr_groups", tIPG, body)
	}
	for _, l := range []struct{ path, mt string }{
		{"/routers", tRouters}, {"/bridges", tBridges}, {"/chains", tChains}, {"/port_groups", tPortGroups},
	} {
		got := c.getList(l.path+"?tenant_id=t1", l.mt)
		if len(got) != 1 || got[0]["tenantId"] != "t1" {
			t.Errorf("%s?tenant_id=t1: %v", l.path, got)
		}
		if all := c.getList(l.path, l.mt); len(all) != 2 {
			t.Errorf("%s: %d objects", l.path, len(all))
		}
	}
	if got := c.getList("/ip_addr_groups?tenant_id=t1", tIPGs); len(got) != 2 {
		t.Errorf("ip_addr_groups ignores tenant_id: got %d", len(got))
	}
	if got := c.getList("/hosts?tenant_id=nobody", tHosts); len(got) != 3 {
		t.Errorf("hosts ignore tenant_id: got %d", len(got))
	}
}

// midonet-api.md §1.8: deleting a missing object is 204 for routers, routes, IP address groups,
// BGP objects, tunnel zones (and port groups), 404 for ports, bridges, chains, rules, hosts and
// DHCP subnets/hosts. A UUID path parameter that does not parse is 404.
func TestDeleteMissing(t *testing.T) {
	c := newSim(t, Options{})
	br := c.bridge("b")
	c.create("/bridges/"+br+"/dhcp", tDHCP, map[string]any{"subnetPrefix": "10.0.0.0", "subnetLength": 24})
	missing := uuid.NewString()
	tests := []struct {
		path    string
		want    int
		message string
	}{
		{"/routers/" + missing, 204, ""},
		{"/routes/" + missing, 204, ""},
		{"/ip_addr_groups/" + missing, 204, ""},
		{"/bgp_peers/" + missing, 204, ""},
		{"/bgp_networks/" + missing, 204, ""},
		{"/tunnel_zones/" + missing, 204, ""},
		{"/port_groups/" + missing, 204, ""},
		{"/ports/" + missing, 404, "There is no Port with ID " + missing + "."},
		{"/bridges/" + missing, 404, "There is no Network with ID " + missing + "."},
		{"/chains/" + missing, 404, "There is no Chain with ID " + missing + "."},
		{"/rules/" + missing, 404, "There is no Rule with ID " + missing + "."},
		{"/hosts/" + missing, 404, "There is no Host with ID " + missing + "."},
		{"/bridges/" + br + "/dhcp/10.9.0.0_24", 404, "Network " + br + " does not have a subnet with address 10.9.0.0/24."},
		{"/bridges/" + br + "/dhcp/10.0.0.0_24/hosts/aa:bb:cc:dd:ee:ff", 404, "Network " + br + " does not have a subnet with address 10.0.0.0/24."},
		{"/routers/not-a-uuid", 404, ""},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.path, "/"), func(t *testing.T) {
			c.t = t
			c.expect(c.do(http.MethodDelete, tt.path, "", nil), tt.want, tt.message)
		})
	}
}

// midonet-api.md §1.8: GET of a missing id is 404 "There is no <Class> with ID <id>." with
// MidoNet's storage class names.
func TestGetMissingUsesStorageClassNames(t *testing.T) {
	c := newSim(t, Options{})
	missing := uuid.NewString()
	for _, tt := range []struct{ path, mt, class string }{
		{"/routers/", tRouter, "Router"}, {"/bridges/", tBridge, "Network"}, {"/ports/", tPort, "Port"},
		{"/routes/", tRoute, "Route"}, {"/chains/", tChain, "Chain"}, {"/rules/", tRule, "Rule"},
		{"/ip_addr_groups/", tIPG, "IPAddrGroup"}, {"/hosts/", tHost, "Host"}, {"/tunnel_zones/", tTZ, "TunnelZone"},
		{"/bgp_peers/", tBGPPeer, "BgpPeer"}, {"/bgp_networks/", tBGPNetwork, "BgpNetwork"},
	} {
		c.expect(c.do(http.MethodGet, tt.path+missing, tt.mt, nil), http.StatusNotFound,
			"There is no "+tt.class+" with ID "+missing+".")
	}
}

// midonet-api.md §1.7: a body that is not JSON is a 400 with a message.
func TestMalformedBody(t *testing.T) {
	c := newSim(t, Options{})
	c.expect(c.do(http.MethodPost, "/routers", tRouter, "{not json"), http.StatusBadRequest, "")
	c.expect(c.do(http.MethodPost, "/routers", tRouter, map[string]any{"inboundFilterId": "nope"}), http.StatusBadRequest, "")
}
