package globalview

import "strconv"

const configPath = "configuration"

// config maps the configuration element, dispatching each property on @name.
func (p *parser) config(el *element) Config {
	var c Config
	names, props := el.properties()
	for _, name := range names {
		prop := props[name]
		path := configPath + "/property[" + name + "]"
		switch name {
		case "mode":
			c.Mode = p.single(path, "", prop)
		case "enabledCLCIp":
			c.EnabledCLCIP = p.single(path, "", prop)
		case "instanceDNSDomain":
			c.InstanceDNSDomain = p.single(path, "", prop)
		case "instanceDNSServers":
			c.InstanceDNSServers = prop.values()
		case "publicIps":
			c.PublicIPs = prop.values()
		case "mido":
			c.Mido = p.mido(prop, path)
		case "clusters":
			c.Clusters = p.clusters(prop, path)
		case "subnets", "managedSubnet":
			// EDGE and MANAGED only; meaningless in VPCMIDO.
		default:
			if c.Other == nil {
				c.Other = make(map[string][]string)
			}
			c.Other[name] = prop.values()
		}
	}
	if _, ok := props["mode"]; !ok {
		// 4.1 wrote no mode; its only VPC mode was the MidoNet one.
		c.Mode = "VPCMIDO"
		c.ModeInferred = true
		p.note("no mode property (4.1 format): mode taken as VPCMIDO")
	}
	return c
}

// Gateway keys by format. Legacy keys are read first so that 4.4 keys of the
// same gateway override them, as the original reader does.
var legacyGatewayKeys = []string{"gatewayHost", "gatewayIP", "gatewayInterface"}

func isLegacyGatewayKey(name string) bool {
	for _, k := range legacyGatewayKeys {
		if k == name {
			return true
		}
	}
	return false
}

// mido maps the mido property: gateways in any format, bgpAsn, legacy keys.
func (p *parser) mido(el *element, path string) Mido {
	var m Mido
	names, props := el.properties()
	flat := make(map[string]*element)
	for _, name := range names {
		prop := props[name]
		ppath := path + "/property[" + name + "]"
		switch {
		case name == "gateways":
			for i, g := range prop.each("gateway") {
				m.Gateways = append(m.Gateways, p.gateway(g, ppath+"/gateway[#"+strconv.Itoa(i+1)+"]"))
			}
		case name == "bgpAsn":
			m.BGPASN = p.optInt64(here(ppath), "", p.single(ppath, "", prop))
		case name == "eucanetdHost":
			m.EucanetdHost = p.single(ppath, "", prop)
		case name == "publicNetworkCidr":
			m.PublicNetworkCIDR = p.single(ppath, "", prop)
		case name == "publicGatewayIP":
			m.PublicGatewayIP = p.single(ppath, "", prop)
		case isLegacyGatewayKey(name):
			flat[name] = prop
		}
	}
	if len(flat) > 0 {
		// 4.1: one gateway's keys directly under mido.
		g := Gateway{Format: GatewayFormatFlat}
		p.legacyGatewayKeys(&g, flat, path)
		m.Gateways = append(m.Gateways, g)
		p.note("gateway settings flat under mido (4.1 format): read as one gateway")
	}
	for i := range m.Gateways {
		g := &m.Gateways[i]
		if g.ExternalCIDR == "" && m.PublicNetworkCIDR != "" {
			g.ExternalCIDR, g.cidrFromMido = m.PublicNetworkCIDR, true
		}
		if g.ExternalRouterIP == "" && g.BGPPeerIP == "" && m.PublicGatewayIP != "" {
			g.ExternalRouterIP, g.routerFromMido = m.PublicGatewayIP, true
		}
	}
	return m
}

// gateway maps one gateway element of the gateways list.
func (p *parser) gateway(el *element, path string) Gateway {
	g := Gateway{Format: GatewayFormatLegacy}
	_, props := el.properties()
	p.legacyGatewayKeys(&g, props, path)
	get := func(name string) (string, bool) {
		prop, ok := props[name]
		if !ok {
			return "", false
		}
		g.Format = GatewayFormatV44
		return p.single(path+"/property["+name+"]", "", prop), true
	}
	if v, ok := get("ip"); ok {
		g.Host, g.hostIsIP = v, true
	}
	if v, ok := get("externalCidr"); ok {
		g.ExternalCIDR = v
	}
	if v, ok := get("externalDevice"); ok {
		g.ExternalDevice = v
	}
	if v, ok := get("externalIp"); ok {
		g.ExternalIP = v
	}
	if v, ok := get("externalRouterIp"); ok {
		g.ExternalRouterIP = v
	}
	if v, ok := get("bgpPeerIp"); ok {
		g.BGPPeerIP = v
	}
	if v, ok := get("bgpPeerAsn"); ok {
		g.BGPPeerASN = p.optInt64(field(path, "property[bgpPeerAsn]"), "", v)
	}
	if prop, ok := props["bgpAdRoutes"]; ok {
		g.Format = GatewayFormatV44
		g.BGPAdRoutes = prop.values()
	}
	return g
}

// legacyGatewayKeys fills a gateway from gatewayHost, gatewayIP, gatewayInterface.
func (p *parser) legacyGatewayKeys(g *Gateway, props map[string]*element, path string) {
	for _, name := range legacyGatewayKeys {
		prop, ok := props[name]
		if !ok {
			continue
		}
		v := p.single(path+"/property["+name+"]", "", prop)
		switch name {
		case "gatewayHost":
			g.Host = v
		case "gatewayIP":
			g.ExternalIP = v
		case "gatewayInterface":
			g.ExternalDevice = v
		}
	}
}

// clusters maps the clusters property.
func (p *parser) clusters(el *element, path string) []Cluster {
	var out []Cluster
	for i, cel := range el.each("cluster") {
		c := Cluster{Name: cel.attr("name")}
		cpath := objectPath(path, "cluster", c.Name, i)
		if sub := cel.child("subnet"); sub != nil {
			_, sp := sub.properties()
			spath := cpath + "/subnet"
			c.Subnet = &ClusterSubnet{
				Name:    sub.attr("name"),
				Subnet:  p.single(spath+"/property[subnet]", c.Name, sp["subnet"]),
				Netmask: p.single(spath+"/property[netmask]", c.Name, sp["netmask"]),
				Gateway: p.single(spath+"/property[gateway]", c.Name, sp["gateway"]),
			}
		}
		_, props := cel.properties()
		c.EnabledCCIP = p.single(cpath+"/property[enabledCCIp]", c.Name, props["enabledCCIp"])
		c.MacPrefix = p.single(cpath+"/property[macPrefix]", c.Name, props["macPrefix"])
		c.PrivateIPs = props["privateIps"].values()
		for _, nel := range props["nodes"].each("node") {
			c.Nodes = append(c.Nodes, Node{
				Name:        nel.attr("name"),
				InstanceIDs: nel.child("instanceIds").values(),
			})
		}
		out = append(out, c)
	}
	return out
}
