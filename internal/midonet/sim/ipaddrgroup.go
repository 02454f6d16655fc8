package sim

import (
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

var (
	mtIPAddrGroup         = vnd("IpAddrGroup-v1")
	mtIPAddrGroupList     = vndList("IpAddrGroup-v1")
	mtIPAddrGroupAddr     = vnd("IpAddrGroupAddr-v1")
	mtIPAddrGroupAddrList = vndList("IpAddrGroupAddr-v1")
)

// ipAddrGroup is an IP address group (spec §2.8): no tenant, no reference checks from rules.
type ipAddrGroup struct {
	ID    string   `json:"id"`
	Seq   int64    `json:"seq"`
	Name  string   `json:"name"`
	Addrs []ipAddr `json:"addrs"`
}

type ipAddr struct {
	Version int    `json:"version"`
	Addr    string `json:"addr"`
}

func (g *ipAddrGroup) seq() int64 { return g.Seq }

func (c *call) serveIPAddrGroups() (reply, error) {
	return c.serveCollection(collection{
		// The list ignores ?tenant_id= (groups have no tenant, spec §1.4).
		list: func() (reply, error) {
			return list(c, c.st.IPAddrGroups, nil, c.renderIPAddrGroup, mtIPAddrGroupList)
		},
		create: c.createIPAddrGroup,
		get:    getter(c, c.st.IPAddrGroups, "IPAddrGroup", c.renderIPAddrGroup, mtIPAddrGroup),
		remove: remover(c, c.st.IPAddrGroups),
		sub: func(id string) (reply, error) {
			switch {
			case len(c.seg) == 3 && c.seg[2] == "ip_addrs":
				return c.serveGroupAddrs(id)
			case len(c.seg) == 6 && c.seg[2] == "versions" && c.seg[4] == "ip_addrs":
				return c.serveGroupAddr(id, c.seg[3], c.seg[5])
			}
			return reply{}, bare(http.StatusNotFound)
		},
	})
}

func (c *call) createIPAddrGroup() (reply, error) {
	f, err := c.readBody(generic, mtIPAddrGroup)
	if err != nil {
		return reply{}, err
	}
	id, name := f.uuid("id"), f.str("name")
	if f.err != nil {
		return reply{}, f.err
	}
	var v violations
	v.notNull("name", name != nil)
	v.size("name", name, 1, 255)
	if err := v.err(); err != nil {
		return reply{}, err
	}
	g := &ipAddrGroup{ID: newID(id), Name: *name}
	return insert(c, c.st.IPAddrGroups, g, g.ID, &g.Seq, "IPAddrGroup", "ip_addr_groups")
}

// serveGroupAddrs is GET/POST …/ip_addrs. A media type other than the vendor one reaches
// MidoNet's inherited generic handler, which allows nothing: 405 (spec §1.2).
func (c *call) serveGroupAddrs(groupID string) (reply, error) {
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(overloaded, mtIPAddrGroupAddrList)
		if err != nil {
			return reply{}, err
		}
		g, found := c.st.IPAddrGroups[groupID]
		if !found {
			return reply{}, notFound("IPAddrGroup", groupID)
		}
		return ok(mt, renderAll(g.Addrs, func(a ipAddr) map[string]any { return c.renderGroupAddr(g.ID, a) }))
	case http.MethodPost:
		return c.addGroupAddr(groupID)
	}
	return reply{}, methodNotAllowed()
}

