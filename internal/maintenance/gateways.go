package maintenance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/translate"
)

// Gateway is one uplink of the core router eucart: its port, where it is bound and whether
// that host's agent is alive.
type Gateway struct {
	PortID    string `json:"portId"`
	Address   string `json:"address"` // portAddress/networkLength
	MAC       string `json:"mac,omitempty"`
	Host      string `json:"host,omitempty"` // host name, or its id when it has none
	HostID    string `json:"hostId,omitempty"`
	Interface string `json:"interface,omitempty"`
	// Bound is false for an uplink with no binding: no traffic leaves through it.
	Bound     bool `json:"bound"`
	HostAlive bool `json:"hostAlive"`
	// InterfaceFound is false when the bound interface is not among the host's interfaces.
	InterfaceFound bool `json:"interfaceFound"`
	// InPortGroup is true when the port is a member of eucapg (stateful across gateways).
	InPortGroup bool     `json:"inPortGroup"`
	BgpStatus   string   `json:"bgpStatus,omitempty"`
	Routes      []string `json:"routes,omitempty"` // the routes through this port
}

// Gateways is the core router's gateway side.
type Gateways struct {
	Router      string    `json:"router"`
	RouterID    string    `json:"routerId,omitempty"`
	ASNumber    int       `json:"asNumber,omitempty"`
	Uplinks     []Gateway `json:"uplinks"`
	BgpPeers    []BgpPeer `json:"bgpPeers,omitempty"`
	BgpNetworks []string  `json:"bgpNetworks,omitempty"`
}

// BgpPeer is a BGP neighbour of the core router.
type BgpPeer struct {
	Address  string `json:"address"`
	ASNumber int    `json:"asNumber"`
}

// ListGateways finds eucart's uplinks: its ports that are not the link to eucabr. An error
// means there is no eucart (or more than one: run check).
func ListGateways(st *State) (Gateways, error) {
	var cores []Router
	for _, rt := range st.Routers {
		if rt.Name == translate.CoreRouterName {
			cores = append(cores, rt)
		}
	}
	switch len(cores) {
	case 0:
		return Gateways{}, fmt.Errorf("tenant %s has no router %s", st.Tenant, translate.CoreRouterName)
	case 1:
	default:
		return Gateways{}, fmt.Errorf("tenant %s has %d routers named %s: run check", st.Tenant, len(cores), translate.CoreRouterName)
	}
	core := cores[0]
	g := Gateways{Router: core.Name, RouterID: core.ID, ASNumber: core.ASNumber}
	hosts := map[string]Host{}
	for _, h := range st.Hosts {
		hosts[h.ID] = h
	}
	var eucapg []string
	for _, pg := range st.PortGroups {
		if pg.Name == translate.GatewayPortGroupName {
			eucapg = append(eucapg, pg.Members...)
		}
	}
	for _, p := range core.Ports {
		if deref(p.PeerID) != "" {
			continue // the link to eucabr, or another device
		}
		up := Gateway{PortID: p.ID, Address: fmt.Sprintf("%s/%d", p.PortAddress, p.NetworkLength), MAC: p.PortMAC,
			HostID: deref(p.HostID), Interface: deref(p.InterfaceName), InPortGroup: slices.Contains(eucapg, p.ID),
			BgpStatus: deref(p.BgpStatus)}
		up.Bound = up.HostID != "" && up.Interface != ""
		if h, ok := hosts[up.HostID]; ok {
			up.Host, up.HostAlive = h.Name, h.Alive
			up.InterfaceFound = slices.ContainsFunc(h.Interfaces, func(i midonet.HostInterface) bool { return i.Name == up.Interface })
		} else {
			up.Host = up.HostID
		}
		for _, rt := range userRoutes(core.Routes) {
			if deref(rt.NextHopPort) == p.ID {
				up.Routes = append(up.Routes, rt.Describe(core.Name))
			}
		}
		slices.Sort(up.Routes)
		g.Uplinks = append(g.Uplinks, up)
	}
	slices.SortFunc(g.Uplinks, func(a, b Gateway) int { return strings.Compare(a.Address, b.Address) })
	for _, p := range core.BgpPeers {
		g.BgpPeers = append(g.BgpPeers, BgpPeer{Address: p.Address, ASNumber: p.ASNumber})
	}
	slices.SortFunc(g.BgpPeers, func(a, b BgpPeer) int { return strings.Compare(a.Address, b.Address) })
	for _, n := range core.BgpNetworks {
		g.BgpNetworks = append(g.BgpNetworks, fmt.Sprintf("%s/%d", n.SubnetAddress, n.SubnetLength))
	}
	slices.Sort(g.BgpNetworks)
	return g, nil
}
