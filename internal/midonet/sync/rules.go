package sync

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/topology"
)

// Rules are compared in "id space" (decision (a) on resolved ids): the desired rule has its
// chain, group and port names replaced by MidoNet ids, the actual rule is read into the same
// topology.Rule form, and topology.Rule.Key decides equality after normalisation. A port in id
// space is PortRef{Role: id}.

// wantedRule is a desired rule resolved to ids: its comparison key and the body to POST.
type wantedRule struct {
	key  string // topology.Rule.Key of the id-space rule
	body midonet.Rule
	name string // the rule in names, for errors and Result keys
}

// resolveRule turns a rule in names into id space.
func (r *run) resolveRule(t topology.Rule) (wantedRule, error) {
	idr := t
	var err error
	if idr.JumpChain, err = r.chainID(t.JumpChain); err != nil {
		return wantedRule{}, err
	}
	if t.IPAddrGroupSrc != "" {
		if idr.IPAddrGroupSrc, err = r.groupID(t.IPAddrGroupSrc); err != nil {
			return wantedRule{}, err
		}
	}
	if t.IPAddrGroupDst != "" {
		if idr.IPAddrGroupDst, err = r.groupID(t.IPAddrGroupDst); err != nil {
			return wantedRule{}, err
		}
	}
	if idr.InPorts, err = r.portIDRefs(t.InPorts); err != nil {
		return wantedRule{}, err
	}
	if idr.OutPorts, err = r.portIDRefs(t.OutPorts); err != nil {
		return wantedRule{}, err
	}
	idr = idr.Normalize()
	if t.FragmentPolicy == "" && (idr.Type == topology.RuleDNAT || idr.Type == topology.RuleSNAT) {
		// MidoNet's default for NAT rules (spec §2.7): "any" only for the single-address,
		// port-less form without L4 match, otherwise "unfragmented" (whatever tpSrc/tpDst say).
		idr.FragmentPolicy = topology.FragmentUnfragmented
		if len(idr.NATTargets) == 1 && idr.TPSrc == nil && idr.TPDst == nil && idr.NATTargets[0].AddressFrom == idr.NATTargets[0].AddressTo &&
			idr.NATTargets[0].PortFrom == 0 && idr.NATTargets[0].PortTo == 0 {
			idr.FragmentPolicy = topology.FragmentAny
		}
	}
	return wantedRule{key: idr.Key(), body: ruleBody(idr), name: t.String()}, nil
}

func (r *run) portIDRefs(refs []topology.PortRef) ([]topology.PortRef, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	out := make([]topology.PortRef, len(refs))
	for i, ref := range refs {
		id, err := r.portID(ref)
		if err != nil {
			return nil, err
		}
		out[i] = topology.PortRef{Role: id}
	}
	return out, nil
}

