package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

var (
	mtDHCPSubnet     = []string{vnd("DhcpSubnet-v2"), mediaJSON}
	mtDHCPSubnetList = vndList("DhcpSubnet-v2")
	mtDHCPHost       = []string{vnd("DhcpHost-v2"), mediaJSON}
	mtDHCPHostList   = vndList("DhcpHost-v2")
)

// dhcpSubnet is a bridge's DHCP subnet, addressed as <prefix>_<len> (spec §2.9).
type dhcpSubnet struct {
	SubnetPrefix   string      `json:"subnetPrefix"`
	SubnetLength   int64       `json:"subnetLength"`
	DefaultGateway *string     `json:"defaultGateway"`
	ServerAddr     *string     `json:"serverAddr"`
	DNSServerAddrs []string    `json:"dnsServerAddrs"`
	InterfaceMTU   *int64      `json:"interfaceMTU"`
	Opt121Routes   []opt121    `json:"opt121Routes"`
	Enabled        bool        `json:"enabled"`
	Hosts          []*dhcpHost `json:"hosts"`
}

type opt121 struct {
	DestinationPrefix string `json:"destinationPrefix"`
	DestinationLength int64  `json:"destinationLength"`
	GatewayAddr       string `json:"gatewayAddr"`
}

// dhcpHost is a static DHCP assignment, keyed by MAC inside its subnet.
type dhcpHost struct {
	MacAddr       string     `json:"macAddr"`
	IPAddr        *string    `json:"ipAddr"`
	Name          *string    `json:"name"`
	ExtraDhcpOpts []extraOpt `json:"extraDhcpOpts"`
}

type extraOpt struct {
	OptName  string `json:"optName"`
	OptValue string `json:"optValue"`
}

func (s *dhcpSubnet) key() string {
	return s.SubnetPrefix + "_" + strconv.FormatInt(s.SubnetLength, 10)
}
func (s *dhcpSubnet) cidr() string {
	return s.SubnetPrefix + "/" + strconv.FormatInt(s.SubnetLength, 10)
}

// serveDHCP is everything under /bridges/{id}/dhcp.
func (c *call) serveDHCP(bridgeID string, rest []string) (reply, error) {
	b, found := c.st.Bridges[bridgeID]
	switch len(rest) {
	case 0:
		switch c.method() {
		case http.MethodGet:
			mt, err := c.produce(jersey, mtDHCPSubnetList)
			if err != nil {
				return reply{}, err
			}
			if !found {
				return reply{}, notFound(classNetwork, bridgeID)
			}
			return ok(mt, renderAll(b.DHCPSubnets, func(s *dhcpSubnet) map[string]any { return c.renderDHCPSubnet(bridgeID, s) }))
		case http.MethodPost:
			return c.createDHCPSubnet(b, bridgeID)
		}
		return reply{}, methodNotAllowed()
	case 1:
		switch c.method() {
		case http.MethodGet:
			mt, err := c.produce(jersey, mtDHCPSubnet...)
			if err != nil {
				return reply{}, err
			}
			if !found {
				return reply{}, notFound(classNetwork, bridgeID)
			}
			s := b.subnet(rest[0])
			if s == nil {
				return reply{}, bare(http.StatusNotFound)
			}
			return ok(mt, c.renderDHCPSubnet(bridgeID, s))
		case http.MethodPut:
			return c.updateDHCPSubnet(b, bridgeID, rest[0])
		case http.MethodDelete:
			if !found {
				return reply{}, notFound(classNetwork, bridgeID)
			}
			s := b.subnet(rest[0])
			if s == nil {
				return reply{}, noSubnet(bridgeID, rest[0])
			}
			b.DHCPSubnets = slices.DeleteFunc(b.DHCPSubnets, func(x *dhcpSubnet) bool { return x == s })
			c.st.touch()
			return noContent()
		}
		return reply{}, methodNotAllowed()
	}
	if rest[1] != "hosts" || len(rest) > 3 {
		return reply{}, bare(http.StatusNotFound)
	}
	if !found {
		return reply{}, notFound(classNetwork, bridgeID)
	}
	s := b.subnet(rest[0])
	if len(rest) == 2 {
		return c.serveDHCPHosts(bridgeID, rest[0], s)
	}
	return c.serveDHCPHost(bridgeID, rest[0], s, rest[2])
}

// noSubnet is MidoNet's 404 for a missing subnet — and for a missing DHCP host (spec §2.9).
func noSubnet(bridgeID, key string) error {
	return notFoundMsg("Network %s does not have a subnet with address %s.", bridgeID, strings.Replace(key, "_", "/", 1))
}

func (b *bridge) subnet(key string) *dhcpSubnet {
	for _, s := range b.DHCPSubnets {
		if s.key() == key {
			return s
		}
	}
	return nil
}

