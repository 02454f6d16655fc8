package midonet_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
)

// Routers and bridges (spec §2.1, §2.2), and the generic CRUD semantics of §1.4, §1.5, §1.8
// they show best: tenant filters, generated and caller-chosen ids, PUT replaces, DELETE of a
// missing object.
func TestContractDevices(t *testing.T) {
	t.Run("§2.1 routers CRUD", func(t *testing.T) {
		e := plainEnv(t)
		// Without an id the server picks one; without a tenant the client writes its own.
		rt := must[*midonet.Router](t, "create")(e.c.CreateRouter(e.ctx, &midonet.Router{Name: "eucart"}))
		if rt.ID == "" || rt.TenantID != midonet.DefaultTenant || rt.Name != "eucart" {
			t.Fatalf("created router = %+v", rt)
		}
		if rt.AdminStateUp == nil || !*rt.AdminStateUp || rt.InboundFilterID != nil || rt.ASNumber != 0 {
			t.Fatalf("defaults: adminStateUp %v, inboundFilterId %v, asNumber %d", rt.AdminStateUp, rt.InboundFilterID, rt.ASNumber)
		}
		id := newID()
		own := must[*midonet.Router](t, "create with id")(e.c.CreateRouter(e.ctx, &midonet.Router{ID: id, Name: "vpc", TenantID: "t1"}))
		if own.ID != id || own.TenantID != "t1" {
			t.Fatalf("router with id = %+v", own)
		}
		got := must[*midonet.Router](t, "get")(e.c.GetRouter(e.ctx, id))
		if got.Name != "vpc" || got.URI != own.URI {
			t.Fatalf("get = %+v", got)
		}
		// Names are not unique (§2.1).
		must[*midonet.Router](t, "same name")(e.c.CreateRouter(e.ctx, &midonet.Router{Name: "vpc", TenantID: "t1"}))

		mustDo(t, "delete", e.c.DeleteRouter(e.ctx, id))
		_, err := e.c.GetRouter(e.ctx, id)
		wantNotFound(t, err, "There is no Router with ID "+id+".")
		// §1.8: routers delete with "ignore if missing".
		mustDo(t, "delete missing router (204)", e.c.DeleteRouter(e.ctx, id))
	})

	t.Run("§1.4 routers tenant filter", func(t *testing.T) {
		e := plainEnv(t)
		for _, tenant := range []string{"t1", "t1", "t2", "t10"} {
			must[*midonet.Router](t, "create")(e.c.CreateRouter(e.ctx, &midonet.Router{TenantID: tenant, Name: "r-" + tenant}))
		}
		for tenant, want := range map[string]int{"t1": 2, "t2": 1, "t10": 1, "t3": 0, "": 4} {
			got := must[[]midonet.Router](t, "list")(e.c.ListRouters(e.ctx, tenant))
			if len(got) != want {
				t.Errorf("ListRouters(%q) = %d routers, want %d", tenant, len(got), want)
			}
			for _, r := range got {
				if tenant != "" && r.TenantID != tenant {
					t.Errorf("ListRouters(%q) returned tenant %q (exact match expected)", tenant, r.TenantID)
				}
			}
		}
		// Same filter on bridges and chains; the tenant is written by the client by default.
		must[*midonet.Bridge](t, "bridge")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "b"}))
		must[*midonet.Bridge](t, "bridge t1")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "b", TenantID: "t1"}))
		must[*midonet.Chain](t, "chain")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "c"}))
		if got := must[[]midonet.Bridge](t, "list bridges")(e.c.ListBridges(e.ctx, e.c.Tenant())); len(got) != 1 || got[0].TenantID != midonet.DefaultTenant {
			t.Errorf("bridges of the default tenant = %+v", got)
		}
		if got := must[[]midonet.Chain](t, "list chains")(e.c.ListChains(e.ctx, "t1")); len(got) != 0 {
			t.Errorf("chains of t1 = %+v, want none", got)
		}
	})

	t.Run("§1.8 routers PUT replaces", func(t *testing.T) {
		e := plainEnv(t)
		in := must[*midonet.Chain](t, "chain")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "in"}))
		rt := must[*midonet.Router](t, "create")(e.c.CreateRouter(e.ctx, &midonet.Router{
			Name: "r", TenantID: "t1", AdminStateUp: midonet.Bool(false), InboundFilterID: &in.ID, ASNumber: 65000,
		}))
		if *rt.AdminStateUp || deref(rt.InboundFilterID) != in.ID || rt.ASNumber != 65000 {
			t.Fatalf("created = %+v", rt)
		}
		// GET-modify-PUT keeps everything and changes one field.
		rt.Name = "renamed"
		up := must[*midonet.Router](t, "update")(e.c.UpdateRouter(e.ctx, rt))
		if up.Name != "renamed" || up.TenantID != "t1" || *up.AdminStateUp || deref(up.InboundFilterID) != in.ID || up.ASNumber != 65000 {
			t.Fatalf("after GET-modify-PUT = %+v", up)
		}
		// A PUT of only some fields resets the others to their defaults: name null,
		// adminStateUp true, filter null, asNumber 0 — the id comes from the path.
		bare := must[*midonet.Router](t, "replace")(e.c.UpdateRouter(e.ctx, &midonet.Router{ID: rt.ID, TenantID: "t2"}))
		if bare.ID != rt.ID || bare.Name != "" || bare.TenantID != "t2" || bare.AdminStateUp == nil || !*bare.AdminStateUp ||
			bare.InboundFilterID != nil || bare.ASNumber != 0 {
			t.Fatalf("after a bare PUT = %+v, want defaults", bare)
		}
		// A filter that does not exist is refused (404), and nothing changes.
		missing := newID()
		_, err := e.c.UpdateRouter(e.ctx, &midonet.Router{ID: rt.ID, OutboundFilterID: &missing})
		wantNotFound(t, err, "There is no Chain with ID "+missing+".")
		if got := must[*midonet.Router](t, "get")(e.c.GetRouter(e.ctx, rt.ID)); got.TenantID != "t2" {
			t.Fatalf("a refused PUT changed the router: %+v", got)
		}
		// PUT of a missing router is 404.
		_, err = e.c.UpdateRouter(e.ctx, &midonet.Router{ID: missing})
		wantNotFound(t, err, "")
	})

	t.Run("§2.2 bridges CRUD", func(t *testing.T) {
		e := plainEnv(t)
		br := must[*midonet.Bridge](t, "create")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "eucabr"}))
		if br.ID == "" || br.Name != "eucabr" || br.TenantID != midonet.DefaultTenant || br.AdminStateUp == nil || !*br.AdminStateUp {
			t.Fatalf("created = %+v", br)
		}
		id := newID()
		own := must[*midonet.Bridge](t, "create with id")(e.c.CreateBridge(e.ctx, &midonet.Bridge{ID: id, Name: "subnet"}))
		if own.ID != id || !strings.HasSuffix(own.URI, "/bridges/"+id) {
			t.Fatalf("bridge with id = %+v", own)
		}
		in := must[*midonet.Chain](t, "chain in")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "in"}))
		out := must[*midonet.Chain](t, "chain out")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "out"}))
		own.InboundFilterID, own.OutboundFilterID = &in.ID, &out.ID
		up := must[*midonet.Bridge](t, "update")(e.c.UpdateBridge(e.ctx, own))
		if deref(up.InboundFilterID) != in.ID || deref(up.OutboundFilterID) != out.ID || up.Name != "subnet" {
			t.Fatalf("updated = %+v", up)
		}
		// PUT replaces: the filters go when they are not re-sent.
		up = must[*midonet.Bridge](t, "replace")(e.c.UpdateBridge(e.ctx, &midonet.Bridge{ID: id, Name: "subnet", TenantID: own.TenantID}))
		if up.InboundFilterID != nil || up.OutboundFilterID != nil {
			t.Fatalf("after PUT without filters = %+v", up)
		}
		// VXLAN port ids cannot be set directly (§2.2): 400.
		_, err := e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "vx", VxLanPortIDs: []string{newID()}})
		wantValidation(t, err, "")

		all := must[[]midonet.Bridge](t, "list")(e.c.ListBridges(e.ctx, ""))
		ids := []string{}
		for _, b := range all {
			ids = append(ids, b.ID)
		}
		if len(all) != 2 || !slices.Contains(ids, br.ID) || !slices.Contains(ids, id) {
			t.Fatalf("bridges = %v", ids)
		}
		mustDo(t, "delete", e.c.DeleteBridge(e.ctx, id))
		_, err = e.c.GetBridge(e.ctx, id)
		wantNotFound(t, err, "There is no Network with ID "+id+".")
		// §1.8: a bridge delete reads first, so a missing one is 404.
		wantNotFound(t, e.c.DeleteBridge(e.ctx, id), "")
	})
}
