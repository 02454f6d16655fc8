package topology

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Rule types translation uses (midonet-api.md §2.7).
const (
	RuleAccept  = "accept"
	RuleDrop    = "drop"
	RuleJump    = "jump"
	RuleDNAT    = "dnat"
	RuleSNAT    = "snat"
	RuleRevSNAT = "rev_snat"
)

// Flow actions of NAT rules.
const (
	FlowAccept   = "accept"
	FlowContinue = "continue"
)

// Fragment policies.
const (
	FragmentAny          = "any"
	FragmentHeader       = "header"
	FragmentNonHeader    = "nonheader"
	FragmentUnfragmented = "unfragmented"
)

// Range is an inclusive L4 range {start, end}. For ICMP MidoNet carries the type in tpSrc and
// the code in tpDst.
type Range struct {
	Start int
	End   int
}

// NATTarget is one element of natTargets.
type NATTarget struct {
	AddressFrom netip.Addr
	AddressTo   netip.Addr
	PortFrom    int
	PortTo      int
}

// Rule is a chain rule: the condition fields of midonet-api.md §2.7 that translation uses, and
// the action fields. Chains and groups are referred to by NAME, ports by PortRef; the sync
// engine resolves them to ids. A MidoNet rule that sets a condition field not represented here
// (port groups, nwTos, VLAN, traversed device, ICMP data, masks) is never Equal to a Rule.
type Rule struct {
	Type string

	CondInvert       bool
	MatchForwardFlow bool
	MatchReturnFlow  bool

	InPorts     []PortRef
	InvInPorts  bool
	OutPorts    []PortRef
	InvOutPorts bool

	DLType    *int
	InvDLType bool
	DLSrc     string
	InvDLSrc  bool
	DLDst     string
	InvDLDst  bool

	NWProto    *int
	InvNWProto bool
	NWSrc      *netip.Prefix
	InvNWSrc   bool
	NWDst      *netip.Prefix
	InvNWDst   bool

	TPSrc    *Range
	InvTPSrc bool
	TPDst    *Range
	InvTPDst bool

	IPAddrGroupSrc    string
	InvIPAddrGroupSrc bool
	IPAddrGroupDst    string
	InvIPAddrGroupDst bool

	// FragmentPolicy "" means the server default (see Normalize).
	FragmentPolicy string

	// JumpChain is the target chain NAME of a jump rule.
	JumpChain  string
	FlowAction string
	NATTargets []NATTarget
}

// Normalize returns the rule as MidoNet stores it: the fragment-policy default applied
// (header when tpSrc/tpDst is set; for dnat/snat unfragmented unless the rule is the
// single-target, port-less "floating IP" form; otherwise any), MACs and enum strings in lower
// case, a missing or invalid address as nil (length 0), port lists sorted, empty lists nil.
func (r Rule) Normalize() Rule {
	n := r
	n.Type = strings.ToLower(n.Type)
	n.FlowAction = strings.ToLower(n.FlowAction)
	n.DLSrc = strings.ToLower(n.DLSrc)
	n.DLDst = strings.ToLower(n.DLDst)
	n.NWSrc = normPrefix(n.NWSrc)
	n.NWDst = normPrefix(n.NWDst)
	n.InPorts = normPorts(n.InPorts)
	n.OutPorts = normPorts(n.OutPorts)
	if len(n.NATTargets) == 0 {
		n.NATTargets = nil
	} else {
		n.NATTargets = slices.Clone(n.NATTargets)
	}
	n.FragmentPolicy = strings.ToLower(n.FragmentPolicy)
	if n.FragmentPolicy == "" {
		n.FragmentPolicy = defaultFragmentPolicy(n)
	}
	return n
}

func defaultFragmentPolicy(r Rule) string {
	if r.TPSrc != nil || r.TPDst != nil {
		return FragmentHeader
	}
	if r.Type == RuleDNAT || r.Type == RuleSNAT {
		floating := len(r.NATTargets) == 1 && r.NATTargets[0].AddressFrom == r.NATTargets[0].AddressTo &&
			r.NATTargets[0].PortFrom == 0 && r.NATTargets[0].PortTo == 0
		if !floating {
			return FragmentUnfragmented
		}
	}
	return FragmentAny
}

