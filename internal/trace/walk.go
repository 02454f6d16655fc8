package trace

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
)

// Verdicts.
const (
	Delivered = "delivered"
	Dropped   = "dropped"
	NoRoute   = "no-route"
)

// maxSteps bounds the ports one packet may enter: a forwarding loop ends the walk.
const maxSteps = 64

// Hop is one step of the walk: a port entered or left, a rule that decided or rewrote, a
// forwarding decision. Src and Dst are the packet's addresses after the step.
type Hop struct {
	Device string `json:"device"`
	Port   string `json:"port,omitempty"`
	Stage  string `json:"stage"`
	Chain  string `json:"chain,omitempty"`
	Rule   int    `json:"rule,omitempty"`
	Action string `json:"action"`
	Note   string `json:"note,omitempty"`
	Src    string `json:"src"`
	Dst    string `json:"dst"`
}

// Endpoint is where a packet was delivered: an interface (Name is the instance id for device
// index 0, else the interface id), a gateway uplink or the metadata host (Name is the router
// port), or a router itself.
type Endpoint struct {
	Kind    string `json:"kind"` // interface, uplink, metadata, router
	Name    string `json:"name"`
	Device  string `json:"device"`
	Port    string `json:"port"`
	NextHop string `json:"nextHop,omitempty"`
	portID  string
}

// Result is the outcome of one trace.
type Result struct {
	Verdict     string    `json:"verdict"`
	DeliveredTo *Endpoint `json:"deliveredTo"`
	// Reason says why a packet was dropped or found no route, or notes on a delivery.
	Reason string `json:"reason,omitempty"`
	// Sent is the packet as it entered, Received as it was delivered (after NAT).
	Sent     Packet  `json:"sent"`
	Received *Packet `json:"received,omitempty"`
	Hops     []Hop   `json:"hops"`
	Reply    *Result `json:"reply,omitempty"`
	conn     *Conn
}

// walk is the state of one packet's simulation.
type walk struct {
	net           *Network
	pkt           Packet
	start         tuple
	conn          *Conn // the forward trace's state, for a reply
	fwd           *bool
	ingressDevice string
	lastDevice    string
	traversed     []string
	dstRewritten  bool
	bindings      []natBinding
	steps         int
	res           *Result
	curDevice     string
	curPort       string
}

func (w *walk) done() bool { return w.res.Verdict != "" }

func (w *walk) hop(h Hop, fc filterCtx) {
	if h.Device == "" {
		h.Device = w.curDevice
	}
	if h.Port == "" {
		h.Port = w.curPort
	}
	h.Src, h.Dst = endpointString(w.pkt, true), endpointString(w.pkt, false)
	w.res.Hops = append(w.res.Hops, h)
}

func (w *walk) stop(verdict, reason string) {
	if w.done() {
		return
	}
	w.res.Verdict, w.res.Reason = verdict, reason
}

// isForwardFlow is decided once per packet, when a rule first asks: a reply is a return flow
// when it enters the device the forward packet left from, with the expected addresses and ports.
func (w *walk) isForwardFlow() bool {
	if w.fwd == nil {
		f := true
		if w.conn != nil && w.conn.tracked {
			f = !(w.ingressDevice == w.conn.egressDevice && w.start == w.conn.reply)
		}
		w.fwd = &f
	}
	return *w.fwd
}

// run walks pkt from the exterior port in and returns the result.
func (n *Network) run(in *midonet.Port, pkt Packet, conn *Conn) *Result {
	w := &walk{net: n, pkt: pkt, start: pkt.tuple(), conn: conn, res: &Result{Sent: pkt}}
	w.enter(in, true)
	if w.res.Verdict == Delivered {
		final := w.pkt
		w.res.Received = &final
		w.res.conn = &Conn{egressDevice: w.lastDevice, reply: final.replyTuple(), bindings: w.bindings, tracked: final.tracked()}
	}
	return w.res
}

// enter is a packet arriving at a port: from outside when first, else from its peer.
func (w *walk) enter(p *midonet.Port, first bool) {
	if w.steps++; w.steps > maxSteps {
		w.stop(Dropped, "forwarding loop: more than 64 ports entered")
		return
	}
	w.curDevice, w.curPort = w.net.deviceName(p.DeviceID), w.net.portName(p)
	if first {
		w.ingressDevice = p.DeviceID
	}
	w.lastDevice = p.DeviceID
	w.traversed = append(w.traversed, p.DeviceID)
	fc := filterCtx{device: p.DeviceID, inPort: p.ID, stage: "port in"}
	w.hop(Hop{Stage: "port in", Action: "enter"}, fc)
	if !up(p.AdminStateUp) {
		w.stop(Dropped, fmt.Sprintf("port %s of %s is administratively down", w.curPort, w.curDevice))
		return
	}
	if p.InboundFilterID != nil && !w.filter(*p.InboundFilterID, fc) {
		return
	}
	if r, ok := w.net.routers[p.DeviceID]; ok {
		w.router(r, p)
		return
	}
	if b, ok := w.net.bridges[p.DeviceID]; ok {
		w.bridge(b, p)
		return
	}
	w.stop(Dropped, fmt.Sprintf("port %s belongs to no known device (%s)", p.ID, p.DeviceID))
}

