package sim

import (
	"net/http"
	"strings"
	"testing"
)

// The emulator is as strict as MidoNet where a second reading of its source found it kinder
// (spec midonet-api.md §6.1). Each case failed against the emulator before.

func TestASNumbersAreInt32(t *testing.T) {
	c := newSim(t, Options{})
	r := c.do(http.MethodPost, "/routers", tRouter, map[string]any{"name": "eucart", "tenantId": "t1", "asNumber": 4200000000})
	c.expect(r, http.StatusBadRequest, "")
	if !strings.Contains(string(r.body), "out of range of int") {
		t.Errorf("router with a 4-byte private ASN: %s", r.body)
	}
	rt := c.create("/routers", tRouter, map[string]any{"name": "eucart", "tenantId": "t1", "asNumber": 2147483647})
	if got := c.get("/routers/"+rt, tRouter)["asNumber"]; got != float64(2147483647) {
		t.Errorf("asNumber = %v, want 2147483647 kept", got)
	}
	r = c.do(http.MethodPost, "/routers/"+rt+"/bgp_peers", tBGPPeer, map[string]any{"asNumber": 2147483648, "address": "10.0.0.1"})
	c.expect(r, http.StatusBadRequest, "")
	c.create("/routers/"+rt+"/bgp_peers", tBGPPeer, map[string]any{"asNumber": 2147483647, "address": "10.0.0.1"})
}

// TestPortPutTakesBindingAndLinkFromTheBody: non-null hostId, interfaceName and peerId in a PUT
// replace the stored ones (MidoNet's Port.update), null ones keep them.
func TestPortPutTakesBindingAndLinkFromTheBody(t *testing.T) {
	c := newSim(t, Options{})
	br := c.bridge("b")
	p := c.bridgePort(br)
	c.create("/hosts/"+node1+"/ports", tHIP, map[string]any{"portId": p, "interfaceName": "tap0"})
	a, b := c.bridgePort(br), c.bridgePort(br)
	c.link(p, a)

	// Null binding and link: kept.
	c.expect(c.do(http.MethodPut, "/ports/"+p, tPort, map[string]any{"type": "Bridge"}), http.StatusNoContent, "")
	if got := c.get("/ports/"+p, tPort); got["hostId"] != node1 || got["interfaceName"] != "tap0" || got["peerId"] != a {
		t.Fatalf("port after a PUT without binding or link: %v", got)
	}
	// Stale ones in the body: taken as they are.
	c.expect(c.do(http.MethodPut, "/ports/"+p, tPort, map[string]any{"type": "Bridge", "hostId": node2, "interfaceName": "tap9", "peerId": b}), http.StatusNoContent, "")
	if got := c.get("/ports/"+p, tPort); got["hostId"] != node2 || got["interfaceName"] != "tap9" || got["peerId"] != b {
		t.Errorf("port after a PUT carrying other binding and link: %v", got)
	}
}

// TestPortDeleteKeepsMACEntries: deleting a port leaves the MAC-table entries that point at it.
func TestPortDeleteKeepsMACEntries(t *testing.T) {
	c := newSim(t, Options{})
	br := c.bridge("b")
	p := c.bridgePort(br)
	c.create("/bridges/"+br+"/mac_table", tMacPort, map[string]any{"macAddr": "d0:0d:00:00:00:01", "portId": p})
	c.expect(c.do(http.MethodDelete, "/ports/"+p, "", nil), http.StatusNoContent, "")
	entries := c.getList("/bridges/"+br+"/mac_table", "application/json")
	if len(entries) != 1 || entries[0]["portId"] != p {
		t.Fatalf("MAC table after the port's delete = %v, want its entry kept", entries)
	}
	c.expect(c.do(http.MethodDelete, "/bridges/"+br+"/mac_table/d0-0d-00-00-00-01_"+p, "", nil), http.StatusNoContent, "")
	if entries := c.getList("/bridges/"+br+"/mac_table", "application/json"); len(entries) != 0 {
		t.Errorf("MAC table after deleting the entry = %v", entries)
	}
}

func TestRouteTypesAreCaseSensitive(t *testing.T) {
	c := newSim(t, Options{})
	rt := c.router("r")
	port := c.routerPort(rt, "10.0.0.1", 24)
	body := func(typ string) map[string]any {
		return map[string]any{"srcNetworkAddr": "0.0.0.0", "srcNetworkLength": 0, "dstNetworkAddr": "10.9.0.0",
			"dstNetworkLength": 16, "type": typ, "nextHopPort": port, "weight": 10}
	}
	c.expect(c.do(http.MethodPost, "/routers/"+rt+"/routes", tRoute, body("normal")), http.StatusBadRequest, "This type of route is invalid.")
	c.expect(c.do(http.MethodPost, "/routers/"+rt+"/routes", tRoute, body("BLACKHOLE")), http.StatusBadRequest, "This type of route is invalid.")
	c.create("/routers/"+rt+"/routes", tRoute, body("Normal"))
}

func TestMACsAreColonSeparatedOnly(t *testing.T) {
	c := newSim(t, Options{})
	rt, br := c.router("r"), c.bridge("b")
	p := c.bridgePort(br)
	for _, tc := range []struct {
		what, path, mt string
		body           map[string]any
	}{
		{"router port MAC", "/routers/" + rt + "/ports", tPort, map[string]any{"type": "Router", "portAddress": "10.0.0.1", "networkLength": 24, "portMac": "ac-ca-ba-00-00-01"}},
		{"ARP entry", "/bridges/" + br + "/arp_table", tIP4Mac, map[string]any{"ip": "10.0.0.5", "mac": "d0-0d-00-00-00-05"}},
		{"MAC entry", "/bridges/" + br + "/mac_table", tMacPort, map[string]any{"macAddr": "d0-0d-00-00-00-05", "portId": p}},
		{"rule dlSrc", "/chains/" + c.chain("c") + "/rules", tRule, map[string]any{"type": "drop", "dlSrc": "d0-0d-00-00-00-05"}},
	} {
		if r := c.do(http.MethodPost, tc.path, tc.mt, tc.body); r.status != http.StatusBadRequest {
			t.Errorf("%s with a dashed MAC: %d %s, want 400", tc.what, r.status, r.body)
		}
	}
	c.create("/bridges/"+br+"/arp_table", tIP4Mac, map[string]any{"ip": "10.0.0.5", "mac": "D0:0D:00:00:00:05"})
}

func TestIPv6GroupAddressesPrintedUncompressed(t *testing.T) {
	c := newSim(t, Options{})
	g := c.create("/ip_addr_groups", tIPG, map[string]any{"name": "sg_all_sg-1"})
	loc := c.do(http.MethodPost, "/ip_addr_groups/"+g+"/ip_addrs", tIPGAddr, map[string]any{"addr": "2001:db8::1", "version": 6}).header.Get("Location")
	if !strings.HasSuffix(loc, "/versions/6/ip_addrs/2001:db8:0:0:0:0:0:1") {
		t.Errorf("Location %q", loc)
	}
	addrs := c.getList("/ip_addr_groups/"+g+"/ip_addrs", tIPGAddrs)
	if len(addrs) != 1 || addrs[0]["addr"] != "2001:db8:0:0:0:0:0:1" {
		t.Errorf("addresses = %v, want 2001:db8:0:0:0:0:0:1", addrs)
	}
	// Any spelling finds it.
	c.expect(c.do(http.MethodGet, "/ip_addr_groups/"+g+"/versions/6/ip_addrs/2001:db8::1", tIPGAddr, nil), http.StatusOK, "")
}
