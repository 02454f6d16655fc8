package sim

import (
	"net/http"
	"testing"
)

// midonet-api.md §2.13: router-level BGP peers (duplicate address+AS is 400) and networks; PUT
// of a router with asNumber sets the local AS.
func TestBGP(t *testing.T) {
	c := newSim(t, Options{})
	rt := c.router("eucart")
	c.expect(c.do(http.MethodPut, "/routers/"+rt, tRouter, map[string]any{"name": "eucart", "asNumber": "65100"}), http.StatusNoContent, "")
	peer := c.create("/routers/"+rt+"/bgp_peers", tBGPPeer, map[string]any{"asNumber": "65000", "address": "192.168.0.1", "tenantId": "x"})
	c.expect(c.do(http.MethodPost, "/routers/"+rt+"/bgp_peers", tBGPPeer, map[string]any{"asNumber": 65000, "address": "192.168.0.1"}),
		http.StatusBadRequest, "A BGP peer with address 192.168.0.1 and AS number 65000 already exists.")
	if v := violationsOf(t, c.do(http.MethodPost, "/routers/"+rt+"/bgp_peers", tBGPPeer, map[string]any{"asNumber": 65000, "address": "192.168.0.2", "keepAlive": 1})); v["keepAlive"] == "" {
		t.Errorf("violations %v", v)
	}
	p := c.get("/bgp_peers/"+peer, tBGPPeer)
	if p["asNumber"] != float64(65000) || p["address"] != "192.168.0.1" || p["router"] != c.base+"/routers/"+rt {
		t.Errorf("peer %v", p)
	}
	c.expect(c.do(http.MethodPut, "/bgp_peers/"+peer, tBGPPeer, map[string]any{"asNumber": 65001, "address": "192.168.0.1", "holdTime": 90}), http.StatusNoContent, "")
	if p := c.get("/bgp_peers/"+peer, tBGPPeer); p["asNumber"] != float64(65001) || p["holdTime"] != float64(90) {
		t.Errorf("peer after PUT %v", p)
	}
	network := c.create("/routers/"+rt+"/bgp_networks", tBGPNetwork, map[string]any{"subnetAddress": "10.0.0.0", "subnetLength": "16"})
	c.create("/routers/"+rt+"/bgp_networks", tBGPNetwork, map[string]any{"subnetAddress": "10.0.0.0", "subnetLength": "16"}) // no duplicate check
	if l := c.getList("/routers/"+rt+"/bgp_networks", vndList("BgpNetwork-v1")); len(l) != 2 || l[0]["id"] != network {
		t.Errorf("networks %v", l)
	}
	if r := c.get("/routers/"+rt, tRouter); r["asNumber"] != float64(65100) {
		t.Errorf("router asNumber %v", r["asNumber"])
	}
	c.expect(c.do(http.MethodDelete, "/bgp_networks/"+network, "", nil), http.StatusNoContent, "")
	c.expect(c.do(http.MethodGet, "/bgp_networks/"+network, tBGPNetwork, nil), http.StatusNotFound, "")
}
