package sim

import "net/http"

var (
	mtBGPPeer        = []string{vnd("BgpPeer-v1"), mediaJSON}
	mtBGPPeerList    = []string{vndList("BgpPeer-v1"), mediaJSON}
	mtBGPNetwork     = []string{vnd("BgpNetwork-v1"), mediaJSON}
	mtBGPNetworkList = []string{vndList("BgpNetwork-v1"), mediaJSON}
)

// bgpPeer is a router-level BGP neighbour (MidoNet 5, spec §2.13).
type bgpPeer struct {
	ID           string  `json:"id"`
	Seq          int64   `json:"seq"`
	RouterID     string  `json:"routerId"`
	ASNumber     int64   `json:"asNumber"`
	Address      string  `json:"address"`
	KeepAlive    *int64  `json:"keepAlive"`
	HoldTime     *int64  `json:"holdTime"`
	ConnectRetry *int64  `json:"connectRetry"`
	Password     *string `json:"password"`
}

// bgpNetwork is a prefix the router advertises.
type bgpNetwork struct {
	ID            string `json:"id"`
	Seq           int64  `json:"seq"`
	RouterID      string `json:"routerId"`
	SubnetAddress string `json:"subnetAddress"`
	SubnetLength  int64  `json:"subnetLength"`
}

func (b *bgpPeer) seq() int64    { return b.Seq }
func (n *bgpNetwork) seq() int64 { return n.Seq }

// serveRouterBGPPeers is GET/POST /routers/{id}/bgp_peers.
func (c *call) serveRouterBGPPeers(routerID string) (reply, error) {
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(generic, mtBGPPeerList...)
		if err != nil {
			return reply{}, err
		}
		if _, found := c.st.Routers[routerID]; !found {
			return reply{}, notFound("Router", routerID)
		}
		return ok(mt, renderAll(ordered(c.st.BGPPeers, func(b *bgpPeer) bool { return b.RouterID == routerID }), c.renderBGPPeer))
	case http.MethodPost:
		f, err := c.readBody(generic, mtBGPPeer...)
		if err != nil {
			return reply{}, err
		}
		id := f.uuid("id")
		b, err := decodeBGPPeer(f)
		if err != nil {
			return reply{}, err
		}
		if _, found := c.st.Routers[routerID]; !found {
			return reply{}, notFound("Router", routerID)
		}
		for _, other := range c.st.BGPPeers {
			if other.RouterID == routerID && other.Address == b.Address && other.ASNumber == b.ASNumber {
				return reply{}, badRequest("A BGP peer with address %s and AS number %d already exists.", b.Address, b.ASNumber)
			}
		}
		b.ID, b.RouterID = newID(id), routerID
		return insert(c, c.st.BGPPeers, b, b.ID, &b.Seq, "BgpPeer", "bgp_peers")
	}
	return reply{}, methodNotAllowed()
}

func decodeBGPPeer(f *fields) (*bgpPeer, error) {
	asn, addr := f.integer("asNumber"), f.str("address")
	b := &bgpPeer{
		KeepAlive: f.integer("keepAlive"), HoldTime: f.integer("holdTime"),
		ConnectRetry: f.integer("connectRetry"), Password: f.str("password"),
	}
	if f.err != nil {
		return nil, f.err
	}
	var v violations
	v.notNull("asNumber", asn != nil)
	v.between("asNumber", asn, 1, 1<<31-1) // int32 in MidoNet (spec §6.1)
	v.notNull("address", addr != nil)
	v.ipv4("address", addr)
	v.between("keepAlive", b.KeepAlive, 5, 3600)
	v.between("holdTime", b.HoldTime, 5, 7200)
	v.between("connectRetry", b.ConnectRetry, 5, 3600)
	if err := v.err(); err != nil {
		return nil, err
	}
	b.ASNumber, b.Address = *asn, *addr
	return b, nil
}

// serveBGPPeers is /bgp_peers/{id}: GET, PUT (replaces all but id and router), DELETE (204 even
// when missing).
func (c *call) serveBGPPeers() (reply, error) {
	return c.serveCollection(collection{
		get:    getter(c, c.st.BGPPeers, "BgpPeer", c.renderBGPPeer, mtBGPPeer...),
		update: c.updateBGPPeer,
		remove: remover(c, c.st.BGPPeers),
	})
}

func (c *call) updateBGPPeer(id string) (reply, error) {
	old, f, err := readUpdate(c, c.st.BGPPeers, "BgpPeer", id, mtBGPPeer...)
	if err != nil {
		return reply{}, err
	}
	b, err := decodeBGPPeer(f)
	if err != nil {
		return reply{}, err
	}
	b.ID, b.Seq, b.RouterID = old.ID, old.Seq, old.RouterID
	c.st.BGPPeers[id] = b
	c.st.touch()
	return noContent()
}

// serveRouterBGPNetworks is GET/POST /routers/{id}/bgp_networks (no duplicate check).
func (c *call) serveRouterBGPNetworks(routerID string) (reply, error) {
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(generic, mtBGPNetworkList...)
		if err != nil {
			return reply{}, err
		}
		if _, found := c.st.Routers[routerID]; !found {
			return reply{}, notFound("Router", routerID)
		}
		return ok(mt, renderAll(ordered(c.st.BGPNetworks, func(n *bgpNetwork) bool { return n.RouterID == routerID }), c.renderBGPNetwork))
	case http.MethodPost:
		f, err := c.readBody(generic, mtBGPNetwork...)
		if err != nil {
			return reply{}, err
		}
		id, addr, length := f.uuid("id"), f.str("subnetAddress"), f.integer("subnetLength")
		if f.err != nil {
			return reply{}, f.err
		}
		var v violations
		v.notNull("subnetAddress", addr != nil)
		v.ipv4("subnetAddress", addr)
		v.between("subnetLength", length, 0, 32)
		if err := v.err(); err != nil {
			return reply{}, err
		}
		if _, found := c.st.Routers[routerID]; !found {
			return reply{}, notFound("Router", routerID)
		}
		n := &bgpNetwork{ID: newID(id), RouterID: routerID, SubnetAddress: *addr}
		if length != nil {
			n.SubnetLength = *length
		}
		return insert(c, c.st.BGPNetworks, n, n.ID, &n.Seq, "BgpNetwork", "bgp_networks")
	}
	return reply{}, methodNotAllowed()
}

// serveBGPNetworks is /bgp_networks/{id}: GET and DELETE (204 even when missing).
func (c *call) serveBGPNetworks() (reply, error) {
	return c.serveCollection(collection{
		get:    getter(c, c.st.BGPNetworks, "BgpNetwork", c.renderBGPNetwork, mtBGPNetwork...),
		remove: remover(c, c.st.BGPNetworks),
	})
}

func (c *call) renderBGPPeer(b *bgpPeer) map[string]any {
	return map[string]any{
		"id": b.ID, "asNumber": b.ASNumber, "address": b.Address, "keepAlive": b.KeepAlive,
		"holdTime": b.HoldTime, "connectRetry": b.ConnectRetry, "password": b.Password,
		"routerId": b.RouterID, "uri": c.uri("bgp_peers", b.ID), "router": c.uri("routers", b.RouterID),
	}
}

func (c *call) renderBGPNetwork(n *bgpNetwork) map[string]any {
	return map[string]any{
		"id": n.ID, "subnetAddress": n.SubnetAddress, "subnetLength": n.SubnetLength,
		"routerId": n.RouterID, "uri": c.uri("bgp_networks", n.ID), "router": c.uri("routers", n.RouterID),
	}
}
