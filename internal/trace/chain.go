package trace

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
)

// Filter verdicts.
const (
	actAccept   = "accept"
	actDrop     = "drop"
	actReject   = "reject"
	actContinue = "continue"
	actReturn   = "return"
)

// filterCtx is what a filter sees besides the packet: the port the packet came in by, the port
// it leaves by (outbound filters only) and the device being simulated.
type filterCtx struct {
	device, inPort, outPort string
	stage                   string
}

// runFilter evaluates a filter (a chain and the chains it jumps to) and returns its verdict:
// accept, drop or reject. Every rule that decided or rewrote is recorded as a hop.
func (w *walk) runFilter(chainID string, fc filterCtx) string {
	visited := map[string]bool{}
	v := w.runChain(chainID, fc, visited)
	if v == actContinue || v == actReturn {
		w.hop(Hop{Stage: fc.stage, Chain: w.net.chainName(chainID), Action: actAccept, Note: "no rule decided: the filter accepts"}, fc)
		return actAccept
	}
	return v
}

// runChain returns accept, drop, reject, or continue when the chain ends without a verdict (or
// returns).
func (w *walk) runChain(chainID string, fc filterCtx, visited map[string]bool) string {
	if visited[chainID] {
		return actContinue
	}
	visited[chainID] = true
	name := w.net.chainName(chainID)
	for _, r := range w.net.rules[chainID] {
		if !w.matches(&r, fc) {
			continue
		}
		h := Hop{Stage: fc.stage, Chain: name, Rule: r.Position, Action: r.Type}
		switch r.Type {
		case midonet.RuleTypeAccept, midonet.RuleTypeDrop, midonet.RuleTypeReject:
			h.Note = w.ruleNote(&r)
			w.hop(h, fc)
			return r.Type
		case midonet.RuleTypeReturn:
			w.hop(h, fc)
			return actReturn
		case midonet.RuleTypeJump:
			if r.JumpChainID == nil {
				continue
			}
			target := *r.JumpChainID
			if _, ok := w.net.chains[target]; !ok {
				h.Note = "jump to a missing chain: ignored"
				w.hop(h, fc)
				continue
			}
			h.Note = "→ " + w.net.chainName(target)
			w.hop(h, fc)
			switch v := w.runChain(target, fc, visited); v {
			case actAccept, actDrop, actReject:
				return v
			}
		case midonet.RuleTypeDNAT, midonet.RuleTypeSNAT, midonet.RuleTypeRevDNAT, midonet.RuleTypeRevSNAT:
			h.Note = w.applyNAT(&r)
			h.Action = r.Type + " " + r.FlowAction
			w.hop(h, fc)
			switch r.FlowAction {
			case midonet.FlowActionAccept:
				return actAccept
			case midonet.FlowActionReturn:
				return actReturn
			}
		}
	}
	return actContinue
}

// ruleNote says briefly what a deciding rule matched on.
func (w *walk) ruleNote(r *midonet.Rule) string {
	var parts []string
	if r.MatchReturnFlow {
		parts = append(parts, "return flow")
	}
	if r.MatchForwardFlow {
		parts = append(parts, "forward flow")
	}
	if r.IPAddrGroupSrc != nil {
		parts = append(parts, "src in "+w.net.groupNames[*r.IPAddrGroupSrc])
	}
	if r.IPAddrGroupDst != nil {
		parts = append(parts, "dst in "+w.net.groupNames[*r.IPAddrGroupDst])
	}
	if r.NwProto != nil {
		parts = append(parts, protoName(*r.NwProto))
	}
	if r.NwSrcAddress != nil {
		parts = append(parts, inv(r.InvNwSrc)+"src "+*r.NwSrcAddress+"/"+strconv.Itoa(r.NwSrcLength))
	}
	if r.NwDstAddress != nil {
		parts = append(parts, inv(r.InvNwDst)+"dst "+*r.NwDstAddress+"/"+strconv.Itoa(r.NwDstLength))
	}
	if r.TpSrc != nil {
		parts = append(parts, fmt.Sprintf("%ssport %d-%d", inv(r.InvTpSrc), r.TpSrc.Start, r.TpSrc.End))
	}
	if r.TpDst != nil {
		parts = append(parts, fmt.Sprintf("%sdport %d-%d", inv(r.InvTpDst), r.TpDst.Start, r.TpDst.End))
	}
	if r.DlType != nil {
		parts = append(parts, fmt.Sprintf("%sdlType %#04x", inv(r.InvDlType), *r.DlType))
	}
	if r.DlSrc != nil {
		parts = append(parts, inv(r.InvDlSrc)+"dlSrc "+*r.DlSrc)
	}
	if len(parts) == 0 {
		return "matches everything"
	}
	return strings.Join(parts, ", ")
}

