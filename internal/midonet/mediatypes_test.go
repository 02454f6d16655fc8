package midonet

import (
	"context"
	"net/http"
	"testing"
)

// TestMediaTypesPerResource checks the exact header every method sends: one vendor type, in
// Accept for GET and in Content-Type for POST/PUT (spec midonet-api.md §1.2).
func TestMediaTypesPerResource(t *testing.T) {
	const mt = "application/vnd.org.midonet."
	type tc struct {
		name   string
		call   func(ctx context.Context, c *Client) error
		method string
		path   string
		header string // expected Accept (GET) or Content-Type (POST, PUT)
	}
	e := func(_ any, err error) error { return err }
	cases := []tc{
		{"list routers", func(ctx context.Context, c *Client) error { return e(c.ListRouters(ctx, "")) }, "GET", "/routers", mt + "collection.Router-v3+json"},
		{"get router", func(ctx context.Context, c *Client) error { return e(c.GetRouter(ctx, "r")) }, "GET", "/routers/r", mt + "Router-v3+json"},
		{"create router", func(ctx context.Context, c *Client) error { return e(c.CreateRouter(ctx, &Router{Name: "x"})) }, "POST", "/routers", mt + "Router-v3+json"},
		{"update router", func(ctx context.Context, c *Client) error { return e(c.UpdateRouter(ctx, &Router{ID: "r"})) }, "PUT", "/routers/r", mt + "Router-v3+json"},
		{"list bridges", func(ctx context.Context, c *Client) error { return e(c.ListBridges(ctx, "")) }, "GET", "/bridges", mt + "collection.Bridge-v4+json"},
		{"create bridge", func(ctx context.Context, c *Client) error { return e(c.CreateBridge(ctx, &Bridge{})) }, "POST", "/bridges", mt + "Bridge-v4+json"},
		{"list ports", func(ctx context.Context, c *Client) error { return e(c.ListPorts(ctx)) }, "GET", "/ports", mt + "collection.Port-v3+json"},
		{"router ports", func(ctx context.Context, c *Client) error { return e(c.ListRouterPorts(ctx, "r")) }, "GET", "/routers/r/ports", mt + "collection.Port-v3+json"},
		{"bridge ports", func(ctx context.Context, c *Client) error { return e(c.ListBridgePorts(ctx, "b")) }, "GET", "/bridges/b/ports", mt + "collection.Port-v3+json"},
		{"create router port", func(ctx context.Context, c *Client) error {
			return e(c.CreateRouterPort(ctx, "r", &Port{PortAddress: "10.0.0.1"}))
		}, "POST", "/routers/r/ports", mt + "Port-v3+json"},
		{"create bridge port", func(ctx context.Context, c *Client) error { return e(c.CreateBridgePort(ctx, "b", &Port{})) }, "POST", "/bridges/b/ports", mt + "Port-v3+json"},
		{"update port", func(ctx context.Context, c *Client) error {
			return e(c.UpdatePort(ctx, &Port{ID: "p", Type: "Bridge"}))
		}, "PUT", "/ports/p", mt + "Port-v3+json"},
		{"link", func(ctx context.Context, c *Client) error { return c.LinkPorts(ctx, "p", "q") }, "POST", "/ports/p/link", mt + "PortLink-v1+json"},
		{"routes", func(ctx context.Context, c *Client) error { return e(c.ListRoutes(ctx, "r")) }, "GET", "/routers/r/routes", mt + "collection.Route-v1+json"},
		{"create route", func(ctx context.Context, c *Client) error { return e(c.CreateRoute(ctx, "r", &Route{Type: "Normal"})) }, "POST", "/routers/r/routes", mt + "Route-v1+json"},
		{"get route", func(ctx context.Context, c *Client) error { return e(c.GetRoute(ctx, "x")) }, "GET", "/routes/x", mt + "Route-v1+json"},
		{"chains", func(ctx context.Context, c *Client) error { return e(c.ListChains(ctx, "")) }, "GET", "/chains", mt + "collection.Chain-v1+json"},
		{"create chain", func(ctx context.Context, c *Client) error { return e(c.CreateChain(ctx, &Chain{Name: "c"})) }, "POST", "/chains", mt + "Chain-v1+json"},
		{"rules", func(ctx context.Context, c *Client) error { return e(c.ListRules(ctx, "c")) }, "GET", "/chains/c/rules", mt + "collection.Rule-v2+json"},
		{"create rule", func(ctx context.Context, c *Client) error { return e(c.CreateRule(ctx, "c", &Rule{Type: "drop"})) }, "POST", "/chains/c/rules", mt + "Rule-v2+json"},
		{"get rule", func(ctx context.Context, c *Client) error { return e(c.GetRule(ctx, "u")) }, "GET", "/rules/u", mt + "Rule-v2+json"},
		{"ip groups", func(ctx context.Context, c *Client) error { return e(c.ListIPAddrGroups(ctx)) }, "GET", "/ip_addr_groups", mt + "collection.IpAddrGroup-v1+json"},
		{"create ip group", func(ctx context.Context, c *Client) error {
			return e(c.CreateIPAddrGroup(ctx, &IPAddrGroup{Name: "g"}))
		}, "POST", "/ip_addr_groups", mt + "IpAddrGroup-v1+json"},
		{"ip group addrs", func(ctx context.Context, c *Client) error { return e(c.ListIPAddrGroupAddrs(ctx, "g")) }, "GET", "/ip_addr_groups/g/ip_addrs", mt + "collection.IpAddrGroupAddr-v1+json"},
		{"add ip group addr", func(ctx context.Context, c *Client) error {
			return e(c.AddIPAddrGroupAddr(ctx, "g", &IPAddrGroupAddr{Addr: "1.2.3.4"}))
		}, "POST", "/ip_addr_groups/g/ip_addrs", mt + "IpAddrGroupAddr-v1+json"},
		{"get ip group addr", func(ctx context.Context, c *Client) error { return e(c.GetIPAddrGroupAddr(ctx, "g", "1.2.3.4")) }, "GET", "/ip_addr_groups/g/versions/4/ip_addrs/1.2.3.4", mt + "IpAddrGroupAddr-v1+json"},
		{"port groups", func(ctx context.Context, c *Client) error { return e(c.ListPortGroups(ctx, "")) }, "GET", "/port_groups", mt + "collection.PortGroup-v1+json"},
		{"get port group", func(ctx context.Context, c *Client) error { return e(c.GetPortGroup(ctx, "g")) }, "GET", "/port_groups/g", mt + "PortGroup-v1+json"},
		{"port group ports", func(ctx context.Context, c *Client) error { return e(c.ListPortGroupPorts(ctx, "g")) }, "GET", "/port_groups/g/ports", mt + "collection.PortGroupPort-v1+json"},
		{"add port group port", func(ctx context.Context, c *Client) error { return e(c.AddPortGroupPort(ctx, "g", "p")) }, "POST", "/port_groups/g/ports", mt + "PortGroupPort-v1+json"},
		{"dhcp subnets", func(ctx context.Context, c *Client) error { return e(c.ListDHCPSubnets(ctx, "b")) }, "GET", "/bridges/b/dhcp", mt + "collection.DhcpSubnet-v2+json"},
		{"get dhcp subnet", func(ctx context.Context, c *Client) error { return e(c.GetDHCPSubnet(ctx, "b", "10.0.1.0/24")) }, "GET", "/bridges/b/dhcp/10.0.1.0_24", mt + "DhcpSubnet-v2+json"},
		{"create dhcp subnet", func(ctx context.Context, c *Client) error {
			return e(c.CreateDHCPSubnet(ctx, "b", &DHCPSubnet{SubnetPrefix: "10.0.1.0", SubnetLength: 24}))
		}, "POST", "/bridges/b/dhcp", mt + "DhcpSubnet-v2+json"},
		{"dhcp hosts", func(ctx context.Context, c *Client) error { return e(c.ListDHCPHosts(ctx, "b", "10.0.1.0_24")) }, "GET", "/bridges/b/dhcp/10.0.1.0_24/hosts", mt + "collection.DhcpHost-v2+json"},
		{"create dhcp host", func(ctx context.Context, c *Client) error {
			return e(c.CreateDHCPHost(ctx, "b", "10.0.1.0/24", &DHCPHost{MacAddr: "d0:0d:00:00:00:01", IPAddr: "10.0.1.5", Name: "i-1"}))
		}, "POST", "/bridges/b/dhcp/10.0.1.0_24/hosts", mt + "DhcpHost-v2+json"},
		{"get dhcp host", func(ctx context.Context, c *Client) error {
			return e(c.GetDHCPHost(ctx, "b", "10.0.1.0/24", "d0:0d:00:00:00:01"))
		}, "GET", "/bridges/b/dhcp/10.0.1.0_24/hosts/d0:0d:00:00:00:01", mt + "DhcpHost-v2+json"},
		{"arp table", func(ctx context.Context, c *Client) error { return e(c.ListARPEntries(ctx, "b")) }, "GET", "/bridges/b/arp_table", mt + "collection.IP4Mac-v1+json"},
		{"create arp entry", func(ctx context.Context, c *Client) error {
			return e(c.CreateARPEntry(ctx, "b", &IP4Mac{IP: "10.0.1.5", MAC: "d0:0d:00:00:00:01"}))
		}, "POST", "/bridges/b/arp_table", mt + "IP4Mac-v1+json"},
		{"mac table", func(ctx context.Context, c *Client) error { return e(c.ListMACEntries(ctx, "b")) }, "GET", "/bridges/b/mac_table", mt + "collection.MacPort-v2+json"},
		{"create mac entry", func(ctx context.Context, c *Client) error {
			return e(c.CreateMACEntry(ctx, "b", &MacPort{MacAddr: "d0:0d:00:00:00:01", PortID: "p"}))
		}, "POST", "/bridges/b/mac_table", mt + "MacPort-v2+json"},
		{"hosts", func(ctx context.Context, c *Client) error { return e(c.ListHosts(ctx)) }, "GET", "/hosts", mt + "collection.Host-v3+json"},
		{"get host", func(ctx context.Context, c *Client) error { return e(c.GetHost(ctx, "h")) }, "GET", "/hosts/h", mt + "Host-v3+json"},
		{"interfaces", func(ctx context.Context, c *Client) error { return e(c.ListHostInterfaces(ctx, "h")) }, "GET", "/hosts/h/interfaces", mt + "collection.Interface-v1+json"},
		{"get interface", func(ctx context.Context, c *Client) error { return e(c.GetHostInterface(ctx, "h", "eth1")) }, "GET", "/hosts/h/interfaces/eth1", mt + "Interface-v1+json"},
		{"host ports", func(ctx context.Context, c *Client) error { return e(c.ListHostPorts(ctx, "h")) }, "GET", "/hosts/h/ports", mt + "collection.HostInterfacePort-v1+json"},
		{"bind port", func(ctx context.Context, c *Client) error {
			return e(c.BindPort(ctx, "h", &HostInterfacePort{PortID: "p", InterfaceName: "vn_1"}))
		}, "POST", "/hosts/h/ports", mt + "HostInterfacePort-v1+json"},
		{"tunnel zones", func(ctx context.Context, c *Client) error { return e(c.ListTunnelZones(ctx)) }, "GET", "/tunnel_zones", mt + "collection.TunnelZone-v1+json"},
		{"create tunnel zone", func(ctx context.Context, c *Client) error {
			return e(c.CreateTunnelZone(ctx, &TunnelZone{Name: "mido-tz", Type: "gre"}))
		}, "POST", "/tunnel_zones", mt + "TunnelZone-v1+json"},
		{"tunnel zone hosts", func(ctx context.Context, c *Client) error { return e(c.ListTunnelZoneHosts(ctx, "z")) }, "GET", "/tunnel_zones/z/hosts", mt + "collection.TunnelZoneHost-v1+json"},
		{"add tunnel zone host", func(ctx context.Context, c *Client) error {
			return e(c.AddTunnelZoneHost(ctx, "z", &TunnelZoneHost{HostID: "h", IPAddress: "192.168.0.1"}))
		}, "POST", "/tunnel_zones/z/hosts", mt + "TunnelZoneHost-v1+json"},
		{"bgp peers", func(ctx context.Context, c *Client) error { return e(c.ListBgpPeers(ctx, "r")) }, "GET", "/routers/r/bgp_peers", mt + "collection.BgpPeer-v1+json"},
		{"create bgp peer", func(ctx context.Context, c *Client) error {
			return e(c.CreateBgpPeer(ctx, "r", &BgpPeer{ASNumber: 65001, Address: "10.1.1.1"}))
		}, "POST", "/routers/r/bgp_peers", mt + "BgpPeer-v1+json"},
		{"bgp networks", func(ctx context.Context, c *Client) error { return e(c.ListBgpNetworks(ctx, "r")) }, "GET", "/routers/r/bgp_networks", mt + "collection.BgpNetwork-v1+json"},
		{"create bgp network", func(ctx context.Context, c *Client) error {
			return e(c.CreateBgpNetwork(ctx, "r", &BgpNetwork{SubnetAddress: "10.2.0.0", SubnetLength: 16}))
		}, "POST", "/routers/r/bgp_networks", mt + "BgpNetwork-v1+json"},
		{"system state", func(ctx context.Context, c *Client) error { return e(c.GetSystemState(ctx)) }, "GET", "/system_state", mt + "SystemState-v2+json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			// Answer every request with something decodable; only the request matters here.
			f.setIntercept(func(w http.ResponseWriter, r *http.Request, rec recorded) bool {
				switch {
				case rec.Path == apiPrefix+"/":
					return false
				case rec.Method == http.MethodPost:
					writeAnswer(w, http.StatusCreated, http.Header{"Location": {f.srv.URL + rec.Path + "/x"}}, nil)
				case rec.Method == http.MethodPut:
					writeAnswer(w, http.StatusNoContent, nil, nil)
				case len(rec.Accept) > len(mt+"collection.") && rec.Accept[:len(mt+"collection.")] == mt+"collection.":
					writeAnswer(w, http.StatusOK, nil, []byte(`[]`))
				default:
					writeAnswer(w, http.StatusOK, nil, []byte(`{}`))
				}
				return true
			})
			c := newTestClient(t, f, func(cfg *Config) { cfg.ReadBack = true })
			if err := tc.call(testContext(t), c); err != nil {
				t.Fatal(err)
			}
			first := f.recorded()[0]
			if first.Method != tc.method || first.Path != apiPrefix+tc.path {
				t.Fatalf("request = %s %s, want %s %s", first.Method, first.Path, tc.method, apiPrefix+tc.path)
			}
			got, other := first.Accept, first.ContentType
			if tc.method != http.MethodGet {
				got, other = first.ContentType, first.Accept
			}
			if got != tc.header {
				t.Errorf("media type = %q, want %q", got, tc.header)
			}
			if other != "" {
				t.Errorf("unexpected second media-type header %q", other)
			}
			// A create reads back with the single type of the same resource.
			if tc.method == http.MethodPost && tc.path != "/ports/p/link" && tc.path != "/port_groups/g/ports" {
				all := f.recorded()
				if len(all) < 2 || all[1].Method != http.MethodGet || all[1].Accept != tc.header {
					t.Errorf("read-back after create = %+v, want GET with Accept %q", all[1:], tc.header)
				}
			}
		})
	}
}

