package sim

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
)

// midonet-api.md §2.15: port groups, members (duplicate 409 without body; DELETE of a non-member
// that exists 404 without body, of a vanished port 204), port_id filter.
func TestPortGroups(t *testing.T) {
	c := newSim(t, Options{})
	br := c.bridge("b")
	p1, p2 := c.bridgePort(br), c.bridgePort(br)
	g := c.create("/port_groups", tPortGroup, map[string]any{"name": "pg", "tenantId": "t1", "stateful": "true"})
	members := "/port_groups/" + g + "/ports"
	c.create(members, vnd("PortGroupPort-v1"), map[string]any{"portId": p1})
	dup := c.do(http.MethodPost, members, vnd("PortGroupPort-v1"), map[string]any{"portId": p1})
	if dup.status != http.StatusConflict || len(dup.body) != 0 {
		t.Errorf("duplicate member %d %q", dup.status, dup.body)
	}
	if l := c.getList("/port_groups?port_id="+p1, tPortGroups); len(l) != 1 || l[0]["stateful"] != true {
		t.Errorf("by port %v", l)
	}
	if l := c.getList("/ports/"+p1+"/port_groups", vndList("PortGroupPort-v1")); len(l) != 1 || l[0]["portGroupId"] != g {
		t.Errorf("port's groups %v", l)
	}
	notMember := c.do(http.MethodDelete, members+"/"+p2, "", nil)
	if notMember.status != http.StatusNotFound || len(notMember.body) != 0 {
		t.Errorf("non-member delete %d %q", notMember.status, notMember.body)
	}
	c.expect(c.do(http.MethodDelete, members+"/"+uuid.NewString(), "", nil), http.StatusNoContent, "")
	c.expect(c.do(http.MethodPut, "/port_groups/"+g, tPortGroup, map[string]any{"name": "pg2"}), http.StatusNoContent, "")
	if pg := c.get("/port_groups/"+g, tPortGroup); pg["name"] != "pg2" || pg["tenantId"] != nil || pg["stateful"] != false {
		t.Errorf("group after PUT %v", pg)
	}
	if l := c.getList(members, vndList("PortGroupPort-v1")); len(l) != 1 {
		t.Errorf("members after PUT %v", l)
	}
	c.expect(c.do(http.MethodDelete, members+"/"+p1, "", nil), http.StatusNoContent, "")
}