// filter runs a filter; false means the packet was dropped or rejected (and the walk stopped).
func (w *walk) filter(chainID string, fc filterCtx) bool {
	v := w.runFilter(chainID, fc)
	if v == actAccept {
		return true
	}
	last := w.res.Hops[len(w.res.Hops)-1]
	w.stop(Dropped, fmt.Sprintf("%s by %s #%d (%s)", v, last.Chain, last.Rule, fc.stage))
	return false
}

func (w *walk) bridge(b *midonet.Bridge, in *midonet.Port) {
	if !up(b.AdminStateUp) {
		w.stop(Dropped, "bridge "+b.Name+" is administratively down")
		return
	}
	fc := filterCtx{device: b.ID, inPort: in.ID, stage: "bridge in"}
	if b.InboundFilterID != nil && !w.filter(*b.InboundFilterID, fc) {
		return
	}
	mac := strings.ToLower(w.pkt.EthDst)
	outID, how := w.net.macs[b.ID][mac], "mac table"
	if outID == "" {
		for _, bp := range w.net.devicePort[b.ID] {
			if bp.PeerID == nil {
				continue
			}
			if rp, ok := w.net.ports[*bp.PeerID]; ok && strings.EqualFold(rp.PortMAC, mac) {
				outID, how = bp.ID, "router port MAC"
				break
			}
		}
	}
	if outID == "" {
		w.stop(Dropped, fmt.Sprintf("bridge %s knows no port with MAC %s: the frame is flooded and nobody takes it", b.Name, mac))
		return
	}
	if outID == in.ID {
		w.stop(Dropped, fmt.Sprintf("bridge %s: MAC %s is behind the ingress port", b.Name, mac))
		return
	}
	out, ok := w.net.ports[outID]
	if !ok {
		w.stop(Dropped, fmt.Sprintf("bridge %s: MAC %s maps to a missing port %s", b.Name, mac, outID))
		return
	}
	w.hop(Hop{Stage: "bridge", Action: "forward", Note: fmt.Sprintf("dst MAC %s → port %s (%s)", mac, w.net.portName(out), how)}, fc)
	fc = filterCtx{device: b.ID, inPort: in.ID, outPort: outID, stage: "bridge out"}
	if b.OutboundFilterID != nil && !w.filter(*b.OutboundFilterID, fc) {
		return
	}
	w.leave(out, in.ID, netip.Addr{})
}

func (w *walk) router(r *midonet.Router, in *midonet.Port) {
	if !up(r.AdminStateUp) {
		w.stop(Dropped, "router "+r.Name+" is administratively down")
		return
	}
	fc := filterCtx{device: r.ID, inPort: in.ID, stage: "router in"}
	if r.InboundFilterID != nil && !w.filter(*r.InboundFilterID, fc) {
		return
	}
	for _, p := range w.net.devicePort[r.ID] {
		if p.PortAddress == w.pkt.Dst.String() {
			w.hop(Hop{Stage: "router", Action: "local", Note: "addressed to the router's port " + p.PortAddress}, fc)
			w.res.DeliveredTo = &Endpoint{Kind: "router", Name: r.Name, Device: r.Name, Port: p.PortAddress, portID: p.ID}
			w.stop(Delivered, "")
			return
		}
	}
	rt, equal := w.lookup(r.ID)
	if rt == nil {
		w.hop(Hop{Stage: "route", Action: "no route", Note: "no route from " + w.pkt.Src.String() + " to " + w.pkt.Dst.String()}, fc)
		w.stop(NoRoute, fmt.Sprintf("router %s has no route from %s to %s", r.Name, w.pkt.Src, w.pkt.Dst))
		return
	}
	note := routeString(w.net, rt)
	if equal > 1 {
		note += fmt.Sprintf(" (first of %d equal routes)", equal)
	}
	switch rt.Type {
	case "BlackHole":
		w.hop(Hop{Stage: "route", Action: "blackhole", Note: note}, fc)
		w.stop(Dropped, "blackhole route on "+r.Name)
		return
	case "Reject":
		w.hop(Hop{Stage: "route", Action: "reject", Note: note}, fc)
		w.stop(Dropped, "reject route on "+r.Name)
		return
	case "Local":
		w.hop(Hop{Stage: "route", Action: "local", Note: note}, fc)
		w.res.DeliveredTo = &Endpoint{Kind: "router", Name: r.Name, Device: r.Name}
		w.stop(Delivered, "")
		return
	}
	out, ok := w.net.ports[deref(rt.NextHopPort)]
	if !ok {
		w.stop(Dropped, "route "+note+" names a missing port")
		return
	}
	w.hop(Hop{Stage: "route", Action: "forward", Note: note}, fc)
	nh := w.pkt.Dst
	if gw := deref(rt.NextHopGateway); gw != "" && gw != "0.0.0.0" {
		if a, err := netip.ParseAddr(gw); err == nil {
			nh = a
		}
	}
	w.pkt.EthSrc = strings.ToLower(out.PortMAC)
	fc = filterCtx{device: r.ID, inPort: in.ID, outPort: out.ID, stage: "router out"}
	if r.OutboundFilterID != nil && !w.filter(*r.OutboundFilterID, fc) {
		return
	}
	w.leave(out, in.ID, nh)
}

