package sim

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
)

// Save/Load: a snapshot restores every object, the rule order, links, bindings, DHCP, and the
// tunnel-key sequence.
func TestSnapshotRoundTrip(t *testing.T) {
	c := newSim(t, Options{})
	rt, br := c.router("r"), c.bridge("b")
	rp, bp := c.routerPort(rt, "10.0.0.1", 24), c.bridgePort(br)
	c.link(rp, bp)
	c.create("/hosts/"+node1+"/ports", tHIP, map[string]any{"portId": bp, "interfaceName": "tap0"})
	ch := c.chain("c")
	c.rule(ch, map[string]any{"type": "accept"})
	c.rule(ch, map[string]any{"type": "drop", "position": 2, "tpDst": map[string]any{"start": 22, "end": 22}})
	c.create("/bridges/"+br+"/dhcp", tDHCP, map[string]any{"subnetPrefix": "10.0.0.0", "subnetLength": 24})
	g := c.create("/ip_addr_groups", tIPG, map[string]any{"name": "g"})
	c.create("/ip_addr_groups/"+g+"/ip_addrs", tIPGAddr, map[string]any{"version": 4, "addr": "1.2.3.4"})

	file := filepath.Join(t.TempDir(), "state.json")
	if err := c.srv.Save(file); err != nil {
		t.Fatal(err)
	}
	restored := New(Options{})
	if err := restored.Load(file); err != nil {
		t.Fatal(err)
	}
	d := &apiClient{t: t, base: c.base, srv: restored}
	views := []struct{ path, mt string }{
		{"/routers", tRouters}, {"/bridges", tBridges}, {"/ports", tPorts}, {"/chains/" + ch + "/rules", tRules},
		{"/routers/" + rt + "/routes", tRoutes}, {"/bridges/" + br + "/dhcp", tDHCPs}, {"/hosts", tHosts},
		{"/tunnel_zones", tTZs}, {"/ip_addr_groups/" + g + "/ip_addrs", tIPGAddrs}, {"/hosts/" + node1 + "/ports", vndList("HostInterfacePort-v1")},
	}
	for _, v := range views {
		before := c.do(http.MethodGet, v.path, v.mt, nil)
		after := serveDirect(d, v.path, v.mt)
		if !bytes.Equal(before.body, after) {
			t.Errorf("%s differs:\n%s\n%s", v.path, before.body, after)
		}
	}
	if restored.st.LastTunnelKey != 2 {
		t.Errorf("tunnel key %d", restored.st.LastTunnelKey)
	}
	if err := restored.Load(filepath.Join(t.TempDir(), "absent.json")); err == nil {
		t.Error("missing snapshot loaded")
	}
}

// serveDirect runs a GET through the handler without a listener, with the same Host as c.base.
func serveDirect(d *apiClient, path, mt string) []byte {
	req := httptest.NewRequest(http.MethodGet, d.base+path, nil)
	req.Header.Set("Accept", mt)
	rec := httptest.NewRecorder()
	d.srv.ServeHTTP(rec, req)
	return rec.Body.Bytes()
}