func normPrefix(p *netip.Prefix) *netip.Prefix {
	if p == nil || !p.IsValid() {
		return nil
	}
	q := *p
	return &q
}

func normPorts(ps []PortRef) []PortRef {
	if len(ps) == 0 {
		return nil
	}
	out := slices.Clone(ps)
	slices.SortFunc(out, func(a, b PortRef) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// Equal reports whether two rules are the same rule under decision (a): every match and action
// field equal after normalisation.
func (r Rule) Equal(o Rule) bool { return r.Key() == o.Key() }

// Key is the canonical text of the normalised rule; equal rules have equal keys.
func (r Rule) Key() string { return r.Normalize().String() }

// String renders the rule compactly: the type, then each set field as name=value (name!=value
// when inverted, !name for an inversion flag without a value), in a fixed order.
func (r Rule) String() string {
	var b strings.Builder
	b.WriteString(r.Type)
	field := func(name, value string, present, inv bool) {
		switch {
		case present && inv:
			b.WriteString(" " + name + "!=" + value)
		case present:
			b.WriteString(" " + name + "=" + value)
		case inv:
			b.WriteString(" !" + name)
		}
	}
	flag := func(name string, v bool) {
		if v {
			b.WriteString(" " + name)
		}
	}
	flag("condInvert", r.CondInvert)
	flag("forwardFlow", r.MatchForwardFlow)
	flag("returnFlow", r.MatchReturnFlow)
	field("inPorts", portList(r.InPorts), len(r.InPorts) > 0, r.InvInPorts)
	field("outPorts", portList(r.OutPorts), len(r.OutPorts) > 0, r.InvOutPorts)
	field("dlType", intPtr(r.DLType), r.DLType != nil, r.InvDLType)
	field("dlSrc", r.DLSrc, r.DLSrc != "", r.InvDLSrc)
	field("dlDst", r.DLDst, r.DLDst != "", r.InvDLDst)
	field("nwProto", intPtr(r.NWProto), r.NWProto != nil, r.InvNWProto)
	field("nwSrc", prefixPtr(r.NWSrc), r.NWSrc != nil, r.InvNWSrc)
	field("nwDst", prefixPtr(r.NWDst), r.NWDst != nil, r.InvNWDst)
	field("tpSrc", rangePtr(r.TPSrc), r.TPSrc != nil, r.InvTPSrc)
	field("tpDst", rangePtr(r.TPDst), r.TPDst != nil, r.InvTPDst)
	field("srcGroup", r.IPAddrGroupSrc, r.IPAddrGroupSrc != "", r.InvIPAddrGroupSrc)
	field("dstGroup", r.IPAddrGroupDst, r.IPAddrGroupDst != "", r.InvIPAddrGroupDst)
	field("frag", r.FragmentPolicy, r.FragmentPolicy != "", false)
	field("chain", r.JumpChain, r.JumpChain != "", false)
	field("flow", r.FlowAction, r.FlowAction != "", false)
	field("nat", natList(r.NATTargets), len(r.NATTargets) > 0, false)
	return b.String()
}

func portList(ps []PortRef) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return "[" + strings.Join(s, ",") + "]"
}

func intPtr(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func prefixPtr(p *netip.Prefix) string {
	if p == nil {
		return ""
	}
	return p.String()
}

func rangePtr(r *Range) string {
	if r == nil {
		return ""
	}
	return strconv.Itoa(r.Start) + "-" + strconv.Itoa(r.End)
}

func natList(ts []NATTarget) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.AddressFrom.String() + "-" + t.AddressTo.String() + ":" + strconv.Itoa(t.PortFrom) + "-" + strconv.Itoa(t.PortTo)
	}
	return "[" + strings.Join(s, ",") + "]"
}
