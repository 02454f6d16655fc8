package sim

import (
	"net/http"
	"strings"
)

var (
	mtRoute     = []string{vnd("Route-v1"), mediaJSON}
	mtRouteList = []string{vndList("Route-v1"), mediaJSON}
)

// routeTypes are MidoNet 5's NextHop values (spec §2.5).
var routeTypes = []string{"Normal", "BlackHole", "Reject", "Local", "Fip64"}

// route is an immutable routing-table entry. RouterID is kept for every route: MidoNet hangs
// Normal/Local routes off their next-hop port and resolves the router through it, which gives
// the same answer.
type route struct {
	ID               string  `json:"id"`
	Seq              int64   `json:"seq"`
	RouterID         string  `json:"routerId"`
	SrcNetworkAddr   string  `json:"srcNetworkAddr"`
	SrcNetworkLength int64   `json:"srcNetworkLength"`
	DstNetworkAddr   string  `json:"dstNetworkAddr"`
	DstNetworkLength int64   `json:"dstNetworkLength"`
	Type             string  `json:"type"`
	NextHopPort      *string `json:"nextHopPort"`
	NextHopGateway   *string `json:"nextHopGateway"`
	Weight           int64   `json:"weight"`
	Attributes       *string `json:"attributes"`
}

func (r *route) seq() int64 { return r.Seq }

// serveRoutes is /routes/{id}: GET and DELETE only (routes are immutable; no root list).
func (c *call) serveRoutes() (reply, error) {
	return c.serveCollection(collection{
		get:    getter(c, c.st.Routes, "Route", c.renderRoute, mtRoute...),
		remove: remover(c, c.st.Routes),
	})
}

// serveRouterRoutes is GET/POST /routers/{id}/routes; the list includes the automatic Local
// routes of the router's ports.
func (c *call) serveRouterRoutes(routerID string) (reply, error) {
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(jersey, mtRouteList...)
		if err != nil {
			return reply{}, err
		}
		if _, found := c.st.Routers[routerID]; !found {
			return reply{}, notFound("Router", routerID)
		}
		return ok(mt, renderAll(c.st.routerRoutes(routerID), c.renderRoute))
	case http.MethodPost:
		return c.createRoute(routerID)
	}
	return reply{}, methodNotAllowed()
}

func (c *call) createRoute(routerID string) (reply, error) {
	f, err := c.readBody(generic, mtRoute...)
	if err != nil {
		return reply{}, err
	}
	id := f.uuid("id")
	src, dst := f.str("srcNetworkAddr"), f.str("dstNetworkAddr")
	srcLen, dstLen := f.integer("srcNetworkLength"), f.integer("dstNetworkLength")
	typ := f.str("type")
	r := &route{
		RouterID:       routerID,
		NextHopPort:    f.uuid("nextHopPort"),
		NextHopGateway: f.str("nextHopGateway"),
		Weight:         f.intOr("weight", 0),
		Attributes:     f.str("attributes"),
	}
	if f.err != nil {
		return reply{}, f.err
	}
	if typ != nil {
		canonical, known := canonicalRouteType(*typ)
		if !known {
			return reply{}, badRequest("This type of route is invalid.")
		}
		r.Type = canonical
	}
	var v violations
	v.notNull("srcNetworkAddr", src != nil)
	v.notNull("dstNetworkAddr", dst != nil)
	v.notNull("type", typ != nil)
	v.ipv4("srcNetworkAddr", src)
	v.ipv4("dstNetworkAddr", dst)
	v.ipv4("nextHopGateway", r.NextHopGateway)
	v.between("srcNetworkLength", srcLen, 0, 32)
	v.between("dstNetworkLength", dstLen, 0, 32)
	v.between("weight", &r.Weight, 0, 1<<31-1)
	if err := v.err(); err != nil {
		return reply{}, err
	}
	r.SrcNetworkAddr, r.DstNetworkAddr = *src, *dst
	if srcLen != nil {
		r.SrcNetworkLength = *srcLen
	}
	if dstLen != nil {
		r.DstNetworkLength = *dstLen
	}
	if _, found := c.st.Routers[routerID]; !found {
		return reply{}, notFound("Router", routerID)
	}
	if r.Type == "Normal" {
		if r.NextHopPort == nil || c.st.Ports[*r.NextHopPort] == nil || c.st.Ports[*r.NextHopPort].DeviceID != routerID {
			return reply{}, badRequest("This type of route requires a next hop port that is a port on the same router.")
		}
	} else if r.NextHopPort != nil && c.st.Ports[*r.NextHopPort] == nil {
		return reply{}, notFound("Port", *r.NextHopPort)
	}
	r.ID = newID(id)
	rep, err := insert(c, c.st.Routes, r, r.ID, &r.Seq, "Route", "routes")
	if err == nil {
		c.st.indexRoute(r)
	}
	return rep, err
}

func canonicalRouteType(s string) (string, bool) {
	for _, t := range routeTypes {
		if s == t { // case-sensitive, as MidoNet's enum (spec §6.1)
			return t, true
		}
	}
	return "", false
}

// addLocalRoutes creates the automatic Local route of each IPv4 CIDR of a new router port:
// 0.0.0.0/0 → <portAddress>/32 via the port, weight 0 (spec §2.3).
func (st *store) addLocalRoutes(p *port) {
	for _, cidr := range p.PortSubnet {
		addr, _, found := strings.Cut(cidr, "/")
		if !found || !isIPv4(addr) {
			continue
		}
		r := &route{
			ID: localRouteID(p.ID, cidr), Seq: st.nextSeq(), RouterID: p.DeviceID,
			SrcNetworkAddr: "0.0.0.0", SrcNetworkLength: 0,
			DstNetworkAddr: addr, DstNetworkLength: 32,
			Type: "Local", NextHopPort: ptr(p.ID),
		}
		st.Routes[r.ID] = r
		st.indexRoute(r)
	}
}

func (c *call) renderRoute(r *route) map[string]any {
	return map[string]any{
		"id": r.ID, "srcNetworkAddr": r.SrcNetworkAddr, "srcNetworkLength": r.SrcNetworkLength,
		"dstNetworkAddr": r.DstNetworkAddr, "dstNetworkLength": r.DstNetworkLength,
		"type": r.Type, "nextHopPort": r.NextHopPort, "nextHopGateway": r.NextHopGateway,
		"weight": r.Weight, "attributes": r.Attributes, "learned": false,
		"routerId": r.RouterID, "uri": c.uri("routes", r.ID), "router": c.uri("routers", r.RouterID),
	}
}
