package sim

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
)

// midonet-api.md §2.8: group name required; addresses addressed as versions/4/ip_addrs/<addr>;
// duplicates 409; bad version 400; DELETE idempotent; group delete 204 even if missing.
func TestIPAddrGroups(t *testing.T) {
	c := newSim(t, Options{})
	if v := violationsOf(t, c.do(http.MethodPost, "/ip_addr_groups", tIPG, map[string]any{"tenantId": "t1"})); v["name"] != msgNotNull {
		t.Errorf("violations %v", v)
	}
	g := c.create("/ip_addr_groups", tIPG, map[string]any{"name": "elip_1", "tenantId": "ignored"})
	grp := c.get("/ip_addr_groups/"+g, tIPG)
	if grp["name"] != "elip_1" || grp["addrs"] != c.base+"/ip_addr_groups/"+g+"/ip_addrs" {
		t.Errorf("group %v", grp)
	}
	if _, has := grp["tenantId"]; has {
		t.Errorf("groups have no tenantId: %v", grp)
	}
	r := c.do(http.MethodPost, "/ip_addr_groups/"+g+"/ip_addrs", tIPGAddr, map[string]any{"version": "4", "addr": "10.0.0.5"})
	c.expect(r, http.StatusCreated, "")
	if loc := r.header.Get("Location"); loc != c.base+"/ip_addr_groups/"+g+"/versions/4/ip_addrs/10.0.0.5" {
		t.Errorf("Location %q", loc)
	}
	c.expect(c.do(http.MethodPost, "/ip_addr_groups/"+g+"/ip_addrs", tIPGAddr, map[string]any{"version": 4, "addr": "10.0.0.5"}),
		http.StatusConflict, "IP address group already contains IP 10.0.0.5.")
	c.expect(c.do(http.MethodPost, "/ip_addr_groups/"+g+"/ip_addrs", tIPGAddr, map[string]any{"addr": "10.0.0.6"}), http.StatusBadRequest, "")
	c.expect(c.do(http.MethodPost, "/ip_addr_groups/"+g+"/ip_addrs", tIPGAddr, map[string]any{"version": 4, "addr": "10.0.0"}), http.StatusBadRequest, "")
	missing := uuid.NewString()
	c.expect(c.do(http.MethodPost, "/ip_addr_groups/"+missing+"/ip_addrs", tIPGAddr, map[string]any{"version": 4, "addr": "10.0.0.7"}),
		http.StatusNotFound, "There is no IPAddrGroup with ID "+missing+".")
	c.create("/ip_addr_groups/"+g+"/ip_addrs", tIPGAddr, map[string]any{"version": "6", "addr": "fd00::1"})

	addrs := c.getList("/ip_addr_groups/"+g+"/ip_addrs", tIPGAddrs)
	if len(addrs) != 2 || addrs[0]["addr"] != "10.0.0.5" || addrs[0]["version"] != float64(4) || addrs[0]["ipAddrGroupId"] != g {
		t.Errorf("addrs %v", addrs)
	}
	one := c.get("/ip_addr_groups/"+g+"/versions/4/ip_addrs/10.0.0.5", tIPGAddr)
	if one["uri"] != c.base+"/ip_addr_groups/"+g+"/versions/4/ip_addrs/10.0.0.5" {
		t.Errorf("addr %v", one)
	}
	c.expect(c.do(http.MethodGet, "/ip_addr_groups/"+g+"/versions/5/ip_addrs/10.0.0.5", tIPGAddr, nil), http.StatusBadRequest, "Invalid IP version: 5")
	c.expect(c.do(http.MethodGet, "/ip_addr_groups/"+g+"/versions/4/ip_addrs/10.0.0.99", tIPGAddr, nil), http.StatusNotFound, "")
	for i := 0; i < 2; i++ {
		c.expect(c.do(http.MethodDelete, "/ip_addr_groups/"+g+"/versions/4/ip_addrs/10.0.0.5", "", nil), http.StatusNoContent, "")
	}
	if addrs := c.getList("/ip_addr_groups/"+g+"/ip_addrs", tIPGAddrs); len(addrs) != 1 {
		t.Errorf("addrs after delete %v", addrs)
	}
	// §3: no reference checks — a rule keeps a dangling group id.
	ch := c.chain("c")
	rl := c.rule(ch, map[string]any{"type": "accept", "ipAddrGroupSrc": g})
	c.expect(c.do(http.MethodDelete, "/ip_addr_groups/"+g, "", nil), http.StatusNoContent, "")
	if r := c.get("/rules/"+rl, tRule); r["ipAddrGroupSrc"] != g {
		t.Errorf("rule lost its group: %v", r["ipAddrGroupSrc"])
	}
}