func (c *call) createDHCPSubnet(b *bridge, bridgeID string) (reply, error) {
	if err := c.consume(jersey, mtDHCPSubnet...); err != nil {
		return reply{}, err
	}
	if b == nil {
		return reply{}, notFound(classNetwork, bridgeID)
	}
	s, err := decodeDHCPSubnet(c.r)
	if err != nil {
		return reply{}, err
	}
	if b.subnet(s.key()) != nil {
		return reply{}, conflict("The specified DHCP subnet(%s) already exists on this bridge.", s.cidr())
	}
	s.Hosts = []*dhcpHost{}
	b.DHCPSubnets = append(b.DHCPSubnets, s)
	c.st.touch()
	return created(c.uri("bridges", bridgeID, "dhcp", s.key()))
}

// updateDHCPSubnet replaces every field but the hosts; it may even change the prefix.
func (c *call) updateDHCPSubnet(b *bridge, bridgeID, key string) (reply, error) {
	if err := c.consume(jersey, mtDHCPSubnet...); err != nil {
		return reply{}, err
	}
	if b == nil {
		return reply{}, notFound(classNetwork, bridgeID)
	}
	old := b.subnet(key)
	if old == nil {
		return reply{}, noSubnet(bridgeID, key)
	}
	s, err := decodeDHCPSubnet(c.r)
	if err != nil {
		return reply{}, err
	}
	s.Hosts = old.Hosts
	*old = *s
	c.st.touch()
	return noContent()
}

func decodeDHCPSubnet(r *http.Request) (*dhcpSubnet, error) {
	f, err := readFields(r.Body)
	if err != nil {
		return nil, err
	}
	prefix, length := f.str("subnetPrefix"), f.integer("subnetLength")
	s := &dhcpSubnet{
		DefaultGateway: f.str("defaultGateway"),
		ServerAddr:     f.str("serverAddr"),
		DNSServerAddrs: f.strings("dnsServerAddrs"),
		InterfaceMTU:   f.integer("interfaceMTU"),
		Enabled:        f.boolOr("enabled", true),
		Opt121Routes:   []opt121{},
	}
	var v violations
	routes, _ := f.objects("opt121Routes")
	for i, o := range routes {
		rt := opt121{DestinationLength: o.intOr("destinationLength", 0)}
		dst, gw := o.str("destinationPrefix"), o.str("gatewayAddr")
		f.adopt(o)
		prop := fmt.Sprintf("opt121Routes[%d].", i)
		v.notNull(prop+"destinationPrefix", dst != nil)
		v.notNull(prop+"gatewayAddr", gw != nil)
		v.ipv4(prop+"destinationPrefix", dst)
		v.ipv4(prop+"gatewayAddr", gw)
		v.between(prop+"destinationLength", &rt.DestinationLength, 0, 32)
		if dst != nil && gw != nil {
			rt.DestinationPrefix, rt.GatewayAddr = *dst, *gw
		}
		s.Opt121Routes = append(s.Opt121Routes, rt)
	}
	if f.err != nil {
		return nil, f.err
	}
	v.notNull("subnetPrefix", prefix != nil)
	v.ipv4("subnetPrefix", prefix)
	v.between("subnetLength", length, 0, 32)
	v.ipv4("defaultGateway", s.DefaultGateway)
	v.ipv4("serverAddr", s.ServerAddr)
	for i, d := range s.DNSServerAddrs {
		v.ipv4(fmt.Sprintf("dnsServerAddrs[%d]", i), &d)
	}
	v.between("interfaceMTU", s.InterfaceMTU, 0, 65536)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.SubnetPrefix = *prefix
	if length != nil {
		s.SubnetLength = *length
	}
	if len(s.DNSServerAddrs) == 0 {
		s.DNSServerAddrs = nil // an empty list reads back as null
	}
	return s, nil
}

func (c *call) renderDHCPSubnet(bridgeID string, s *dhcpSubnet) map[string]any {
	u := c.uri("bridges", bridgeID, "dhcp", s.key())
	return map[string]any{
		"subnetPrefix": s.SubnetPrefix, "subnetLength": s.SubnetLength,
		"defaultGateway": s.DefaultGateway, "serverAddr": s.ServerAddr,
		"dnsServerAddrs": s.DNSServerAddrs, "interfaceMTU": s.InterfaceMTU,
		"opt121Routes": s.Opt121Routes, "enabled": s.Enabled, "uri": u, "hosts": u + "/hosts",
	}
}

