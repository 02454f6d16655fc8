package midonet_test

import (
	"slices"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
)

// IP address groups (spec §2.8) and port groups (§2.15).
func TestContractGroups(t *testing.T) {
	t.Run("§2.8 IP address groups and addresses", func(t *testing.T) {
		e := plainEnv(t)
		g := must[*midonet.IPAddrGroup](t, "create")(e.c.CreateIPAddrGroup(e.ctx, &midonet.IPAddrGroup{Name: "sg-ingress"}))
		if g.ID == "" || g.Name != "sg-ingress" || g.URI == "" {
			t.Fatalf("group = %+v", g)
		}
		id := newID()
		must[*midonet.IPAddrGroup](t, "create with id")(e.c.CreateIPAddrGroup(e.ctx, &midonet.IPAddrGroup{ID: id, Name: "elip"}))
		if got := must[*midonet.IPAddrGroup](t, "get")(e.c.GetIPAddrGroup(e.ctx, id)); got.Name != "elip" {
			t.Fatalf("get = %+v", got)
		}
		if got := must[[]midonet.IPAddrGroup](t, "list")(e.c.ListIPAddrGroups(e.ctx)); len(got) != 2 {
			t.Fatalf("groups = %+v", got)
		}

		a := must[*midonet.IPAddrGroupAddr](t, "add")(e.c.AddIPAddrGroupAddr(e.ctx, g.ID, &midonet.IPAddrGroupAddr{Addr: "10.0.1.5"}))
		if a.Addr != "10.0.1.5" || a.Version != midonet.IPVersion4 || a.IPAddrGroupID != g.ID ||
			a.URI != e.run.URL+"/ip_addr_groups/"+g.ID+"/versions/4/ip_addrs/10.0.1.5" {
			t.Fatalf("address = %+v", a)
		}
		must[*midonet.IPAddrGroupAddr](t, "add second")(e.c.AddIPAddrGroupAddr(e.ctx, g.ID, &midonet.IPAddrGroupAddr{Addr: "10.0.1.6", Version: "4"}))
		v6 := must[*midonet.IPAddrGroupAddr](t, "add v6")(e.c.AddIPAddrGroupAddr(e.ctx, g.ID, &midonet.IPAddrGroupAddr{Addr: "2001:db8:0:0:0:0:0:1"}))
		if v6.Version != midonet.IPVersion6 {
			t.Fatalf("v6 address = %+v", v6)
		}
		_, err := e.c.AddIPAddrGroupAddr(e.ctx, g.ID, &midonet.IPAddrGroupAddr{Addr: "10.0.1.5"})
		wantConflict(t, err, "IP address group already contains IP 10.0.1.5.")
		_, err = e.c.AddIPAddrGroupAddr(e.ctx, newID(), &midonet.IPAddrGroupAddr{Addr: "10.0.1.5"})
		wantNotFound(t, err, "")
		addrs := func() []string {
			var out []string
			for _, a := range must[[]midonet.IPAddrGroupAddr](t, "list addrs")(e.c.ListIPAddrGroupAddrs(e.ctx, g.ID)) {
				out = append(out, a.Addr)
			}
			slices.Sort(out)
			return out
		}
		if got := addrs(); !slices.Equal(got, []string{"10.0.1.5", "10.0.1.6", "2001:db8:0:0:0:0:0:1"}) {
			t.Fatalf("addresses = %v", got)
		}
		if got := must[*midonet.IPAddrGroupAddr](t, "get addr")(e.c.GetIPAddrGroupAddr(e.ctx, g.ID, "10.0.1.6")); got.Addr != "10.0.1.6" {
			t.Fatalf("get addr = %+v", got)
		}

		mustDo(t, "delete addr", e.c.DeleteIPAddrGroupAddr(e.ctx, g.ID, "10.0.1.5"))
		mustDo(t, "delete addr again (204)", e.c.DeleteIPAddrGroupAddr(e.ctx, g.ID, "10.0.1.5"))
		_, err = e.c.GetIPAddrGroupAddr(e.ctx, g.ID, "10.0.1.5")
		wantNotFound(t, err, "")
		if got := addrs(); !slices.Equal(got, []string{"10.0.1.6", "2001:db8:0:0:0:0:0:1"}) {
			t.Fatalf("addresses after delete = %v", got)
		}

		// A rule keeps a dangling group id after the group is deleted (§3).
		ch := must[*midonet.Chain](t, "chain")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "c"}))
		r := must[*midonet.Rule](t, "rule")(e.c.CreateRule(e.ctx, ch.ID, &midonet.Rule{Type: midonet.RuleTypeAccept, IPAddrGroupSrc: &g.ID}))
		mustDo(t, "delete group", e.c.DeleteIPAddrGroup(e.ctx, g.ID))
		_, err = e.c.GetIPAddrGroup(e.ctx, g.ID)
		wantNotFound(t, err, "")
		mustDo(t, "delete missing group (204)", e.c.DeleteIPAddrGroup(e.ctx, g.ID))
		if got := must[*midonet.Rule](t, "rule")(e.c.GetRule(e.ctx, r.ID)); deref(got.IPAddrGroupSrc) != g.ID {
			t.Fatalf("rule's group = %v, want the dangling id kept", got.IPAddrGroupSrc)
		}
	})

	t.Run("§2.15 port groups and members", func(t *testing.T) {
		e := plainEnv(t)
		br := must[*midonet.Bridge](t, "bridge")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "b"}))
		p1 := must[*midonet.Port](t, "port 1")(e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{}))
		p2 := must[*midonet.Port](t, "port 2")(e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{}))

		g := must[*midonet.PortGroup](t, "create")(e.c.CreatePortGroup(e.ctx, &midonet.PortGroup{Name: "web", Stateful: true}))
		if g.ID == "" || g.TenantID != midonet.DefaultTenant || !g.Stateful {
			t.Fatalf("group = %+v", g)
		}
		must[*midonet.PortGroup](t, "other tenant")(e.c.CreatePortGroup(e.ctx, &midonet.PortGroup{Name: "x", TenantID: "t2"}))
		if got := must[[]midonet.PortGroup](t, "list")(e.c.ListPortGroups(e.ctx, midonet.DefaultTenant)); len(got) != 1 || got[0].ID != g.ID {
			t.Fatalf("groups of the default tenant = %+v", got)
		}
		up := must[*midonet.PortGroup](t, "update")(e.c.UpdatePortGroup(e.ctx, &midonet.PortGroup{ID: g.ID, Name: "web2", TenantID: g.TenantID}))
		if up.Name != "web2" || up.Stateful {
			t.Fatalf("updated (stateful not re-sent, so replaced) = %+v", up)
		}
		if got := must[*midonet.PortGroup](t, "get")(e.c.GetPortGroup(e.ctx, g.ID)); got.Name != "web2" {
			t.Fatalf("get = %+v", got)
		}

		for _, p := range []*midonet.Port{p1, p2} {
			m := must[*midonet.PortGroupPort](t, "add member")(e.c.AddPortGroupPort(e.ctx, g.ID, p.ID))
			if m.PortGroupID != g.ID || m.PortID != p.ID || m.URI == "" {
				t.Fatalf("member = %+v", m)
			}
		}
		_, err := e.c.AddPortGroupPort(e.ctx, g.ID, p1.ID)
		wantConflict(t, err, "")
		members := func() []string {
			var out []string
			for _, m := range must[[]midonet.PortGroupPort](t, "members")(e.c.ListPortGroupPorts(e.ctx, g.ID)) {
				if m.PortGroupID != g.ID {
					t.Fatalf("member of %s lists group %s", g.ID, m.PortGroupID)
				}
				out = append(out, m.PortID)
			}
			slices.Sort(out)
			return out
		}
		want := []string{p1.ID, p2.ID}
		slices.Sort(want)
		if got := members(); !slices.Equal(got, want) {
			t.Fatalf("members = %v, want %v", got, want)
		}
		mustDo(t, "remove member", e.c.DeletePortGroupPort(e.ctx, g.ID, p1.ID))
		wantNotFound(t, e.c.DeletePortGroupPort(e.ctx, g.ID, p1.ID), "") // an existing port that is not a member
		// Deleting a port removes it from its groups (§3).
		mustDo(t, "delete port", e.c.DeletePort(e.ctx, p2.ID))
		if got := members(); len(got) != 0 {
			t.Fatalf("members = %v, want none", got)
		}
		mustDo(t, "remove a member whose port is gone (204)", e.c.DeletePortGroupPort(e.ctx, g.ID, p2.ID))
		mustDo(t, "delete group", e.c.DeletePortGroup(e.ctx, g.ID))
		_, err = e.c.GetPortGroup(e.ctx, g.ID)
		wantNotFound(t, err, "")
	})
}
