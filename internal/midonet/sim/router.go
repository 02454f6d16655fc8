package sim

import (
	"math"
	"net/http"
)

var (
	mtRouter     = vnd("Router-v3")
	mtRouterList = vndList("Router-v3")
)

// router is a MidoNet virtual router (spec §2.1).
type router struct {
	ID                   string   `json:"id"`
	Seq                  int64    `json:"seq"`
	TenantID             *string  `json:"tenantId"`
	Name                 *string  `json:"name"`
	AdminStateUp         bool     `json:"adminStateUp"`
	InboundFilterID      *string  `json:"inboundFilterId"`
	OutboundFilterID     *string  `json:"outboundFilterId"`
	LoadBalancerID       *string  `json:"loadBalancerId"`
	ASNumber             int64    `json:"asNumber"`
	InboundMirrorIDs     []string `json:"inboundMirrorIds"`
	OutboundMirrorIDs    []string `json:"outboundMirrorIds"`
	LocalRedirectChainID *string  `json:"localRedirectChainId"`
	ForwardChainID       *string  `json:"forwardChainId"`
}

func (r *router) seq() int64      { return r.Seq }
func (r *router) tenant() *string { return r.TenantID }

func (c *call) serveRouters() (reply, error) {
	return c.serveCollection(collection{
		list: func() (reply, error) {
			return listOfTenant(c, c.st.Routers, c.renderRouter, mtRouterList, mediaJSON)
		},
		create: c.createRouter,
		get:    getter(c, c.st.Routers, "Router", c.renderRouter, mtRouter, mediaJSON),
		update: c.updateRouter,
		remove: c.deleteRouter,
		sub:    c.serveRouterChildren,
	})
}

// serveRouterChildren is what hangs below /routers/{id}: ports, routes and BGP objects.
func (c *call) serveRouterChildren(id string) (reply, error) {
	if len(c.seg) == 3 {
		switch c.seg[2] {
		case "ports":
			return c.serveDevicePorts(portRouter, id)
		case "peer_ports":
			return c.servePeerPorts(portRouter, id)
		case "routes":
			return c.serveRouterRoutes(id)
		case "bgp_peers":
			return c.serveRouterBGPPeers(id)
		case "bgp_networks":
			return c.serveRouterBGPNetworks(id)
		}
	}
	return reply{}, bare(http.StatusNotFound)
}

func (c *call) createRouter() (reply, error) {
	f, err := c.readBody(generic, mtRouter, mediaJSON)
	if err != nil {
		return reply{}, err
	}
	givenID := f.uuid("id")
	r, err := c.decodeRouter(f)
	if err != nil {
		return reply{}, err
	}
	r.ID = newID(givenID)
	return insert(c, c.st.Routers, r, r.ID, &r.Seq, "Router", "routers")
}

// updateRouter replaces every writable field; the id and the hidden port/route/BGP lists (kept
// here as back-references on those objects) are preserved (spec §2.1).
func (c *call) updateRouter(id string) (reply, error) {
	old, f, err := readUpdate(c, c.st.Routers, "Router", id, mtRouter, mediaJSON)
	if err != nil {
		return reply{}, err
	}
	r, err := c.decodeRouter(f)
	if err != nil {
		return reply{}, err
	}
	r.ID, r.Seq = old.ID, old.Seq
	c.st.Routers[id] = r
	c.st.touch()
	return noContent()
}

// deleteRouter answers 204 even when the router is missing and cascades to its ports (with
// their links, bindings and routes), router-level routes and BGP objects (spec §3).
func (c *call) deleteRouter(id string) (reply, error) {
	r, found := c.st.Routers[id]
	if !found {
		return noContent()
	}
	if r.LoadBalancerID != nil {
		return reply{}, conflict("Router %s cannot be deleted while it has load balancer %s.", id, *r.LoadBalancerID)
	}
	for pid, p := range c.st.Ports {
		if p.DeviceID == id {
			c.st.deletePort(pid)
		}
	}
	for rid, rt := range c.st.Routes {
		if rt.RouterID == id {
			delete(c.st.Routes, rid)
		}
	}
	for bid, b := range c.st.BGPPeers {
		if b.RouterID == id {
			delete(c.st.BGPPeers, bid)
		}
	}
	for nid, n := range c.st.BGPNetworks {
		if n.RouterID == id {
			delete(c.st.BGPNetworks, nid)
		}
	}
	delete(c.st.Routers, id)
	c.st.touch()
	return noContent()
}

func (c *call) decodeRouter(f *fields) (*router, error) {
	r := &router{
		TenantID:             f.str("tenantId"),
		Name:                 f.str("name"),
		AdminStateUp:         f.boolOr("adminStateUp", true),
		InboundFilterID:      f.uuid("inboundFilterId"),
		OutboundFilterID:     f.uuid("outboundFilterId"),
		LoadBalancerID:       f.uuid("loadBalancerId"),
		ASNumber:             f.intOr("asNumber", 0),
		InboundMirrorIDs:     f.uuids("inboundMirrorIds"),
		OutboundMirrorIDs:    f.uuids("outboundMirrorIds"),
		LocalRedirectChainID: f.uuid("localRedirectChainId"),
		ForwardChainID:       f.uuid("forwardChainId"),
	}
	if f.err != nil {
		return nil, f.err
	}
	if r.ASNumber < math.MinInt32 || r.ASNumber > math.MaxInt32 {
		// Router.asNumber is a Java int: Jackson refuses the body before any validation.
		return nil, badRequest("asNumber %d is out of range of int (MidoNet keeps AS numbers as 32-bit signed integers)", r.ASNumber)
	}
	var v violations
	v.size("name", r.Name, 0, 255)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := c.checkChains(r.InboundFilterID, r.OutboundFilterID, r.LocalRedirectChainID, r.ForwardChainID); err != nil {
		return nil, err
	}
	if r.LoadBalancerID != nil {
		return nil, notFound("LoadBalancer", *r.LoadBalancerID)
	}
	if err := checkNoMirrors(r.InboundMirrorIDs, r.OutboundMirrorIDs); err != nil {
		return nil, err
	}
	return r, nil
}

func (c *call) renderRouter(r *router) map[string]any {
	u := c.uri("routers", r.ID)
	return map[string]any{
		"id": r.ID, "tenantId": r.TenantID, "name": r.Name, "adminStateUp": r.AdminStateUp,
		"inboundFilterId": r.InboundFilterID, "outboundFilterId": r.OutboundFilterID,
		"loadBalancerId": r.LoadBalancerID, "asNumber": r.ASNumber,
		"inboundMirrorIds": nonNil(r.InboundMirrorIDs), "outboundMirrorIds": nonNil(r.OutboundMirrorIDs),
		"localRedirectChainId": r.LocalRedirectChainID, "forwardChainId": r.ForwardChainID,
		"uri":                u,
		"inboundFilter":      c.link("chains", r.InboundFilterID),
		"outboundFilter":     c.link("chains", r.OutboundFilterID),
		"loadBalancer":       c.link("load_balancers", r.LoadBalancerID),
		"localRedirectChain": c.link("chains", r.LocalRedirectChainID),
		"forwardChain":       c.link("chains", r.ForwardChainID),
		"ports":              u + "/ports", "peerPorts": u + "/peer_ports", "routes": u + "/routes",
		"bgpNetworks": u + "/bgp_networks", "bgpPeers": u + "/bgp_peers",
	}
}
