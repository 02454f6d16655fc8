package topology

import (
	"fmt"
	"net/netip"
)

// RouteNormal is the only route type translation produces.
const RouteNormal = "Normal"

// Route is a route on a router. It has no name: its identity is the whole content
// (ARCHITECTURE.md decision 3).
type Route struct {
	Router      string
	Src         netip.Prefix
	Dst         netip.Prefix
	NextHopPort PortRef
	// Gateway is nextHopGateway; the zero Addr means none.
	Gateway netip.Addr
	Weight  int
	Type    string
}

// Key identifies the route.
func (r Route) Key() string {
	gw := "-"
	if r.Gateway.IsValid() {
		gw = r.Gateway.String()
	}
	return fmt.Sprintf("route:%s:%s>%s:%s:gw=%s:w=%d:%s", r.Router, r.Src, r.Dst, r.NextHopPort, gw, r.Weight, r.Type)
}