func inv(b bool) string {
	if b {
		return "not "
	}
	return ""
}

// matches is MidoNet's Condition.matches for an unfragmented, untagged IPv4 packet.
func (w *walk) matches(r *midonet.Rule, fc filterCtx) bool {
	m := w.conditionHolds(r, fc)
	if r.CondInvert {
		return !m
	}
	return m
}

func (w *walk) conditionHolds(r *midonet.Rule, fc filterCtx) bool {
	p := w.pkt
	if r.MatchForwardFlow && !w.isForwardFlow() {
		return false
	}
	if r.MatchReturnFlow && w.isForwardFlow() {
		return false
	}
	if len(r.InPorts) > 0 && contains(r.InPorts, fc.inPort) == r.InvInPorts {
		return false
	}
	if len(r.OutPorts) > 0 && contains(r.OutPorts, fc.outPort) == r.InvOutPorts {
		return false
	}
	if r.PortGroup != nil && w.net.portGroups[*r.PortGroup][fc.inPort] == r.InvPortGroup {
		return false
	}
	if r.InPortGroup != nil && w.net.portGroups[*r.InPortGroup][fc.inPort] == r.InvInPortGroup {
		return false
	}
	if r.OutPortGroup != nil && w.net.portGroups[*r.OutPortGroup][fc.outPort] == r.InvOutPortGroup {
		return false
	}
	if r.IPAddrGroupSrc != nil && w.net.addrGroups[*r.IPAddrGroupSrc][p.Src] == r.InvIPAddrGroupSrc {
		return false
	}
	if r.IPAddrGroupDst != nil && w.net.addrGroups[*r.IPAddrGroupDst][p.Dst] == r.InvIPAddrGroupDst {
		return false
	}
	if r.TraversedDevice != nil && contains(w.traversed, *r.TraversedDevice) == r.InvTraversedDevice {
		return false
	}
	if r.DlType != nil && (*r.DlType == midonet.DlTypeIPv4) == r.InvDlType {
		return false
	}
	if r.DlSrc != nil && macMatches(*r.DlSrc, r.DlSrcMask, p.EthSrc) == r.InvDlSrc {
		return false
	}
	if r.DlDst != nil && macMatches(*r.DlDst, r.DlDstMask, p.EthDst) == r.InvDlDst {
		return false
	}
	if r.NwTos != nil && (*r.NwTos == 0) == r.InvNwTos {
		return false
	}
	if r.NwProto != nil && (*r.NwProto == p.Proto) == r.InvNwProto {
		return false
	}
	if r.NwSrcAddress != nil && prefixHolds(*r.NwSrcAddress, r.NwSrcLength, p.Src) == r.InvNwSrc {
		return false
	}
	if r.NwDstAddress != nil && prefixHolds(*r.NwDstAddress, r.NwDstLength, p.Dst) == r.InvNwDst {
		return false
	}
	if r.TpSrc != nil && inRange(r.TpSrc, p.SrcPort) == r.InvTpSrc {
		return false
	}
	if r.TpDst != nil && inRange(r.TpDst, p.DstPort) == r.InvTpDst {
		return false
	}
	if r.Vlan != nil {
		return false // the packet carries no VLAN tag
	}
	if r.MatchNwDstRewritten && !w.dstRewritten {
		return false
	}
	return r.FragmentPolicy != midonet.FragmentPolicyNonHeader
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func prefixHolds(addr string, length int, ip netip.Addr) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	pfx, err := a.Prefix(length)
	return err == nil && pfx.Contains(ip)
}

func inRange(r *midonet.PortRange, v int) bool { return r.Start <= v && v <= r.End }

