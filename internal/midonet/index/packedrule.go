package index

import (
	"math"
	"reflect"
	"strings"
	"unique"

	"github.com/midovpc/midovpc/internal/midonet"
)

// packedRule is a rule as the index keeps it. A midonet.Rule is 528 bytes wide, and decoding
// it gives each *string field an allocation of its own; at 10,000 interfaces the index holds
// over 200,000 rules, which made rules the biggest item of the manager's heap (about 160 MB).
// The packed form keeps the fields midovpc's rules use in a third of the space, strings as
// unique.Handle values shared by every rule with the same address, group, chain or type; the
// chain id and the self link (the collection's prefix + the rule id) are recomputed when the
// rule is unpacked. Port lists and NAT targets (a subnet's DHCP rules, the NAT rules of every
// elastic IP and metadata address) go to a small extra; whatever else the packed fields cannot
// hold (port groups, a value out of range) stays in extra.rest, a midonet.Rule with only those
// fields set, so packing loses nothing: unpack(pack(r)) == r.
//
// A packedRule is immutable once made: chains share them between old and new rule slices.
type packedRule struct {
	id                         string
	head                       unique.Handle[ruleHead]
	jump, groupSrc, groupDst   sym // *string fields: present when their flag is set
	nwSrc, nwDst, dlSrc, dlDst sym
	position, nwProto, dlType  int32
	nwSrcLen, nwDstLen         int32
	tpSrcStart, tpSrcEnd       int32
	tpDstStart, tpDstEnd       int32
	flags                      ruleFlags
	extra                      *ruleExtra // nil when the rule has none of it
}

// ruleExtra holds the slices of a packed rule, and the fields it does not pack.
type ruleExtra struct {
	inPorts, outPorts []string
	natTargets        []midonet.NatTarget
	rest              *midonet.Rule // fields not packed; nil when none
}

// ruleHead holds a rule's strings that take few distinct values across a cloud, interned
// together.
type ruleHead struct {
	typ, fragment, flowAction string
	uriPrefix                 string // the self link without the trailing rule id
}

// sym is an interned string; the zero sym is "".
type sym = unique.Handle[string]

func intern(s string) sym {
	if s == "" {
		return sym{}
	}
	return unique.Make(s)
}

func str(s sym) string {
	if s == (sym{}) {
		return ""
	}
	return s.Value()
}

type ruleFlags uint64

// The rule's booleans, then the presence of its pointer fields, then what unpack recomputes.
const (
	fCondInvert ruleFlags = 1 << iota
	fMatchForwardFlow
	fMatchReturnFlow
	fInvInPorts
	fInvOutPorts
	fInvPortGroup
	fInvInPortGroup
	fInvOutPortGroup
	fInvIPAddrGroupSrc
	fInvIPAddrGroupDst
	fInvTraversedDevice
	fInvDlType
	fInvDlSrc
	fInvDlDst
	fInvNwTos
	fInvNwProto
	fInvNwSrc
	fInvNwDst
	fInvTpSrc
	fInvTpDst
	fNoVlan
	fMatchNwDstRewritten

	fJump
	fGroupSrc
	fGroupDst
	fNwSrc
	fNwDst
	fDlSrc
	fDlDst
	fNwProto
	fDlType
	fTpSrc
	fTpDst
	fPosition
	fNwSrcLen
	fNwDstLen

	fChainID // ChainID is the id of the chain holding the rule
	fURI     // URI is uriPrefix + id
)

// ruleBools lists the rule's booleans with their flags.
var ruleBools = []struct {
	flag ruleFlags
	f    func(*midonet.Rule) *bool
}{
	{fCondInvert, func(r *midonet.Rule) *bool { return &r.CondInvert }},
	{fMatchForwardFlow, func(r *midonet.Rule) *bool { return &r.MatchForwardFlow }},
	{fMatchReturnFlow, func(r *midonet.Rule) *bool { return &r.MatchReturnFlow }},
	{fInvInPorts, func(r *midonet.Rule) *bool { return &r.InvInPorts }},
	{fInvOutPorts, func(r *midonet.Rule) *bool { return &r.InvOutPorts }},
	{fInvPortGroup, func(r *midonet.Rule) *bool { return &r.InvPortGroup }},
	{fInvInPortGroup, func(r *midonet.Rule) *bool { return &r.InvInPortGroup }},
	{fInvOutPortGroup, func(r *midonet.Rule) *bool { return &r.InvOutPortGroup }},
	{fInvIPAddrGroupSrc, func(r *midonet.Rule) *bool { return &r.InvIPAddrGroupSrc }},
	{fInvIPAddrGroupDst, func(r *midonet.Rule) *bool { return &r.InvIPAddrGroupDst }},
	{fInvTraversedDevice, func(r *midonet.Rule) *bool { return &r.InvTraversedDevice }},
	{fInvDlType, func(r *midonet.Rule) *bool { return &r.InvDlType }},
	{fInvDlSrc, func(r *midonet.Rule) *bool { return &r.InvDlSrc }},
	{fInvDlDst, func(r *midonet.Rule) *bool { return &r.InvDlDst }},
	{fInvNwTos, func(r *midonet.Rule) *bool { return &r.InvNwTos }},
	{fInvNwProto, func(r *midonet.Rule) *bool { return &r.InvNwProto }},
	{fInvNwSrc, func(r *midonet.Rule) *bool { return &r.InvNwSrc }},
	{fInvNwDst, func(r *midonet.Rule) *bool { return &r.InvNwDst }},
	{fInvTpSrc, func(r *midonet.Rule) *bool { return &r.InvTpSrc }},
	{fInvTpDst, func(r *midonet.Rule) *bool { return &r.InvTpDst }},
	{fNoVlan, func(r *midonet.Rule) *bool { return &r.NoVlan }},
	{fMatchNwDstRewritten, func(r *midonet.Rule) *bool { return &r.MatchNwDstRewritten }},
}

