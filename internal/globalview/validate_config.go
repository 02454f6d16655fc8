package globalview

import (
	"math"
	"net/netip"
	"strconv"
)

const (
	midoPath     = configPath + "/property[mido]"
	gatewaysPath = midoPath + "/property[gateways]"
	clustersPath = configPath + "/property[clusters]"
	// ModeVPCMIDO is the only mode midovpc implements.
	ModeVPCMIDO = "VPCMIDO"
)

// config checks the root attributes and the configuration element.
func (c *validator) config() {
	v := c.v
	if v.Version != "" && !validVersion(v.Version) {
		c.add(here("@version"), "", "%q is not a valid version (want 8 lowercase hex digits)", v.Version)
	}
	if v.AppliedVersion != "" && !validVersion(v.AppliedVersion) {
		c.add(here("@applied-version"), "", "%q is not a valid version (want 8 lowercase hex digits)", v.AppliedVersion)
	}
	cfg := &v.Config
	switch cfg.Mode {
	case ModeVPCMIDO:
	case "":
		c.add(here(configPath+"/property[mode]"), "", "missing mode")
	default:
		c.add(here(configPath+"/property[mode]"), "", "mode %q is not supported; midovpc implements VPCMIDO only", cfg.Mode)
	}
	c.ipv4(here(configPath+"/property[enabledCLCIp]"), "", cfg.EnabledCLCIP, true)
	switch {
	case cfg.InstanceDNSDomain == "":
		c.add(here(configPath+"/property[instanceDNSDomain]"), "", "missing instance DNS domain")
	case !validHostname(cfg.InstanceDNSDomain):
		c.add(here(configPath+"/property[instanceDNSDomain]"), "", "%q is not a valid domain name", cfg.InstanceDNSDomain)
	}
	dnsPath := configPath + "/property[instanceDNSServers]"
	if len(cfg.InstanceDNSServers) == 0 {
		c.add(here(dnsPath), "", "no instance DNS servers")
	}
	for i, s := range cfg.InstanceDNSServers {
		c.ipv4(here(valuePath(dnsPath, i)), "", s, true)
	}
	for i, s := range cfg.PublicIPs {
		if !validPublicIPRange(s) {
			c.add(here(valuePath(configPath+"/property[publicIps]", i)), "", "%q is not an IPv4 address or range a.b.c.d-e.f.g.h", s)
		}
	}
	c.mido(&cfg.Mido)
	c.clusterList(cfg.Clusters)
}

func (c *validator) mido(m *Mido) {
	if m.BGPASN != nil && !validASN(*m.BGPASN) {
		c.add(here(midoPath+"/property[bgpAsn]"), "", "AS number %d is out of range 1..4294967295", *m.BGPASN)
	}
	// Checked once here rather than in every gateway they were copied into.
	c.cidr(here(midoPath+"/property[publicNetworkCidr]"), "", m.PublicNetworkCIDR, false, false)
	c.ipv4(here(midoPath+"/property[publicGatewayIP]"), "", m.PublicGatewayIP, false)
	if m.EucanetdHost != "" && !validHostname(m.EucanetdHost) {
		c.add(here(midoPath+"/property[eucanetdHost]"), "", "%q is not a valid host name", m.EucanetdHost)
	}
	hosts := make(map[string]string)
	for i := range m.Gateways {
		g := &m.Gateways[i]
		path := gatewaysPath + "/gateway[#" + strconv.Itoa(i+1) + "]"
		if g.Format == GatewayFormatFlat {
			path = midoPath
		}
		c.gateway(g, m, path)
		if g.Host != "" {
			if first, dup := hosts[g.Host]; dup {
				c.add(here(path), g.Host, "gateway host %s is also used by %s", g.Host, first)
			} else {
				hosts[g.Host] = path
			}
		}
	}
}

// gatewayKey returns the path of a gateway key in the format it was written in.
func gatewayKey(g *Gateway, path, v44, legacy string) string {
	if g.Format == GatewayFormatV44 || legacy == "" {
		return path + "/property[" + v44 + "]"
	}
	return path + "/property[" + legacy + "]"
}

