package sim

import (
	"net/http"
	"testing"
)

// midonet-api.md §1.2: generic handlers answer 406 (also for a wrong Content-Type), @Consumes
// handlers 415, ip_addrs 405; vendor-only types refuse application/json; the response
// Content-Type is the negotiated type.
func TestMediaTypeNegotiation(t *testing.T) {
	c := newSim(t, Options{})
	rt := c.router("r")
	br := c.bridge("b")
	bp := c.bridgePort(br)
	c.create("/bridges/"+br+"/dhcp", tDHCP, map[string]any{"subnetPrefix": "10.0.0.0", "subnetLength": 24})
	g := c.create("/ip_addr_groups", tIPG, map[string]any{"name": "g"})
	tz := c.getList("/tunnel_zones", tTZs)[0]["id"].(string)

	tests := []struct {
		name         string
		method, path string
		mt           string
		body         any
		want         int
		wantCT       string
	}{
		{"router vendor type", "GET", "/routers/" + rt, tRouter, nil, 200, tRouter},
		{"router json", "GET", "/routers/" + rt, mediaJSON, nil, 200, mediaJSON},
		{"router wildcard gets vendor type", "GET", "/routers/" + rt, "*/*", nil, 200, tRouter},
		{"charset parameter ignored", "GET", "/routers/" + rt, tRouter + "; charset=UTF-8", nil, 200, tRouter},
		{"router older version refused", "GET", "/routers/" + rt, vnd("Router-v2"), nil, 406, ""},
		{"router missing Accept", "GET", "/routers/" + rt, "", nil, 406, ""},
		{"router list with single type", "GET", "/routers", tRouter, nil, 406, ""},
		{"bridge v5 accepted", "GET", "/bridges/" + br, vnd("Bridge-v5"), nil, 200, vnd("Bridge-v5")},
		{"port v4 accepted", "GET", "/ports/" + bp, vnd("Port-v4"), nil, 200, vnd("Port-v4")},
		{"generic POST wrong Content-Type is 406", "POST", "/routers", tBridge, map[string]any{}, 406, ""},
		{"generic PUT wrong Content-Type is 406", "PUT", "/routers/" + rt, "text/plain", map[string]any{}, 406, ""},
		{"ip_addr_groups vendor only (GET)", "GET", "/ip_addr_groups/" + g, mediaJSON, nil, 406, ""},
		{"ip_addr_groups vendor only (list)", "GET", "/ip_addr_groups", mediaJSON, nil, 406, ""},
		{"ip_addr_groups vendor only (POST)", "POST", "/ip_addr_groups", mediaJSON, map[string]any{"name": "x"}, 406, ""},
		{"ip_addrs list wrong type is 405", "GET", "/ip_addr_groups/" + g + "/ip_addrs", mediaJSON, nil, 405, ""},
		{"ip_addrs POST wrong type is 405", "POST", "/ip_addr_groups/" + g + "/ip_addrs", mediaJSON, map[string]any{"version": 4, "addr": "1.2.3.4"}, 405, ""},
		{"dhcp list vendor only", "GET", "/bridges/" + br + "/dhcp", mediaJSON, nil, 406, ""},
		{"dhcp list vendor type", "GET", "/bridges/" + br + "/dhcp", tDHCPs, nil, 200, tDHCPs},
		{"dhcp POST wrong Content-Type is 415", "POST", "/bridges/" + br + "/dhcp", tRouter, map[string]any{}, 415, ""},
		{"dhcp POST json accepted", "POST", "/bridges/" + br + "/dhcp", mediaJSON, map[string]any{"subnetPrefix": "10.0.1.0", "subnetLength": 24}, 201, ""},
		{"dhcp hosts list vendor only", "GET", "/bridges/" + br + "/dhcp/10.0.0.0_24/hosts", mediaJSON, nil, 406, ""},
		{"dhcp host POST wrong type is 415", "POST", "/bridges/" + br + "/dhcp/10.0.0.0_24/hosts", tRouter, map[string]any{}, 415, ""},
		{"link wrong Content-Type is 415", "POST", "/ports/" + bp + "/link", tPort, map[string]any{"peerId": bp}, 415, ""},
		{"binding POST wrong type is 415", "POST", "/hosts/" + node1 + "/ports", tPort, map[string]any{}, 415, ""},
		{"binding list vendor only", "GET", "/hosts/" + node1 + "/ports", mediaJSON, nil, 406, ""},
		{"tunnel zone hosts POST json is 415", "POST", "/tunnel_zones/" + tz + "/hosts", mediaJSON, map[string]any{}, 415, ""},
		{"tunnel zone hosts list json is 406", "GET", "/tunnel_zones/" + tz + "/hosts", mediaJSON, nil, 406, ""},
		{"tunnel zone hosts GRE type", "GET", "/tunnel_zones/" + tz + "/hosts", vndList("GreTunnelZoneHost-v1"), nil, 200, vndList("GreTunnelZoneHost-v1")},
		{"arp POST json is 415", "POST", "/bridges/" + br + "/arp_table", mediaJSON, map[string]any{"ip": "10.0.0.5", "mac": "aa:bb:cc:dd:ee:ff"}, 415, ""},
		{"routes list wrong Accept is 406", "GET", "/routers/" + rt + "/routes", tRoute, nil, 406, ""},
		{"interfaces json", "GET", "/hosts/" + node1 + "/interfaces", mediaJSON, nil, 200, mediaJSON},
		{"port group GET vendor only", "GET", "/port_groups/" + c.create("/port_groups", tPortGroup, map[string]any{"name": "pg"}), mediaJSON, nil, 406, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			r := c.do(tt.method, tt.path, tt.mt, tt.body)
			if r.status != tt.want {
				t.Fatalf("status %d, want %d (%s)", r.status, tt.want, r.body)
			}
			if tt.want == 406 || tt.want == 415 || tt.want == 405 {
				if len(r.body) != 0 {
					t.Errorf("body %q, want none", r.body)
				}
			}
			if tt.wantCT != "" && r.header.Get("Content-Type") != tt.wantCT {
				t.Errorf("Content-Type %q, want %q", r.header.Get("Content-Type"), tt.wantCT)
			}
		})
	}
}

