package maintenance_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/maintenance"
	"github.com/midovpc/midovpc/internal/maintenance/testcloud"
	"github.com/midovpc/midovpc/internal/midonet"
)

func (cl *cloud) must(err error) {
	cl.t.Helper()
	if err != nil {
		cl.t.Fatal(err)
	}
}

func (cl *cloud) routerNamed(name string) midonet.Router {
	cl.t.Helper()
	rs, err := cl.c.ListRouters(cl.ctx, testcloud.Tenant)
	cl.must(err)
	for _, r := range rs {
		if r.Name == name {
			return r
		}
	}
	cl.t.Fatalf("no router %s", name)
	return midonet.Router{}
}

func (cl *cloud) bridgeNamed(name string) midonet.Bridge {
	cl.t.Helper()
	bs, err := cl.c.ListBridges(cl.ctx, testcloud.Tenant)
	cl.must(err)
	for _, b := range bs {
		if b.Name == name {
			return b
		}
	}
	cl.t.Fatalf("no bridge %s", name)
	return midonet.Bridge{}
}

func (cl *cloud) chainNamed(name string) midonet.Chain {
	cl.t.Helper()
	cs, err := cl.c.ListChains(cl.ctx, testcloud.Tenant)
	cl.must(err)
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	cl.t.Fatalf("no chain %s", name)
	return midonet.Chain{}
}

const (
	vpcRouter    = "vr_vpc-1a2b3c4d_2"
	subnetBridge = "vb_vpc-1a2b3c4d_subnet-11112222"
)

// plantForeign adds objects midovpc does not own: another tenant's objects with our names, and
// operator objects in our tenant whose names merely look like ours. The operator's chain and
// port are unreferenced and unconnected: check must still leave them alone.
func (cl *cloud) plantForeign() []string {
	var keys []string
	other := "other_tenant"
	r, err := cl.c.CreateRouter(cl.ctx, &midonet.Router{Name: vpcRouter, TenantID: other})
	cl.must(err)
	keys = append(keys, "router:"+r.ID)
	p, err := cl.c.CreateRouterPort(cl.ctx, r.ID, &midonet.Port{PortAddress: "10.9.9.1", NetworkLength: 24})
	cl.must(err)
	keys = append(keys, "port:"+p.ID)
	b, err := cl.c.CreateBridge(cl.ctx, &midonet.Bridge{Name: subnetBridge, TenantID: other})
	cl.must(err)
	keys = append(keys, "bridge:"+b.ID)
	ch, err := cl.c.CreateChain(cl.ctx, &midonet.Chain{Name: "sg_ingress_sg-55556666", TenantID: other})
	cl.must(err)
	keys = append(keys, "chain:"+ch.ID)
	for _, name := range []string{"operator_chain", "sg_ingress_sg-55556666_old", "my_vr_vpc-1a2b3c4d_2", "vr_vpc-1a2b3c4d_2", "sg_"} {
		ch, err := cl.c.CreateChain(cl.ctx, &midonet.Chain{Name: name})
		cl.must(err)
		keys = append(keys, "chain:"+ch.ID)
	}
	for _, name := range []string{"backup_vr_vpc-1a2b3c4d_2", "vr_vpc-1A2B3C4D_2"} {
		r, err := cl.c.CreateRouter(cl.ctx, &midonet.Router{Name: name})
		cl.must(err)
		keys = append(keys, "router:"+r.ID)
		p, err := cl.c.CreateRouterPort(cl.ctx, r.ID, &midonet.Port{PortAddress: "10.8.8.1", NetworkLength: 24})
		cl.must(err)
		keys = append(keys, "port:"+p.ID)
	}
	for _, name := range []string{"sg_all_sg-55556666-copy", "elip_pre_i-0000aaaa_x", "operator_group"} {
		g, err := cl.c.CreateIPAddrGroup(cl.ctx, &midonet.IPAddrGroup{Name: name})
		cl.must(err)
		keys = append(keys, "ipaddrgroup:"+g.ID)
	}
	pg, err := cl.c.CreatePortGroup(cl.ctx, &midonet.PortGroup{Name: "operator_pg"})
	cl.must(err)
	keys = append(keys, "portgroup:"+pg.ID)
	return keys
}