// ruleStrs lists the rule's optional strings with their flags and packed fields.
var ruleStrs = []struct {
	flag ruleFlags
	f    func(*midonet.Rule) **string
	p    func(*packedRule) *sym
}{
	{fJump, func(r *midonet.Rule) **string { return &r.JumpChainID }, func(p *packedRule) *sym { return &p.jump }},
	{fGroupSrc, func(r *midonet.Rule) **string { return &r.IPAddrGroupSrc }, func(p *packedRule) *sym { return &p.groupSrc }},
	{fGroupDst, func(r *midonet.Rule) **string { return &r.IPAddrGroupDst }, func(p *packedRule) *sym { return &p.groupDst }},
	{fNwSrc, func(r *midonet.Rule) **string { return &r.NwSrcAddress }, func(p *packedRule) *sym { return &p.nwSrc }},
	{fNwDst, func(r *midonet.Rule) **string { return &r.NwDstAddress }, func(p *packedRule) *sym { return &p.nwDst }},
	{fDlSrc, func(r *midonet.Rule) **string { return &r.DlSrc }, func(p *packedRule) *sym { return &p.dlSrc }},
	{fDlDst, func(r *midonet.Rule) **string { return &r.DlDst }, func(p *packedRule) *sym { return &p.dlDst }},
}

// ruleInts lists the rule's optional and plain ints with their flags and packed fields.
var ruleInts = []struct {
	flag ruleFlags
	ptr  func(*midonet.Rule) **int // or
	val  func(*midonet.Rule) *int
	p    func(*packedRule) *int32
}{
	{fNwProto, func(r *midonet.Rule) **int { return &r.NwProto }, nil, func(p *packedRule) *int32 { return &p.nwProto }},
	{fDlType, func(r *midonet.Rule) **int { return &r.DlType }, nil, func(p *packedRule) *int32 { return &p.dlType }},
	{fPosition, nil, func(r *midonet.Rule) *int { return &r.Position }, func(p *packedRule) *int32 { return &p.position }},
	{fNwSrcLen, nil, func(r *midonet.Rule) *int { return &r.NwSrcLength }, func(p *packedRule) *int32 { return &p.nwSrcLen }},
	{fNwDstLen, nil, func(r *midonet.Rule) *int { return &r.NwDstLength }, func(p *packedRule) *int32 { return &p.nwDstLen }},
}

func fits32(v int) bool { return v >= math.MinInt32 && v <= math.MaxInt32 }

// packRule packs r, a rule of chain chainID.
func packRule(chainID string, r midonet.Rule) packedRule {
	p := packedRule{id: r.ID}
	r.ID = ""
	head := ruleHead{typ: r.Type, fragment: r.FragmentPolicy, flowAction: r.FlowAction}
	r.Type, r.FragmentPolicy, r.FlowAction = "", "", ""
	for _, b := range ruleBools {
		if f := b.f(&r); *f {
			p.flags |= b.flag
			*f = false
		}
	}
	for _, s := range ruleStrs {
		if f := s.f(&r); *f != nil {
			p.flags |= s.flag
			*s.p(&p) = intern(**f)
			*f = nil
		}
	}
	for _, n := range ruleInts {
		switch {
		case n.ptr != nil:
			if f := n.ptr(&r); *f != nil && fits32(**f) {
				p.flags |= n.flag
				*n.p(&p) = int32(**f)
				*f = nil
			}
		default:
			if f := n.val(&r); *f != 0 && fits32(*f) {
				p.flags |= n.flag
				*n.p(&p) = int32(*f)
				*f = 0
			}
		}
	}
	if r.TpSrc != nil && fits32(r.TpSrc.Start) && fits32(r.TpSrc.End) {
		p.flags |= fTpSrc
		p.tpSrcStart, p.tpSrcEnd = int32(r.TpSrc.Start), int32(r.TpSrc.End)
		r.TpSrc = nil
	}
	if r.TpDst != nil && fits32(r.TpDst.Start) && fits32(r.TpDst.End) {
		p.flags |= fTpDst
		p.tpDstStart, p.tpDstEnd = int32(r.TpDst.Start), int32(r.TpDst.End)
		r.TpDst = nil
	}
	if r.ChainID == chainID {
		p.flags |= fChainID
		r.ChainID = ""
	}
	if p.id != "" && len(r.URI) > len(p.id) && strings.HasSuffix(r.URI, p.id) {
		p.flags |= fURI
		head.uriPrefix = r.URI[:len(r.URI)-len(p.id)]
		r.URI = ""
	}
	p.head = unique.Make(head)
	if r.InPorts != nil || r.OutPorts != nil || r.NatTargets != nil {
		p.extra = &ruleExtra{inPorts: r.InPorts, outPorts: r.OutPorts, natTargets: r.NatTargets}
		r.InPorts, r.OutPorts, r.NatTargets = nil, nil, nil
	}
	if !reflect.ValueOf(r).IsZero() {
		if p.extra == nil {
			p.extra = &ruleExtra{}
		}
		p.extra.rest = &r
	}
	return p
}