// midonet-api.md §1.7, §2.5, §2.6, §2.7, §2.8, §2.3: unsupported methods are 405 with no body.
func TestMethodNotAllowed(t *testing.T) {
	c := newSim(t, Options{})
	ch := c.chain("c")
	rl := c.rule(ch, map[string]any{"type": "accept"})
	rt := c.router("r")
	g := c.create("/ip_addr_groups", tIPG, map[string]any{"name": "g"})
	p := c.routerPort(rt, "10.0.0.1", 24)
	local := c.getList("/routers/"+rt+"/routes", tRoutes)[0]["id"].(string)
	tests := []struct{ method, path, mt string }{
		{"PUT", "/chains/" + ch, tChain},
		{"PUT", "/rules/" + rl, tRule},
		{"POST", "/rules", tRule},
		{"POST", "/ports", tPort},
		{"GET", "/routes", tRoutes},
		{"PUT", "/routes/" + local, tRoute},
		{"PUT", "/ip_addr_groups/" + g, tIPG},
		{"DELETE", "/routers", ""},
		{"PATCH", "/ports/" + p, tPort},
	}
	for _, tt := range tests {
		var body any
		if tt.method != "GET" && tt.method != "DELETE" {
			body = map[string]any{}
		}
		r := c.do(tt.method, tt.path, tt.mt, body)
		if r.status != http.StatusMethodNotAllowed || len(r.body) != 0 {
			t.Errorf("%s %s: %d %q, want 405 without body", tt.method, tt.path, r.status, r.body)
		}
	}
}