func refIDs(refs []topology.PortRef) []string {
	var out []string
	for _, p := range refs {
		out = append(out, p.Role)
	}
	return out
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ruleBody is the POST body of an id-space rule. The fragment policy is always sent, as the
// normalised value, so MidoNet stores exactly what is compared.
func ruleBody(t topology.Rule) midonet.Rule {
	m := midonet.Rule{
		Type:       t.Type,
		CondInvert: t.CondInvert, MatchForwardFlow: t.MatchForwardFlow, MatchReturnFlow: t.MatchReturnFlow,
		InPorts: refIDs(t.InPorts), InvInPorts: t.InvInPorts, OutPorts: refIDs(t.OutPorts), InvOutPorts: t.InvOutPorts,
		DlType: t.DLType, InvDlType: t.InvDLType,
		DlSrc: strPtr(t.DLSrc), InvDlSrc: t.InvDLSrc, DlDst: strPtr(t.DLDst), InvDlDst: t.InvDLDst,
		NwProto: t.NWProto, InvNwProto: t.InvNWProto, InvNwSrc: t.InvNWSrc, InvNwDst: t.InvNWDst,
		InvTpSrc: t.InvTPSrc, InvTpDst: t.InvTPDst,
		IPAddrGroupSrc: strPtr(t.IPAddrGroupSrc), InvIPAddrGroupSrc: t.InvIPAddrGroupSrc,
		IPAddrGroupDst: strPtr(t.IPAddrGroupDst), InvIPAddrGroupDst: t.InvIPAddrGroupDst,
		FragmentPolicy: t.FragmentPolicy,
		JumpChainID:    strPtr(t.JumpChain),
		FlowAction:     t.FlowAction,
	}
	if t.NWSrc != nil {
		m.NwSrcAddress, m.NwSrcLength = strPtr(t.NWSrc.Addr().String()), t.NWSrc.Bits()
	}
	if t.NWDst != nil {
		m.NwDstAddress, m.NwDstLength = strPtr(t.NWDst.Addr().String()), t.NWDst.Bits()
	}
	if t.TPSrc != nil {
		m.TpSrc = &midonet.PortRange{Start: t.TPSrc.Start, End: t.TPSrc.End}
	}
	if t.TPDst != nil {
		m.TpDst = &midonet.PortRange{Start: t.TPDst.Start, End: t.TPDst.End}
	}
	for _, n := range t.NATTargets {
		m.NatTargets = append(m.NatTargets, midonet.NatTarget{AddressFrom: n.AddressFrom.String(), AddressTo: n.AddressTo.String(),
			PortFrom: n.PortFrom, PortTo: n.PortTo})
	}
	return m
}

// actualKey is the comparison key of a rule read from MidoNet. A rule that uses a condition
// topology.Rule cannot express (port groups, nwTos, VLAN, traversed device, MAC masks,
// rewritten destination) gets a key no desired rule can have.
func actualKey(m midonet.Rule) string {
	t, err := actualRule(m)
	if err != nil {
		return "\x00unmatchable " + m.ID
	}
	return t.Key()
}

func actualRule(m midonet.Rule) (topology.Rule, error) {
	if m.PortGroup != nil || m.InPortGroup != nil || m.OutPortGroup != nil || m.InvPortGroup || m.InvInPortGroup || m.InvOutPortGroup ||
		m.TraversedDevice != nil || m.InvTraversedDevice || m.DlSrcMask != nil || m.DlDstMask != nil ||
		m.NwTos != nil || m.InvNwTos || m.NoVlan || m.Vlan != nil || m.MatchNwDstRewritten {
		return topology.Rule{}, fmt.Errorf("rule %s uses conditions midovpc does not express", m.ID)
	}
	t := topology.Rule{
		Type:       strings.ToLower(m.Type),
		CondInvert: m.CondInvert, MatchForwardFlow: m.MatchForwardFlow, MatchReturnFlow: m.MatchReturnFlow,
		InvInPorts: m.InvInPorts, InvOutPorts: m.InvOutPorts,
		DLType: m.DlType, InvDLType: m.InvDlType,
		DLSrc: midonet.Deref(m.DlSrc), InvDLSrc: m.InvDlSrc, DLDst: midonet.Deref(m.DlDst), InvDLDst: m.InvDlDst,
		NWProto: m.NwProto, InvNWProto: m.InvNwProto, InvNWSrc: m.InvNwSrc, InvNWDst: m.InvNwDst,
		InvTPSrc: m.InvTpSrc, InvTPDst: m.InvTpDst,
		IPAddrGroupSrc: midonet.Deref(m.IPAddrGroupSrc), InvIPAddrGroupSrc: m.InvIPAddrGroupSrc,
		IPAddrGroupDst: midonet.Deref(m.IPAddrGroupDst), InvIPAddrGroupDst: m.InvIPAddrGroupDst,
		FragmentPolicy: m.FragmentPolicy,
		JumpChain:      midonet.Deref(m.JumpChainID),
		FlowAction:     m.FlowAction,
	}
	for _, p := range m.InPorts {
		t.InPorts = append(t.InPorts, topology.PortRef{Role: p})
	}
	for _, p := range m.OutPorts {
		t.OutPorts = append(t.OutPorts, topology.PortRef{Role: p})
	}
	var err error
	if t.NWSrc, err = rulePrefix(m.NwSrcAddress, m.NwSrcLength); err != nil {
		return t, err
	}
	if t.NWDst, err = rulePrefix(m.NwDstAddress, m.NwDstLength); err != nil {
		return t, err
	}
	if m.TpSrc != nil {
		t.TPSrc = &topology.Range{Start: m.TpSrc.Start, End: m.TpSrc.End}
	}
	if m.TpDst != nil {
		t.TPDst = &topology.Range{Start: m.TpDst.Start, End: m.TpDst.End}
	}
	for _, n := range m.NatTargets {
		from, err1 := netip.ParseAddr(n.AddressFrom)
		to, err2 := netip.ParseAddr(n.AddressTo)
		if err1 != nil || err2 != nil {
			return t, fmt.Errorf("rule %s: bad NAT target", m.ID)
		}
		t.NATTargets = append(t.NATTargets, topology.NATTarget{AddressFrom: from, AddressTo: to, PortFrom: n.PortFrom, PortTo: n.PortTo})
	}
	return t, nil
}

func rulePrefix(addr *string, length int) (*netip.Prefix, error) {
	if addr == nil {
		return nil, nil
	}
	a, err := netip.ParseAddr(*addr)
	if err != nil {
		return nil, err
	}
	// Keep the address as written: MidoNet stores it unmasked.
	p := netip.PrefixFrom(a, length)
	if !p.IsValid() {
		return nil, fmt.Errorf("bad prefix length %d for %s", length, a)
	}
	return &p, nil
}
