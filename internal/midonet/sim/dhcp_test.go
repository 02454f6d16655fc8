package sim

import (
	"net/http"
	"reflect"
	"testing"
)

// midonet-api.md §2.9: subnets addressed as <prefix>_<len>; duplicates 409; PUT replaces all but
// the hosts; hosts keyed by MAC (colons or dashes) with extraDhcpOpts; MidoNet's 404 texts.
func TestDHCPSubnetsAndHosts(t *testing.T) {
	c := newSim(t, Options{})
	br := c.bridge("b")
	base := "/bridges/" + br + "/dhcp"
	r := c.do(http.MethodPost, base, tDHCP, map[string]any{
		"subnetPrefix": "10.0.1.0", "subnetLength": "24", "defaultGateway": "10.0.1.1",
		"dnsServerAddrs": []string{"8.8.8.8"}, "tenantId": "ignored",
		"opt121Routes": []any{map[string]any{"destinationPrefix": "169.254.169.254", "destinationLength": "32", "gatewayAddr": "10.0.1.1"}},
	})
	c.expect(r, http.StatusCreated, "")
	if loc := r.header.Get("Location"); loc != c.base+base+"/10.0.1.0_24" {
		t.Errorf("Location %q", loc)
	}
	c.expect(c.do(http.MethodPost, base, tDHCP, map[string]any{"subnetPrefix": "10.0.1.0", "subnetLength": 24}),
		http.StatusConflict, "The specified DHCP subnet(10.0.1.0/24) already exists on this bridge.")
	if v := violationsOf(t, c.do(http.MethodPost, base, tDHCP, map[string]any{"subnetLength": 24})); v["subnetPrefix"] != msgNotNull {
		t.Errorf("violations %v", v)
	}
	s := c.get(base+"/10.0.1.0_24", tDHCP)
	if s["defaultGateway"] != "10.0.1.1" || s["enabled"] != true || s["hosts"] != c.base+base+"/10.0.1.0_24/hosts" ||
		len(s["opt121Routes"].([]any)) != 1 || s["serverAddr"] != nil {
		t.Errorf("subnet %v", s)
	}
	c.expect(c.do(http.MethodGet, base+"/10.0.9.0_24", tDHCP, nil), http.StatusNotFound, "")

	hosts := base + "/10.0.1.0_24/hosts"
	opts := []any{map[string]any{"optName": "domain_search", "optValue": "example.internal"}}
	r = c.do(http.MethodPost, hosts, tDHCPHost, map[string]any{"macAddr": "D0:0D:12:34:56:78", "ipAddr": "10.0.1.5", "name": "i-1", "extraDhcpOpts": opts})
	c.expect(r, http.StatusCreated, "")
	if loc := r.header.Get("Location"); loc != c.base+hosts+"/d0:0d:12:34:56:78" {
		t.Errorf("Location %q", loc)
	}
	c.expect(c.do(http.MethodPost, hosts, tDHCPHost, map[string]any{"macAddr": "d0:0d:12:34:56:78", "ipAddr": "10.0.1.6", "name": "dup"}),
		http.StatusConflict, "Subnet 10.0.1.0/24 on bridge "+br+" already has a host with MAC address d0:0d:12:34:56:78.")
	// The dash form is refused with a 500, as MidoNet's MAC.fromString throws (spec §6.1).
	c.expect(c.do(http.MethodGet, hosts+"/d0-0d-12-34-56-78", tDHCPHost, nil), http.StatusInternalServerError, "Invalid MAC address: d0-0d-12-34-56-78")
	h := c.get(hosts+"/d0:0d:12:34:56:78", tDHCPHost)
	if h["ipAddr"] != "10.0.1.5" || h["name"] != "i-1" || !reflect.DeepEqual(h["extraDhcpOpts"], opts) {
		t.Errorf("host %v", h)
	}
	c.expect(c.do(http.MethodPut, hosts+"/d0:0d:12:34:56:78", tDHCPHost, map[string]any{"ipAddr": "10.0.1.7", "name": "i-1"}), http.StatusNoContent, "")
	if h := c.get(hosts+"/d0:0d:12:34:56:78", tDHCPHost); h["ipAddr"] != "10.0.1.7" || len(h["extraDhcpOpts"].([]any)) != 0 {
		t.Errorf("host after PUT %v", h)
	}
	notThere := "Network " + br + " does not have a subnet with address 10.0.1.0/24."
	c.expect(c.do(http.MethodGet, hosts+"/d0:0d:00:00:00:00", tDHCPHost, nil), http.StatusNotFound, notThere)

	// PUT replaces the subnet fields (omitted → default) but keeps its hosts.
	c.expect(c.do(http.MethodPut, base+"/10.0.1.0_24", tDHCP, map[string]any{"subnetPrefix": "10.0.1.0", "subnetLength": 24, "enabled": false}), http.StatusNoContent, "")
	s = c.get(base+"/10.0.1.0_24", tDHCP)
	if s["defaultGateway"] != nil || s["enabled"] != false || s["dnsServerAddrs"] != nil {
		t.Errorf("subnet after PUT %v", s)
	}
	if l := c.getList(hosts, tDHCPHosts); len(l) != 1 {
		t.Errorf("hosts after subnet PUT %v", l)
	}
	c.expect(c.do(http.MethodPut, base+"/10.0.2.0_24", tDHCP, map[string]any{"subnetPrefix": "10.0.2.0", "subnetLength": 24}),
		http.StatusNotFound, "Network "+br+" does not have a subnet with address 10.0.2.0/24.")
	// DELETE removes the subnet with its hosts.
	c.expect(c.do(http.MethodDelete, base+"/10.0.1.0_24", "", nil), http.StatusNoContent, "")
	c.expect(c.do(http.MethodGet, hosts, tDHCPHosts, nil), http.StatusNotFound, notThere)
}