func (c *validator) gateway(g *Gateway, m *Mido, path string) {
	id := g.Host
	hostPath := gatewayKey(g, path, "ip", "gatewayHost")
	switch {
	case g.Host == "":
		c.add(here(hostPath), "", "missing gateway host (ip or gatewayHost)")
	case g.hostIsIP:
		c.ipv4(field(path, "property[ip]"), id, g.Host, true)
	case !validHostname(g.Host):
		c.add(here(hostPath), id, "%q is not a valid host name or address", g.Host)
	}

	// Containment in the external CIDR is checked only for the 4.4 keys: legacy
	// setups used publicNetworkCidr loosely (the spec's own example puts
	// gatewayIP 10.116.133.77 outside publicNetworkCidr 10.116.0.0/17).
	var (
		ext   netip.Prefix
		extOK bool
	)
	cidrPath := gatewayKey(g, path, "externalCidr", "")
	switch {
	case g.ExternalCIDR == "":
		c.add(here(cidrPath), id, "missing external CIDR (externalCidr, or publicNetworkCidr under mido)")
	case g.cidrFromMido:
		// Checked once at mido level.
	default:
		ext, extOK = c.cidr(here(cidrPath), id, g.ExternalCIDR, true, false)
		extOK = extOK && g.Format == GatewayFormatV44
	}

	devPath := gatewayKey(g, path, "externalDevice", "gatewayInterface")
	switch {
	case g.ExternalDevice == "":
		c.add(here(devPath), id, "missing external device")
	case !validDevice(g.ExternalDevice):
		c.add(here(devPath), id, "%q is not a valid interface name", g.ExternalDevice)
	}

	ipPath := gatewayKey(g, path, "externalIp", "gatewayIP")
	ip, ipOK := c.ipv4(here(ipPath), id, g.ExternalIP, true)
	c.within(here(ipPath), id, ip, ipOK, ext, extOK, "external CIDR")

	switch {
	case g.ExternalRouterIP != "" && g.BGPPeerIP != "" && !g.routerFromMido:
		c.add(here(path), id, "both externalRouterIp and bgpPeerIp are set; a gateway routes statically or by BGP")
	case g.ExternalRouterIP == "" && g.BGPPeerIP == "":
		c.add(here(path), id, "missing upstream router (externalRouterIp, bgpPeerIp, or publicGatewayIP under mido)")
	case g.BGPPeerIP != "":
		peerPath := path + "/property[bgpPeerIp]"
		peer, ok := c.ipv4(here(peerPath), id, g.BGPPeerIP, true)
		c.within(here(peerPath), id, peer, ok, ext, extOK, "external CIDR")
	case g.routerFromMido:
		// Checked once at mido level.
	default:
		peerPath := path + "/property[externalRouterIp]"
		peer, ok := c.ipv4(here(peerPath), id, g.ExternalRouterIP, true)
		c.within(here(peerPath), id, peer, ok, ext, extOK, "external CIDR")
	}

	asnPath := path + "/property[bgpPeerAsn]"
	switch {
	case g.BGPPeerIP != "" && g.BGPPeerASN == nil:
		c.add(here(asnPath), id, "missing BGP peer AS number for bgpPeerIp %s", g.BGPPeerIP)
	case g.BGPPeerIP == "" && g.BGPPeerASN != nil:
		c.add(here(asnPath), id, "BGP peer AS number without bgpPeerIp")
	case g.BGPPeerASN != nil && !validASN(*g.BGPPeerASN):
		c.add(here(asnPath), id, "AS number %d is out of range 1..4294967295", *g.BGPPeerASN)
	}
	if g.BGPPeerIP != "" && m.BGPASN == nil {
		c.add(here(midoPath+"/property[bgpAsn]"), id, "missing local AS number (bgpAsn) for BGP gateway %s", g.Host)
	}
	routesPath := path + "/property[bgpAdRoutes]"
	if len(g.BGPAdRoutes) > 0 && g.BGPPeerIP == "" {
		c.add(here(routesPath), id, "advertised routes without bgpPeerIp")
	}
	for i, r := range g.BGPAdRoutes {
		c.cidr(here(valuePath(routesPath, i)), id, r, true, true)
	}
}

func validASN(n int64) bool { return n >= 1 && n <= math.MaxUint32 }

// clusterList checks clusters and nodes; node instanceIds must name instances,
// each placed once.
func (c *validator) clusterList(clusters []Cluster) {
	nodes := make(map[string]string)
	placed := make(map[string]string, len(c.v.Instances))
	for i := range clusters {
		cl := &clusters[i]
		path := objectPath(clustersPath, "cluster", cl.Name, i)
		if cl.Name == "" {
			c.add(field(path, "@name"), "", "missing cluster name")
		}
		c.ipv4(field(path, "property[enabledCCIp]"), cl.Name, cl.EnabledCCIP, true)
		switch {
		case cl.MacPrefix == "":
			c.add(field(path, "property[macPrefix]"), cl.Name, "missing MAC prefix")
		case !validMacPrefix(cl.MacPrefix):
			c.add(field(path, "property[macPrefix]"), cl.Name, "%q is not a valid MAC prefix (want hh:hh)", cl.MacPrefix)
		}
		for j := range cl.Nodes {
			n := &cl.Nodes[j]
			npath := objectPath(path+"/property[nodes]", "node", n.Name, j)
			switch {
			case n.Name == "":
				c.add(field(npath, "@name"), "", "missing node name")
			case !validHostname(n.Name):
				c.add(field(npath, "@name"), n.Name, "%q is not a valid host name or address", n.Name)
			default:
				if first, dup := nodes[n.Name]; dup {
					c.add(field(npath, "@name"), n.Name, "duplicate node %s, first at %s", n.Name, first)
				}
				nodes[n.Name] = npath
			}
			for k, id := range n.InstanceIDs {
				vpath := field(npath, "instanceIds").nth(k)
				if !c.reference(vpath, n.Name, id, kindInstance, c.instances[id]) {
					continue
				}
				if first, dup := placed[id]; dup {
					c.add(vpath, n.Name, "instance %s is also placed on %s", id, first)
					continue
				}
				placed[id] = n.Name
			}
		}
	}
}