// TestMediaTypesMN1 checks that a "v1.9" root switches the versioned types, as eucanetd did.
func TestMediaTypesMN1(t *testing.T) {
	for _, tc := range []struct {
		res        Resource
		collection bool
		mn5, mn1   string
	}{
		{ResRouters, false, "Router-v3", "Router-v2"},
		{ResBridges, true, "collection.Bridge-v4", "collection.Bridge-v2"},
		{ResPorts, false, "Port-v3", "Port-v2"},
		{ResHosts, true, "collection.Host-v3", "collection.Host-v2"},
		{ResRules, false, "Rule-v2", "Rule-v2"},
		{ResDHCPHosts, true, "collection.DhcpHost-v2", "collection.DhcpHost-v2"},
	} {
		wrap := func(s string) string { return "application/vnd.org.midonet." + s + "+json" }
		if got := MediaType(VersionMN5, tc.res, tc.collection); got != wrap(tc.mn5) {
			t.Errorf("MediaType(v5.0, %s) = %s, want %s", tc.res, got, wrap(tc.mn5))
		}
		if got := MediaType(VersionMN1, tc.res, tc.collection); got != wrap(tc.mn1) {
			t.Errorf("MediaType(v1.9, %s) = %s, want %s", tc.res, got, wrap(tc.mn1))
		}
	}

	f := newFakeAPI(t)
	f.version = VersionMN1
	c := newTestClient(t, f, func(cfg *Config) { cfg.ReadBack = true })
	ctx := testContext(t)
	if _, err := c.ListRouters(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if got := f.recorded()[0].Accept; got != "application/vnd.org.midonet.collection.Router-v2+json" {
		t.Errorf("v1.9 router list Accept = %q", got)
	}
	// MidoNet 1.x spells the MAC of a DHCP host path with dashes.
	_ = c.DeleteDHCPHost(ctx, "b", "10.0.0.0/24", "d0:0d:00:00:00:01")
	if got := f.recorded()[1].Path; got != apiPrefix+"/bridges/b/dhcp/10.0.0.0_24/hosts/d0-0d-00-00-00-01" {
		t.Errorf("v1.9 DHCP host path = %q", got)
	}
}
