package sim

import (
	"net/http"
	"testing"
)

// midonet-api.md §2.10: seeded hosts with interfaces (type/endpoint/addresses), PUT applies the
// four weights (all required) with 200, DELETE refused for live or bound hosts (403), 200 else.
func TestHosts(t *testing.T) {
	c := newSim(t, Options{})
	h := c.get("/hosts/"+node1, tHost)
	if h["name"] != "node-1" || h["alive"] != true || h["interfaces"] != c.base+"/hosts/"+node1+"/interfaces" ||
		len(h["addresses"].([]any)) != 2 || h["addresses"].([]any)[0] != "10.111.1.5" {
		t.Errorf("host %v", h)
	}
	ifaces := c.getList("/hosts/"+node1+"/interfaces", vndList("Interface-v1"))
	if len(ifaces) != 2 || ifaces[0]["name"] != "eth0" || ifaces[0]["type"] != "Physical" || ifaces[0]["endpoint"] != "PHYSICAL" ||
		ifaces[1]["type"] != "Virtual" || ifaces[1]["endpoint"] != "LOCALHOST" || ifaces[0]["hostId"] != node1 {
		t.Errorf("interfaces %v", ifaces)
	}
	c.get("/hosts/"+node1+"/interfaces/eth0", vnd("Interface-v1"))
	c.expect(c.do(http.MethodGet, "/hosts/"+node1+"/interfaces/eth7", vnd("Interface-v1"), nil), http.StatusNotFound, "Interface not found")

	weights := map[string]any{"floodingProxyWeight": "5", "containerWeight": 2, "containerLimit": 10, "enforceContainerLimit": true}
	c.expect(c.do(http.MethodPut, "/hosts/"+node1, tHost, weights), http.StatusOK, "")
	if h := c.get("/hosts/"+node1, tHost); h["floodingProxyWeight"] != float64(5) || h["enforceContainerLimit"] != true {
		t.Errorf("host after PUT %v", h)
	}
	c.expect(c.do(http.MethodPut, "/hosts/"+node1, tHost, map[string]any{"containerWeight": 2}), http.StatusBadRequest, "Flooding proxy weight must not be null.")

	c.expect(c.do(http.MethodDelete, "/hosts/"+node1, "", nil), http.StatusForbidden, "Cannot delete host "+node1+" because it is active.")
	dead := HostID("node-dead")
	if err := c.srv.SetHostAlive(node1, false); err != nil {
		t.Fatal(err)
	}
	br := c.bridge("b")
	c.create("/hosts/"+node1+"/ports", tHIP, map[string]any{"portId": c.bridgePort(br), "interfaceName": "tap0"})
	c.expect(c.do(http.MethodDelete, "/hosts/"+node1, "", nil), http.StatusForbidden, "Cannot delete host "+node1+" because it has 1 binding(s).")
	c.expect(c.do(http.MethodDelete, "/hosts/"+dead, "", nil), http.StatusOK, "")
	c.expect(c.do(http.MethodGet, "/hosts/"+dead, tHost, nil), http.StatusNotFound, "")
}
