package maintenance

import (
	"fmt"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
)

// Descriptions of objects as an operator reads them in midonet-cli: devices by name, ports
// by address or binding and device, routes by prefixes and next hop.

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	if strings.HasSuffix(one, "s") {
		return fmt.Sprintf("%d %ses", n, one)
	}
	return fmt.Sprintf("%d %ss", n, one)
}

func describeRouter(r Router) string {
	return fmt.Sprintf("router %s (%s, %s)", r.Name, plural(len(r.Ports), "port"), plural(len(userRoutes(r.Routes)), "route"))
}

func describeBridge(b Bridge) string {
	return fmt.Sprintf("bridge %s (%s)", b.Name, plural(len(b.Ports), "port"))
}

func describeChain(c Chain) string {
	return fmt.Sprintf("chain %s (%s)", c.Name, plural(len(c.Rules), "rule"))
}

func describeAddrGroup(g AddrGroup) string {
	return fmt.Sprintf("ip address group %s (%s)", g.Name, plural(len(g.Addrs), "address"))
}

func describePortGroup(g PortGroup) string {
	return fmt.Sprintf("port group %s (%s)", g.Name, plural(len(g.Members), "member"))
}

// describePort names a port by what identifies it on its device.
func describePort(p midonet.Port, device string) string {
	var parts []string
	if p.PortAddress != "" {
		parts = append(parts, fmt.Sprintf("%s/%d", p.PortAddress, p.NetworkLength))
	}
	if p.InterfaceName != nil && *p.InterfaceName != "" {
		parts = append(parts, "bound to "+*p.InterfaceName)
	}
	if len(parts) == 0 {
		parts = append(parts, p.ID)
	}
	return fmt.Sprintf("port %s of %s", strings.Join(parts, " "), device)
}

func describeRule(r midonet.Rule, pos int, chain string) string {
	return fmt.Sprintf("rule #%d %s of %s", pos, r.Type, chain)
}

// userRoutes leaves out the routes MidoNet makes itself (Local routes of ports, BGP-learned).
func userRoutes(routes []midonet.Route) []midonet.Route {
	var out []midonet.Route
	for _, rt := range routes {
		if rt.Type != midonet.RouteTypeLocal && !rt.Learned {
			out = append(out, rt)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
