package sim

import "net/http"

var mtPortLink = []string{vnd("PortLink-v1"), mediaJSON}

// serveLink is POST/DELETE /ports/{id}/link (spec §2.4).
func (c *call) serveLink(id string) (reply, error) {
	switch c.method() {
	case http.MethodPost:
		return c.linkPorts(id)
	case http.MethodDelete:
		return c.unlinkPort(id)
	}
	return reply{}, methodNotAllowed()
}

// linkPorts sets peerId on both ports. MidoNet 5 checks only that neither is linked already: any
// port kinds, bound ports and two ports of one router may be linked. 201 without Location.
func (c *call) linkPorts(id string) (reply, error) {
	f, err := c.readBody(jersey, mtPortLink...)
	if err != nil {
		return reply{}, err
	}
	peerID := f.uuid("peerId")
	if f.err != nil {
		return reply{}, f.err
	}
	if peerID == nil {
		var v violations
		v.notNull("peerId", false)
		return reply{}, v.err()
	}
	p, found := c.st.Ports[id]
	if !found {
		return reply{}, notFound("Port", id)
	}
	peer, found := c.st.Ports[*peerID]
	if !found {
		return reply{}, notFound("Port", *peerID)
	}
	if p.PeerID != nil || peer.PeerID != nil || p.ID == peer.ID {
		return reply{}, conflict("Ports are not linkable.")
	}
	p.PeerID, peer.PeerID = ptr(peer.ID), ptr(p.ID)
	c.st.touch()
	return reply{status: http.StatusCreated}, nil
}

// unlinkPort clears peerId on both sides; idempotent, 404 only for a missing port.
func (c *call) unlinkPort(id string) (reply, error) {
	p, found := c.st.Ports[id]
	if !found {
		return reply{}, notFound("Port", id)
	}
	if p.PeerID != nil {
		if peer, linked := c.st.Ports[*p.PeerID]; linked {
			peer.PeerID = nil
		}
		p.PeerID = nil
		c.st.touch()
	}
	return noContent()
}