func (c *call) addGroupAddr(groupID string) (reply, error) {
	f, err := c.readBody(overloaded, mtIPAddrGroupAddr)
	if err != nil {
		return reply{}, err
	}
	version, addr := f.str("version"), f.str("addr")
	if f.err != nil {
		return reply{}, f.err
	}
	if version == nil {
		return reply{}, badRequest("Unexpected token (END_OBJECT), expected FIELD_NAME: missing property 'version' that is to contain type id (for class org.midonet.cluster.rest_api.models.IpAddrGroupAddr)")
	}
	ver, err := ipVersion(*version)
	if err != nil {
		return reply{}, badRequest("Could not resolve type id '%s' into a subtype of [simple type, class org.midonet.cluster.rest_api.models.IpAddrGroupAddr]", *version)
	}
	if addr == nil {
		var v violations
		v.notNull("addr", false)
		return reply{}, v.err()
	}
	canonical, valid := canonicalIP(ver, *addr)
	if !valid {
		return reply{}, badRequest("%s is not a valid IPv%d address", *addr, ver)
	}
	g, found := c.st.IPAddrGroups[groupID]
	if !found {
		return reply{}, notFound("IPAddrGroup", groupID)
	}
	entry := ipAddr{Version: ver, Addr: canonical}
	if slices.Contains(g.Addrs, entry) {
		return reply{}, conflict("IP address group already contains IP %s.", canonical)
	}
	g.Addrs = append(g.Addrs, entry)
	c.st.touch()
	return created(c.groupAddrURI(g.ID, entry))
}

// serveGroupAddr is GET/DELETE …/versions/{v}/ip_addrs/{addr}; DELETE is idempotent.
func (c *call) serveGroupAddr(groupID, version, addr string) (reply, error) {
	ver, err := ipVersion(version)
	if err != nil {
		return reply{}, err
	}
	canonical, valid := canonicalIP(ver, addr)
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(jersey, mtIPAddrGroupAddr)
		if err != nil {
			return reply{}, err
		}
		g, found := c.st.IPAddrGroups[groupID]
		if !found {
			return reply{}, notFound("IPAddrGroup", groupID)
		}
		entry := ipAddr{Version: ver, Addr: canonical}
		if !valid || !slices.Contains(g.Addrs, entry) {
			return reply{}, notFoundMsg("IP address group %s does not contain IP %s.", groupID, addr)
		}
		return ok(mt, c.renderGroupAddr(groupID, entry))
	case http.MethodDelete:
		g, found := c.st.IPAddrGroups[groupID]
		if !found {
			return reply{}, notFound("IPAddrGroup", groupID)
		}
		before := len(g.Addrs)
		g.Addrs = slices.DeleteFunc(g.Addrs, func(a ipAddr) bool { return a.Version == ver && a.Addr == canonical })
		if len(g.Addrs) != before {
			c.st.touch()
		}
		return noContent()
	}
	return reply{}, methodNotAllowed()
}

func ipVersion(s string) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil || (v != 4 && v != 6) {
		return 0, badRequest("Invalid IP version: %s", s)
	}
	return v, nil
}

// canonicalIP is an address as MidoNet stores and prints it: IPv4 dotted, IPv6 as eight
// hexadecimal groups without zero compression (2001:db8:0:0:0:0:0:1, IPv6Addr.scala; spec §6.1).
func canonicalIP(version int, s string) (string, bool) {
	ip := net.ParseIP(s)
	if ip == nil || (version == 4) != (ip.To4() != nil) {
		return "", false
	}
	if version == 4 {
		return ip.String(), true
	}
	groups := make([]string, 8)
	for i := range groups {
		groups[i] = strconv.FormatUint(uint64(ip[2*i])<<8|uint64(ip[2*i+1]), 16)
	}
	return strings.Join(groups, ":"), true
}

func (c *call) groupAddrURI(groupID string, a ipAddr) string {
	return c.uri("ip_addr_groups", groupID, "versions", strconv.Itoa(a.Version), "ip_addrs", url.PathEscape(a.Addr))
}

func (c *call) renderIPAddrGroup(g *ipAddrGroup) map[string]any {
	u := c.uri("ip_addr_groups", g.ID)
	return map[string]any{
		"id": g.ID, "name": g.Name, "uri": u, "addrs": u + "/ip_addrs",
		"ipAddrPorts": []any{}, "inboundChainId": nil, "outboundChainId": nil, "ruleIds": []string{},
	}
}

func (c *call) renderGroupAddr(groupID string, a ipAddr) map[string]any {
	return map[string]any{
		"addr": a.Addr, "version": a.Version, "ipAddrGroupId": groupID,
		"uri": c.groupAddrURI(groupID, a), "ipAddrGroup": c.uri("ip_addr_groups", groupID),
	}
}