// serveDHCPHosts is GET/POST …/dhcp/{subnet}/hosts.
func (c *call) serveDHCPHosts(bridgeID, key string, s *dhcpSubnet) (reply, error) {
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(jersey, mtDHCPHostList)
		if err != nil {
			return reply{}, err
		}
		if s == nil {
			return reply{}, noSubnet(bridgeID, key)
		}
		return ok(mt, renderAll(s.Hosts, func(h *dhcpHost) map[string]any { return c.renderDHCPHost(bridgeID, s, h) }))
	case http.MethodPost:
		if err := c.consume(jersey, mtDHCPHost...); err != nil {
			return reply{}, err
		}
		if s == nil {
			return reply{}, noSubnet(bridgeID, key)
		}
		h, err := decodeDHCPHost(c.r, "")
		if err != nil {
			return reply{}, err
		}
		if s.host(h.MacAddr) != nil {
			return reply{}, conflict("Subnet %s on bridge %s already has a host with MAC address %s.", s.cidr(), bridgeID, h.MacAddr)
		}
		s.Hosts = append(s.Hosts, h)
		c.st.touch()
		return created(c.uri("bridges", bridgeID, "dhcp", s.key(), "hosts", h.MacAddr))
	}
	return reply{}, methodNotAllowed()
}

// serveDHCPHost is GET/PUT/DELETE …/hosts/{mac}. The MAC must use colons: MidoNet parses it
// with MAC.fromString, which throws on anything else, and answers 500 (spec §6.1).
func (c *call) serveDHCPHost(bridgeID, key string, s *dhcpSubnet, macPath string) (reply, error) {
	mac, valid := bodyMAC(macPath)
	if !valid {
		return reply{}, &apiError{Status: http.StatusInternalServerError, Message: fmt.Sprintf("Invalid MAC address: %s", macPath)}
	}
	var h *dhcpHost
	if s != nil {
		h = s.host(mac)
	}
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(jersey, mtDHCPHost...)
		if err != nil {
			return reply{}, err
		}
		if h == nil {
			return reply{}, noSubnet(bridgeID, key)
		}
		return ok(mt, c.renderDHCPHost(bridgeID, s, h))
	case http.MethodPut:
		if err := c.consume(jersey, mtDHCPHost...); err != nil {
			return reply{}, err
		}
		if h == nil {
			return reply{}, noSubnet(bridgeID, key)
		}
		nh, err := decodeDHCPHost(c.r, mac)
		if err != nil {
			return reply{}, err
		}
		*h = *nh
		c.st.touch()
		return noContent()
	case http.MethodDelete:
		if h == nil {
			return reply{}, noSubnet(bridgeID, key)
		}
		s.Hosts = slices.DeleteFunc(s.Hosts, func(x *dhcpHost) bool { return x == h })
		c.st.touch()
		return noContent()
	}
	return reply{}, methodNotAllowed()
}

func (s *dhcpSubnet) host(mac string) *dhcpHost {
	for _, h := range s.Hosts {
		if h.MacAddr == mac {
			return h
		}
	}
	return nil
}

// decodeDHCPHost reads a host; MidoNet runs no bean validation here, only MAC parsing.
// pathMAC fills macAddr when a PUT body omits it.
func decodeDHCPHost(r *http.Request, pathMAC string) (*dhcpHost, error) {
	f, err := readFields(r.Body)
	if err != nil {
		return nil, err
	}
	h := &dhcpHost{IPAddr: f.str("ipAddr"), Name: f.str("name"), ExtraDhcpOpts: []extraOpt{}}
	mac := f.str("macAddr")
	opts, _ := f.objects("extraDhcpOpts")
	for _, o := range opts {
		name, value := o.str("optName"), o.str("optValue")
		f.adopt(o)
		opt := extraOpt{}
		if name != nil {
			opt.OptName = *name
		}
		if value != nil {
			opt.OptValue = *value
		}
		h.ExtraDhcpOpts = append(h.ExtraDhcpOpts, opt)
	}
	if f.err != nil {
		return nil, f.err
	}
	switch {
	case mac != nil:
		m, valid := bodyMAC(*mac)
		if !valid {
			return nil, badRequest("Can not deserialize field 'macAddr': %q is not a valid MAC address", *mac)
		}
		h.MacAddr = m
	case pathMAC != "":
		h.MacAddr = pathMAC
	default:
		return nil, badRequest("Can not deserialize field 'macAddr': a MAC address is required")
	}
	return h, nil
}

func (c *call) renderDHCPHost(bridgeID string, s *dhcpSubnet, h *dhcpHost) map[string]any {
	return map[string]any{
		"macAddr": h.MacAddr, "ipAddr": h.IPAddr, "name": h.Name, "extraDhcpOpts": h.ExtraDhcpOpts,
		"uri": c.uri("bridges", bridgeID, "dhcp", s.key(), "hosts", h.MacAddr),
	}
}