// plantFaults adds what check must find and repair, and returns their inventory keys.
func (cl *cloud) plantFaults() []string {
	var keys []string
	// A second router, chain and group with names midovpc owns.
	r, err := cl.c.CreateRouter(cl.ctx, &midonet.Router{Name: vpcRouter})
	cl.must(err)
	keys = append(keys, "router:"+r.ID)
	ch, err := cl.c.CreateChain(cl.ctx, &midonet.Chain{Name: "sg_egress_sg-55556666"})
	cl.must(err)
	keys = append(keys, "chain:"+ch.ID)
	g, err := cl.c.CreateIPAddrGroup(cl.ctx, &midonet.IPAddrGroup{Name: "sg_priv_sg-55556666"})
	cl.must(err)
	keys = append(keys, "ipaddrgroup:"+g.ID)
	// A rule repeated at the end of a subnet chain, a route repeated on the VPC router.
	in := cl.chainNamed("sc_subnet-11112222_in")
	rules, err := cl.c.ListRules(cl.ctx, in.ID)
	cl.must(err)
	dup := rules[0]
	dup.ID, dup.Position, dup.URI = "", len(rules)+1, ""
	rule, err := cl.c.CreateRule(cl.ctx, in.ID, &dup)
	cl.must(err)
	keys = append(keys, "rule:"+rule.ID)
	vr := cl.routerNamed(vpcRouter)
	routes, err := cl.c.ListRoutes(cl.ctx, vr.ID)
	cl.must(err)
	i := slices.IndexFunc(routes, func(r midonet.Route) bool { return r.Type == midonet.RouteTypeNormal })
	rt := routes[i]
	rt.ID, rt.URI = "", ""
	route, err := cl.c.CreateRoute(cl.ctx, vr.ID, &rt)
	cl.must(err)
	keys = append(keys, "route:"+route.ID)
	// An eucabr port linked to nothing, and the chains and group of an interface that is gone.
	eucabr := cl.bridgeNamed("eucabr")
	port, err := cl.c.CreateBridgePort(cl.ctx, eucabr.ID, &midonet.Port{})
	cl.must(err)
	keys = append(keys, "port:"+port.ID)
	for _, name := range []string{"ic_i-0badf00d_prechain", "natc_nat-0123456789abcdef0_rtout"} {
		ch, err := cl.c.CreateChain(cl.ctx, &midonet.Chain{Name: name})
		cl.must(err)
		keys = append(keys, "chain:"+ch.ID)
	}
	g, err = cl.c.CreateIPAddrGroup(cl.ctx, &midonet.IPAddrGroup{Name: "elip_post_i-0badf00d"})
	cl.must(err)
	keys = append(keys, "ipaddrgroup:"+g.ID)
	// An ARP entry for a MAC nothing on the subnet has.
	sb := cl.bridgeNamed(subnetBridge)
	_, err = cl.c.CreateARPEntry(cl.ctx, sb.ID, &midonet.IP4Mac{IP: "10.0.1.99", MAC: "d0:0d:de:ad:be:ef"})
	cl.must(err)
	keys = append(keys, "arp:"+sb.ID+":10.0.1.99:d0:0d:de:ad:be:ef")
	// A MAC entry for a port that is gone: MidoNet's API refuses to make one (and removes a
	// port's entries with it) but its state tables can keep them, so it is planted in the
	// emulator's stored state.
	keys = append(keys, cl.plantStaleMAC(sb.ID, "d0:0d:de:ad:00:01", "7d2b6f0e-0000-4000-8000-00000000dead"))
	return keys
}

func (cl *cloud) plantStaleMAC(bridgeID, mac, portID string) string {
	cl.t.Helper()
	path := filepath.Join(cl.t.TempDir(), "state.json")
	cl.must(cl.run.Server.Save(path))
	data, err := os.ReadFile(path)
	cl.must(err)
	var doc map[string]any
	cl.must(json.Unmarshal(data, &doc))
	br := doc["store"].(map[string]any)["bridges"].(map[string]any)[bridgeID].(map[string]any)
	table, _ := br["macTable"].([]any)
	br["macTable"] = append(table, map[string]any{"macAddr": mac, "portId": portID, "vlanId": nil})
	data, err = json.Marshal(doc)
	cl.must(err)
	cl.must(os.WriteFile(path, data, 0o600))
	cl.must(cl.run.Server.Load(path))
	return "mac:" + bridgeID + ":" + mac + ":" + portID
}

// inventory is every object MidoNet holds, of every tenant, by kind:id (table entries by their
// keys), with a description, and what each one's existence hangs on (its device, chain, port,
// jump target): MidoNet deletes it with them.
type inventory struct {
	objects map[string]string
	parents map[string][]string
}

