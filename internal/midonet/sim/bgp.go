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
		out := []any{}
		for _, b := range ordered(c.st.BGPPeers, func(b *bgpPeer) bool { return b.RouterID == routerID }) {
			out = append(out, c.renderBGPPeer(b))
		}
		return ok(mt, out)
	case http.MethodPost:
		if err := c.consume(generic, mtBGPPeer...); err != nil {
			return reply{}, err
		}
		f, err := readFields(c.r.Body)
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
		if _, dup := c.st.BGPPeers[b.ID]; dup {
			return reply{}, alreadyExists("BgpPeer", b.ID)
		}
		b.Seq = c.st.nextSeq()
		c.st.BGPPeers[b.ID] = b
		c.st.touch()
		return created(c.uri("bgp_peers", b.ID))
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
	v.between("asNumber", asn, 1, 1<<32-1)
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
	if len(c.seg) != 2 {
		if len(c.seg) == 1 {
			return reply{}, methodNotAllowed()
		}
		return reply{}, bare(http.StatusNotFound)
	}
	id, err := pathUUID(c.seg[1])
	if err != nil {
		return reply{}, err
	}
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(generic, mtBGPPeer...)
		if err != nil {
			return reply{}, err
		}
		b, found := c.st.BGPPeers[id]
		if !found {
			return reply{}, notFound("BgpPeer", id)
		}
		return ok(mt, c.renderBGPPeer(b))
	case http.MethodPut:
		if err := c.consume(generic, mtBGPPeer...); err != nil {
			return reply{}, err
		}
		old, found := c.st.BGPPeers[id]
		if !found {
			return reply{}, notFound("BgpPeer", id)
		}
		f, err := readFields(c.r.Body)
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
	case http.MethodDelete:
		if _, found := c.st.BGPPeers[id]; found {
			delete(c.st.BGPPeers, id)
			c.st.touch()
		}
		return noContent()
	}
	return reply{}, methodNotAllowed()
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
		out := []any{}
		for _, n := range ordered(c.st.BGPNetworks, func(n *bgpNetwork) bool { return n.RouterID == routerID }) {
			out = append(out, c.renderBGPNetwork(n))
		}
		return ok(mt, out)
	case http.MethodPost:
		if err := c.consume(generic, mtBGPNetwork...); err != nil {
			return reply{}, err
		}
		f, err := readFields(c.r.Body)
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
		if _, dup := c.st.BGPNetworks[n.ID]; dup {
			return reply{}, alreadyExists("BgpNetwork", n.ID)
		}
		n.Seq = c.st.nextSeq()
		c.st.BGPNetworks[n.ID] = n
		c.st.touch()
		return created(c.uri("bgp_networks", n.ID))
	}
	return reply{}, methodNotAllowed()
}

// serveBGPNetworks is /bgp_networks/{id}: GET and DELETE (204 even when missing).
func (c *call) serveBGPNetworks() (reply, error) {
	if len(c.seg) != 2 {
		if len(c.seg) == 1 {
			return reply{}, methodNotAllowed()
		}
		return reply{}, bare(http.StatusNotFound)
	}
	id, err := pathUUID(c.seg[1])
	if err != nil {
		return reply{}, err
	}
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(generic, mtBGPNetwork...)
		if err != nil {
			return reply{}, err
		}
		n, found := c.st.BGPNetworks[id]
		if !found {
			return reply{}, notFound("BgpNetwork", id)
		}
		return ok(mt, c.renderBGPNetwork(n))
	case http.MethodDelete:
		if _, found := c.st.BGPNetworks[id]; found {
			delete(c.st.BGPNetworks, id)
			c.st.touch()
		}
		return noContent()
	}
	return reply{}, methodNotAllowed()
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
