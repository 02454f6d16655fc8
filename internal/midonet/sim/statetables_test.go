package sim

import (
	"net/http"
	"testing"
)

// midonet-api.md §2.14: MAC entries <mac-dashes>_<portId> (port must belong to the bridge), ARP
// entries <ip>_<mac-dashes>; GET of a missing entry 404, DELETE 204.
func TestMacAndArpTables(t *testing.T) {
	c := newSim(t, Options{})
	br, other := c.bridge("b"), c.bridge("o")
	bp, foreign := c.bridgePort(br), c.bridgePort(other)
	r := c.do(http.MethodPost, "/bridges/"+br+"/mac_table", tMacPort, map[string]any{"macAddr": "d0:0d:00:00:00:01", "portId": bp})
	c.expect(r, http.StatusCreated, "")
	key := "d0-0d-00-00-00-01_" + bp
	if loc := r.header.Get("Location"); loc != c.base+"/bridges/"+br+"/mac_table/"+key {
		t.Errorf("Location %q", loc)
	}
	c.expect(c.do(http.MethodPost, "/bridges/"+br+"/mac_table", tMacPort, map[string]any{"macAddr": "d0:0d:00:00:00:02", "portId": foreign}),
		http.StatusBadRequest, "The port must belong to the bridge that owns the MAC table.")
	c.expect(c.do(http.MethodPost, "/bridges/"+br+"/mac_table", tMacPort, map[string]any{"macAddr": "nope", "portId": bp}), http.StatusBadRequest, "")
	if e := c.get("/bridges/"+br+"/mac_table/"+key, tMacPort); e["macAddr"] != "d0:0d:00:00:00:01" || e["portId"] != bp {
		t.Errorf("entry %v", e)
	}
	if l := c.getList("/bridges/"+br+"/mac_table", vndList("MacPort-v2")); len(l) != 1 {
		t.Errorf("mac table %v", l)
	}
	c.expect(c.do(http.MethodDelete, "/bridges/"+br+"/mac_table/"+key, "", nil), http.StatusNoContent, "")
	c.expect(c.do(http.MethodGet, "/bridges/"+br+"/mac_table/"+key, tMacPort, nil), http.StatusNotFound, "")

	r = c.do(http.MethodPost, "/bridges/"+br+"/arp_table", tIP4Mac, map[string]any{"ip": "10.0.0.5", "mac": "d0:0d:00:00:00:05"})
	c.expect(r, http.StatusCreated, "")
	arpKey := "10.0.0.5_d0-0d-00-00-00-05"
	if loc := r.header.Get("Location"); loc != c.base+"/bridges/"+br+"/arp_table/"+arpKey {
		t.Errorf("Location %q", loc)
	}
	if e := c.get("/bridges/"+br+"/arp_table/"+arpKey, tIP4Mac); e["ip"] != "10.0.0.5" || e["mac"] != "d0:0d:00:00:00:05" {
		t.Errorf("arp entry %v", e)
	}
	for i := 0; i < 2; i++ {
		c.expect(c.do(http.MethodDelete, "/bridges/"+br+"/arp_table/"+arpKey, "", nil), http.StatusNoContent, "")
	}
	c.expect(c.do(http.MethodGet, "/bridges/"+br+"/arp_table/"+arpKey, tIP4Mac, nil), http.StatusNotFound, "")
}