func (cl *cloud) inventory() inventory {
	cl.t.Helper()
	inv := map[string]string{}
	parents := map[string][]string{}
	hangs := func(child string, on ...string) { parents[child] = append(parents[child], on...) }
	ctx, c := cl.ctx, cl.c
	routers, err := c.ListRouters(ctx, "")
	cl.must(err)
	for _, r := range routers {
		inv["router:"+r.ID] = r.TenantID + "/" + r.Name
		routes, err := c.ListRoutes(ctx, r.ID)
		cl.must(err)
		for _, rt := range routes {
			if rt.Type != midonet.RouteTypeLocal {
				inv["route:"+rt.ID] = fmt.Sprintf("route %s/%d on %s", rt.DstNetworkAddr, rt.DstNetworkLength, r.Name)
				hangs("route:"+rt.ID, "router:"+r.ID)
				if rt.NextHopPort != nil {
					hangs("route:"+rt.ID, "port:"+*rt.NextHopPort)
				}
			}
		}
	}
	bridges, err := c.ListBridges(ctx, "")
	cl.must(err)
	for _, b := range bridges {
		inv["bridge:"+b.ID] = b.TenantID + "/" + b.Name
		arp, err := c.ListARPEntries(ctx, b.ID)
		cl.must(err)
		for _, e := range arp {
			inv["arp:"+b.ID+":"+e.IP+":"+strings.ToLower(e.MAC)] = "arp on " + b.Name
			hangs("arp:"+b.ID+":"+e.IP+":"+strings.ToLower(e.MAC), "bridge:"+b.ID)
		}
		mac, err := c.ListMACEntries(ctx, b.ID)
		cl.must(err)
		for _, e := range mac {
			inv["mac:"+b.ID+":"+strings.ToLower(e.MacAddr)+":"+e.PortID] = "mac on " + b.Name
			hangs("mac:"+b.ID+":"+strings.ToLower(e.MacAddr)+":"+e.PortID, "bridge:"+b.ID, "port:"+e.PortID)
		}
		dhcp, err := c.ListDHCPSubnets(ctx, b.ID)
		cl.must(err)
		for _, d := range dhcp {
			hosts, err := c.ListDHCPHosts(ctx, b.ID, d.CIDR())
			cl.must(err)
			for _, h := range hosts {
				inv["dhcphost:"+b.ID+":"+d.CIDR()+":"+strings.ToLower(h.MacAddr)] = "dhcp host " + h.Name
				hangs("dhcphost:"+b.ID+":"+d.CIDR()+":"+strings.ToLower(h.MacAddr), "bridge:"+b.ID)
			}
		}
	}
	ports, err := c.ListPorts(ctx)
	cl.must(err)
	for _, p := range ports {
		inv["port:"+p.ID] = "port of " + p.DeviceID
		hangs("port:"+p.ID, "router:"+p.DeviceID, "bridge:"+p.DeviceID)
	}
	chains, err := c.ListChains(ctx, "")
	cl.must(err)
	for _, ch := range chains {
		inv["chain:"+ch.ID] = ch.TenantID + "/" + ch.Name
		rules, err := c.ListRules(ctx, ch.ID)
		cl.must(err)
		for _, r := range rules {
			inv["rule:"+r.ID] = "rule of " + ch.Name
			hangs("rule:"+r.ID, "chain:"+ch.ID)
			if r.JumpChainID != nil {
				hangs("rule:"+r.ID, "chain:"+*r.JumpChainID)
			}
		}
	}
	groups, err := c.ListIPAddrGroups(ctx)
	cl.must(err)
	for _, g := range groups {
		inv["ipaddrgroup:"+g.ID] = g.Name
	}
	pgs, err := c.ListPortGroups(ctx, "")
	cl.must(err)
	for _, g := range pgs {
		inv["portgroup:"+g.ID] = g.TenantID + "/" + g.Name
	}
	return inventory{inv, parents}
}

// assertDeletedExactly checks that what vanished between before and after is exactly the
// planned keys and what MidoNet deletes with them, and that every planned key vanished.
func assertDeletedExactly(t *testing.T, before, after inventory, planned []string) {
	t.Helper()
	gone := map[string]bool{}
	for k := range before.objects {
		if _, ok := after.objects[k]; !ok {
			gone[k] = true
		}
	}
	explained := map[string]bool{}
	for _, k := range planned {
		if !gone[k] {
			t.Errorf("planned %s (%s) is still there", k, before.objects[k])
		}
		explained[k] = true
	}
	for changed := true; changed; {
		changed = false
		for k := range gone {
			if explained[k] {
				continue
			}
			for _, p := range before.parents[k] {
				if explained[p] {
					explained[k], changed = true, true
					break
				}
			}
		}
	}
	var extra []string
	for k := range gone {
		if !explained[k] {
			extra = append(extra, k+" ("+before.objects[k]+")")
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		t.Errorf("deleted but not planned: %s", k)
	}
}

// keyOf is a deletion's inventory key.
func keyOf(d maintenance.Deletion) string {
	switch d.Kind {
	case maintenance.KindARP:
		return "arp:" + d.Parent + ":" + d.IP + ":" + strings.ToLower(d.MAC)
	case maintenance.KindMAC:
		return "mac:" + d.Parent + ":" + strings.ToLower(d.MAC) + ":" + d.PortID
	case maintenance.KindDHCPHost:
		return "dhcphost:" + d.Parent + ":" + d.CIDR + ":" + strings.ToLower(d.MAC)
	}
	return d.Kind + ":" + d.ID
}

func keysOf(p maintenance.Plan) []string {
	var out []string
	for _, d := range p.Deletions {
		out = append(out, keyOf(d))
	}
	sort.Strings(out)
	return out
}