// macMatches compares MACs under an optional mask "xxxx.xxxx.xxxx".
func macMatches(want string, mask *string, got string) bool {
	w, g := macBytes(want), macBytes(got)
	if w == nil || g == nil {
		return false
	}
	m := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	if mask != nil {
		hexs := strings.ReplaceAll(*mask, ".", "")
		for i := 0; i < 6 && 2*i+2 <= len(hexs); i++ {
			b, err := strconv.ParseUint(hexs[2*i:2*i+2], 16, 8)
			if err == nil {
				m[i] = byte(b)
			}
		}
	}
	for i := range 6 {
		if w[i]&m[i] != g[i]&m[i] {
			return false
		}
	}
	return true
}

func macBytes(s string) []byte {
	parts := strings.Split(strings.ToLower(s), ":")
	if len(parts) != 6 {
		return nil
	}
	out := make([]byte, 6)
	for i, p := range parts {
		b, err := strconv.ParseUint(p, 16, 8)
		if err != nil {
			return nil
		}
		out[i] = byte(b)
	}
	return out
}

// applyNAT rewrites the packet as a NAT rule says and returns what it did.
func (w *walk) applyNAT(r *midonet.Rule) string {
	p := &w.pkt
	switch r.Type {
	case midonet.RuleTypeDNAT, midonet.RuleTypeSNAT:
		if len(r.NatTargets) == 0 {
			return "no target"
		}
		t := r.NatTargets[0]
		addr, err := netip.ParseAddr(t.AddressFrom)
		if err != nil {
			return "bad target " + t.AddressFrom
		}
		if r.Type == midonet.RuleTypeDNAT {
			b := natBinding{kind: "dnat", orig: endpoint{p.Dst, portOr(p, p.DstPort)}, peer: endpoint{p.Src, portOr(p, p.SrcPort)}, proto: p.Proto}
			p.Dst = addr
			if p.hasPorts() && t.PortFrom > 0 && (p.DstPort < t.PortFrom || p.DstPort > t.PortTo) {
				p.DstPort = t.PortFrom
			}
			b.xlated = endpoint{p.Dst, portOr(p, p.DstPort)}
			w.bindings = append(w.bindings, b)
			w.dstRewritten = true
			return "dst → " + endpointString(*p, false)
		}
		b := natBinding{kind: "snat", orig: endpoint{p.Src, portOr(p, p.SrcPort)}, peer: endpoint{p.Dst, portOr(p, p.DstPort)}, proto: p.Proto}
		p.Src = addr
		if p.hasPorts() && t.PortFrom > 0 && (p.SrcPort < t.PortFrom || p.SrcPort > t.PortTo) {
			p.SrcPort = t.PortFrom
		}
		b.xlated = endpoint{p.Src, portOr(p, p.SrcPort)}
		w.bindings = append(w.bindings, b)
		return "src → " + endpointString(*p, true)
	case midonet.RuleTypeRevSNAT:
		if w.conn != nil {
			for _, b := range w.conn.bindings {
				if b.kind == "snat" && b.proto == p.Proto && b.xlated == (endpoint{p.Dst, portOr(p, p.DstPort)}) && b.peer == (endpoint{p.Src, portOr(p, p.SrcPort)}) {
					p.Dst = b.orig.addr
					if p.hasPorts() {
						p.DstPort = b.orig.port
					}
					return "dst → " + endpointString(*p, false) + " (reverse SNAT)"
				}
			}
		}
		return "no SNAT binding for this packet: unchanged"
	case midonet.RuleTypeRevDNAT:
		if w.conn != nil {
			for _, b := range w.conn.bindings {
				if b.kind == "dnat" && b.proto == p.Proto && b.xlated == (endpoint{p.Src, portOr(p, p.SrcPort)}) && b.peer == (endpoint{p.Dst, portOr(p, p.DstPort)}) {
					p.Src = b.orig.addr
					if p.hasPorts() {
						p.SrcPort = b.orig.port
					}
					return "src → " + endpointString(*p, true) + " (reverse DNAT)"
				}
			}
		}
		return "no DNAT binding for this packet: unchanged"
	}
	return ""
}

// portOr compares ICMP endpoints by address only: ICMP "ports" are type and code, which an
// echo reply changes.
func portOr(p *Packet, port int) int {
	if p.hasPorts() {
		return port
	}
	return 0
}

func endpointString(p Packet, src bool) string {
	a, port := p.Dst, p.DstPort
	if src {
		a, port = p.Src, p.SrcPort
	}
	if p.hasPorts() {
		return fmt.Sprintf("%s:%d", a, port)
	}
	return a.String()
}
