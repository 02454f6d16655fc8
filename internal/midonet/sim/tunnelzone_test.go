package sim

import (
	"net/http"
	"testing"
)

// midonet-api.md §2.12: unique names (409, PUT with the same name too), type required, member
// duplicates 409 without body, missing member DELETE 404 without body; delete removes members.
func TestTunnelZones(t *testing.T) {
	c := newSim(t, Options{})
	zones := c.getList("/tunnel_zones", tTZs)
	if len(zones) != 1 || zones[0]["name"] != "mido-tz" || zones[0]["type"] != "gre" || zones[0]["id"] != TunnelZoneID("mido-tz") {
		t.Fatalf("seeded zones %v", zones)
	}
	tz := zones[0]["id"].(string)
	c.expect(c.do(http.MethodPost, "/tunnel_zones", tTZ, map[string]any{"name": "mido-tz", "type": "vxlan"}), http.StatusConflict, "Tunnel zone name already exists.")
	if v := violationsOf(t, c.do(http.MethodPost, "/tunnel_zones", tTZ, map[string]any{"name": "x"})); v["type"] != msgNotNull {
		t.Errorf("violations %v", v)
	}
	c.expect(c.do(http.MethodPut, "/tunnel_zones/"+tz, tTZ, map[string]any{"name": "mido-tz", "type": "gre"}), http.StatusConflict, "Tunnel zone name already exists.")
	c.expect(c.do(http.MethodPut, "/tunnel_zones/"+tz, tTZ, map[string]any{"name": "renamed", "type": "gre"}), http.StatusNoContent, "")

	members := c.getList("/tunnel_zones/"+tz+"/hosts", vndList("TunnelZoneHost-v1"))
	if len(members) != 2 || members[0]["hostId"] != node1 || members[0]["ipAddress"] != "10.111.1.5" {
		t.Errorf("members %v", members)
	}
	dup := c.do(http.MethodPost, "/tunnel_zones/"+tz+"/hosts", tTZHost, map[string]any{"hostId": node1, "ipAddress": "10.111.1.5"})
	if dup.status != http.StatusConflict || len(dup.body) != 0 {
		t.Errorf("duplicate member: %d %q", dup.status, dup.body)
	}
	dead := HostID("node-dead")
	c.create("/tunnel_zones/"+tz+"/hosts", vnd("GreTunnelZoneHost-v1"), map[string]any{"hostId": dead, "ipAddress": "10.111.1.9"})
	c.expect(c.do(http.MethodDelete, "/tunnel_zones/"+tz+"/hosts/"+dead, "", nil), http.StatusNoContent, "")
	gone := c.do(http.MethodDelete, "/tunnel_zones/"+tz+"/hosts/"+dead, "", nil)
	if gone.status != http.StatusNotFound || len(gone.body) != 0 {
		t.Errorf("missing member delete: %d %q", gone.status, gone.body)
	}
	c.expect(c.do(http.MethodDelete, "/tunnel_zones/"+tz, "", nil), http.StatusNoContent, "")
	// Hosts are in no zone any more: binding is refused.
	br := c.bridge("b")
	c.expect(c.do(http.MethodPost, "/hosts/"+node1+"/ports", tHIP, map[string]any{"portId": c.bridgePort(br), "interfaceName": "tap0"}),
		http.StatusConflict, "The specified host is not in any tunnel zone.")
}