// lookup picks the route: among those whose source and destination match, the longest
// destination, then the lowest weight. equal counts the routes tied with it.
func (w *walk) lookup(routerID string) (best *midonet.Route, equal int) {
	bestLen, bestW := -1, 0
	routes := w.net.routes[routerID]
	for i := range routes {
		rt := &routes[i]
		if !prefixHolds(rt.SrcNetworkAddr, rt.SrcNetworkLength, w.pkt.Src) || !prefixHolds(rt.DstNetworkAddr, rt.DstNetworkLength, w.pkt.Dst) {
			continue
		}
		switch {
		case rt.DstNetworkLength > bestLen || (rt.DstNetworkLength == bestLen && rt.Weight < bestW):
			best, bestLen, bestW, equal = rt, rt.DstNetworkLength, rt.Weight, 1
		case rt.DstNetworkLength == bestLen && rt.Weight == bestW:
			equal++
		}
	}
	return best, equal
}

func routeString(n *Network, rt *midonet.Route) string {
	s := fmt.Sprintf("route %s/%d → %s/%d", rt.SrcNetworkAddr, rt.SrcNetworkLength, rt.DstNetworkAddr, rt.DstNetworkLength)
	if p, ok := n.ports[deref(rt.NextHopPort)]; ok {
		s += " via " + n.portName(p)
	}
	if gw := deref(rt.NextHopGateway); gw != "" {
		s += " gw " + gw
	}
	return s + fmt.Sprintf(" w %d", rt.Weight)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// leave takes the packet out of a port: the port's outbound filter, then the peer port, or
// delivery when the port is exterior. nh is the next hop a router resolves (zero on bridges).
func (w *walk) leave(out *midonet.Port, inPort string, nh netip.Addr) {
	w.curPort = w.net.portName(out)
	fc := filterCtx{device: out.DeviceID, inPort: inPort, outPort: out.ID, stage: "port out"}
	if !up(out.AdminStateUp) {
		w.stop(Dropped, fmt.Sprintf("port %s of %s is administratively down", w.curPort, w.curDevice))
		return
	}
	if out.OutboundFilterID != nil && !w.filter(*out.OutboundFilterID, fc) {
		return
	}
	if out.PeerID != nil {
		peer, ok := w.net.ports[*out.PeerID]
		if !ok {
			w.stop(Dropped, "port "+w.curPort+" is linked to a missing port")
			return
		}
		if nh.IsValid() {
			mac, ok := w.net.resolveMAC(out, nh)
			if !ok {
				w.stop(Dropped, fmt.Sprintf("nobody answers ARP for %s behind %s port %s", nh, w.curDevice, w.curPort))
				return
			}
			w.pkt.EthDst = mac
		}
		w.hop(Hop{Stage: "port out", Action: "to peer", Note: w.net.deviceName(peer.DeviceID) + " port " + w.net.portName(peer)}, fc)
		w.enter(peer, false)
		return
	}
	if out.InterfaceName == nil {
		w.stop(Dropped, fmt.Sprintf("port %s of %s is neither linked nor bound", w.curPort, w.curDevice))
		return
	}
	w.deliver(out, nh, fc)
}

func (w *walk) deliver(out *midonet.Port, nh netip.Addr, fc filterCtx) {
	ep := &Endpoint{Device: w.curDevice, Port: w.curPort, portID: out.ID}
	host := w.net.hosts[deref(out.HostID)]
	where := *out.InterfaceName
	if host != "" {
		where = host + ":" + where
	}
	switch {
	case w.net.interfaceOf(out) != "":
		ep.Kind, ep.Name = "interface", w.net.interfaceOf(out)
	case w.curDevice == "eucamdrt":
		ep.Kind, ep.Name = "metadata", where
	default:
		ep.Kind, ep.Name = "uplink", where
	}
	if nh.IsValid() {
		ep.NextHop = nh.String()
	}
	note := ep.Kind + " " + ep.Name
	if where != ep.Name {
		note += " (" + where + ")"
	}
	w.hop(Hop{Stage: "deliver", Action: "delivered", Note: note}, fc)
	w.res.DeliveredTo = ep
	w.stop(Delivered, "")
}
