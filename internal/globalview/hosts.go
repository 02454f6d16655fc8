package globalview

import (
	"net/netip"
	"slices"
)

// SeedTunnelZone is the tunnel zone that holds every MidoNet host of a cloud, as the
// Eucalyptus install guide names it.
const SeedTunnelZone = "mido-tz"

// Host interface names used when seeding.
const (
	// SeedHostInterface carries a host's internal address.
	SeedHostInterface = "eth0"
	// SeedMetadataInterface is the CLC's interface to the metadata network.
	SeedMetadataInterface = "eucamd_mido"
)

// SeedHost is a MidoNet host that a development emulator should register, as the
// MidoNet agent on that machine would.
type SeedHost struct {
	Name       string
	Interfaces []SeedInterface
	// TunnelZones the host is a member of (always SeedTunnelZone).
	TunnelZones []string
}

// SeedInterface is one interface of a seeded host.
type SeedInterface struct {
	Name      string
	Addresses []string
}

// HostsFromView lists the MidoNet hosts a cloud described by v has: one per node (named
// as the node; interface eth0 with the node's address when the name is one), one per
// gateway host (eth0 with its address or name, plus the external device with the
// external IP), and the CLC (enabledCLCIp on eth0, plus eucamd_mido), all in tunnel zone
// mido-tz. A host that is both (a gateway on the CLC, say) is listed once with the
// interfaces of both. Order: CLC, gateways, nodes, as in the view.
func HostsFromView(v *View) []SeedHost {
	var hosts []SeedHost
	index := map[string]int{}
	add := func(name string, ifaces ...SeedInterface) {
		i, ok := index[name]
		if !ok {
			i = len(hosts)
			index[name] = i
			hosts = append(hosts, SeedHost{Name: name, TunnelZones: []string{SeedTunnelZone}})
		}
		for _, in := range ifaces {
			hosts[i].addInterface(in)
		}
	}
	if clc := v.Config.EnabledCLCIP; clc != "" {
		add(clc, SeedInterface{Name: SeedHostInterface, Addresses: []string{clc}},
			SeedInterface{Name: SeedMetadataInterface})
	}
	for _, g := range v.Config.Mido.Gateways {
		if g.Host == "" {
			continue
		}
		ifaces := []SeedInterface{{Name: SeedHostInterface, Addresses: addressOf(g.Host)}}
		if g.ExternalDevice != "" {
			ext := SeedInterface{Name: g.ExternalDevice}
			if g.ExternalIP != "" {
				ext.Addresses = []string{g.ExternalIP}
			}
			ifaces = append(ifaces, ext)
		}
		add(g.Host, ifaces...)
	}
	for _, c := range v.Config.Clusters {
		for _, n := range c.Nodes {
			add(n.Name, SeedInterface{Name: SeedHostInterface, Addresses: addressOf(n.Name)})
		}
	}
	return hosts
}

// addressOf is name as an address list when it is an IP address, else empty.
func addressOf(name string) []string {
	if _, err := netip.ParseAddr(name); err != nil {
		return nil
	}
	return []string{name}
}

// addInterface adds in, merging its addresses into an interface of the same name.
func (h *SeedHost) addInterface(in SeedInterface) {
	for i := range h.Interfaces {
		if h.Interfaces[i].Name != in.Name {
			continue
		}
		for _, a := range in.Addresses {
			if !slices.Contains(h.Interfaces[i].Addresses, a) {
				h.Interfaces[i].Addresses = append(h.Interfaces[i].Addresses, a)
			}
		}
		return
	}
	h.Interfaces = append(h.Interfaces, in)
}