// unpack returns the rule p packs, as a rule of chain chainID.
func (p *packedRule) unpack(chainID string) midonet.Rule {
	var r midonet.Rule
	if x := p.extra; x != nil {
		if x.rest != nil {
			r = *x.rest
		}
		r.InPorts, r.OutPorts, r.NatTargets = x.inPorts, x.outPorts, x.natTargets
	}
	head := p.head.Value()
	r.ID = p.id
	r.Type, r.FragmentPolicy, r.FlowAction = head.typ, head.fragment, head.flowAction
	for _, b := range ruleBools {
		if p.flags&b.flag != 0 {
			*b.f(&r) = true
		}
	}
	for _, s := range ruleStrs {
		if p.flags&s.flag != 0 {
			v := str(*s.p(p))
			*s.f(&r) = &v
		}
	}
	for _, n := range ruleInts {
		if p.flags&n.flag == 0 {
			continue
		}
		v := int(*n.p(p))
		if n.ptr != nil {
			*n.ptr(&r) = &v
		} else {
			*n.val(&r) = v
		}
	}
	if p.flags&fTpSrc != 0 {
		r.TpSrc = &midonet.PortRange{Start: int(p.tpSrcStart), End: int(p.tpSrcEnd)}
	}
	if p.flags&fTpDst != 0 {
		r.TpDst = &midonet.PortRange{Start: int(p.tpDstStart), End: int(p.tpDstEnd)}
	}
	if p.flags&fChainID != 0 {
		r.ChainID = chainID
	}
	if p.flags&fURI != 0 {
		r.URI = head.uriPrefix + p.id
	}
	return r
}

// natTargets are p's NAT targets, without unpacking it (packRule always moves them to extra).
// The slice is shared: callers must not change it.
func (p *packedRule) natTargets() []midonet.NatTarget {
	if p.extra == nil {
		return nil
	}
	return p.extra.natTargets
}

// snatFrom reports whether p is a snat rule matching exactly the source src/srcLen, without
// unpacking it.
func (p *packedRule) snatFrom(src string, srcLen int) bool {
	return p.head.Value().typ == midonet.RuleTypeSNAT &&
		p.flags&fNwSrc != 0 && str(p.nwSrc) == src && p.nwSrcLength() == srcLen
}

// nwSrcLength is p's NwSrcLength: packed, or left in the rest when it did not fit.
func (p *packedRule) nwSrcLength() int {
	switch {
	case p.flags&fNwSrcLen != 0:
		return int(p.nwSrcLen)
	case p.extra != nil && p.extra.rest != nil:
		return p.extra.rest.NwSrcLength
	}
	return 0
}

// jumpsTo reports whether p is a jump rule to chain id, without unpacking it.
func (p *packedRule) jumpsTo(id string) bool {
	if p.head.Value().typ != midonet.RuleTypeJump {
		return false
	}
	if p.flags&fJump != 0 {
		return str(p.jump) == id
	}
	return p.extra != nil && p.extra.rest != nil && midonet.Deref(p.extra.rest.JumpChainID) == id
}

func packRules(chainID string, rules []midonet.Rule) []packedRule {
	if len(rules) == 0 {
		return nil
	}
	out := make([]packedRule, len(rules))
	for i := range rules {
		out[i] = packRule(chainID, rules[i])
	}
	return out
}

func unpackRules(chainID string, rules []packedRule) []midonet.Rule {
	if rules == nil {
		return nil
	}
	out := make([]midonet.Rule, len(rules))
	for i := range rules {
		out[i] = rules[i].unpack(chainID)
	}
	return out
}
