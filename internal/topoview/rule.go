package topoview

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
)

// ruleSummary renders a rule on one line: position, type, the condition fields that are set
// (in MidoNet's field names, "!=" for an inverted match), then the action's target. Fields
// left at MidoNet's defaults are not shown, so the line says what the rule decides on.
func ruleSummary(r *Rule) string {
	raw := r.Raw
	parts := []string{"#" + strconv.Itoa(r.Position), r.Type}
	parts = append(parts, conditionFields(r)...)
	switch r.Type {
	case midonet.RuleTypeJump:
		parts = append(parts, "→ "+r.JumpChain.String())
	case midonet.RuleTypeDNAT, midonet.RuleTypeSNAT:
		parts = append(parts, "→ "+natTargets(raw.NatTargets))
	}
	if raw.FlowAction != "" {
		parts = append(parts, "flowAction="+raw.FlowAction)
	}
	return strings.Join(parts, " ")
}

// conditionFields lists the condition's set fields in a fixed order.
func conditionFields(r *Rule) []string {
	raw := r.Raw
	var f []string
	add := func(name string, inverted bool, value string) {
		op := "="
		if inverted {
			op = "!="
		}
		f = append(f, name+op+value)
	}
	if len(r.InPorts) > 0 {
		add("inPorts", raw.InvInPorts, portList(r.InPorts))
	}
	if len(r.OutPorts) > 0 {
		add("outPorts", raw.InvOutPorts, portList(r.OutPorts))
	}
	if r.PortGroup != nil {
		add("portGroup", raw.InvPortGroup, r.PortGroup.String())
	}
	if r.InPortGroup != nil {
		add("inPortGroup", raw.InvInPortGroup, r.InPortGroup.String())
	}
	if r.OutPortGroup != nil {
		add("outPortGroup", raw.InvOutPortGroup, r.OutPortGroup.String())
	}
	if r.TraversedDevice != nil {
		add("traversedDevice", raw.InvTraversedDevice, r.TraversedDevice.String())
	}
	if raw.DlType != nil {
		add("dlType", raw.InvDlType, etherType(*raw.DlType))
	}
	if raw.DlSrc != nil {
		add("dlSrc", raw.InvDlSrc, macMatch(*raw.DlSrc, raw.DlSrcMask))
	}
	if raw.DlDst != nil {
		add("dlDst", raw.InvDlDst, macMatch(*raw.DlDst, raw.DlDstMask))
	}
	if raw.Vlan != nil {
		add("vlan", false, strconv.Itoa(*raw.Vlan))
	}
	if raw.NwTos != nil {
		add("nwTos", raw.InvNwTos, strconv.Itoa(*raw.NwTos))
	}
	if raw.NwProto != nil {
		add("nwProto", raw.InvNwProto, protocol(*raw.NwProto))
	}
	if raw.NwSrcAddress != nil {
		add("nwSrc", raw.InvNwSrc, cidr(*raw.NwSrcAddress, raw.NwSrcLength))
	}
	if raw.NwDstAddress != nil {
		add("nwDst", raw.InvNwDst, cidr(*raw.NwDstAddress, raw.NwDstLength))
	}
	if r.IPAddrGroupSrc != nil {
		add("ipAddrGroupSrc", raw.InvIPAddrGroupSrc, r.IPAddrGroupSrc.String())
	}
	if r.IPAddrGroupDst != nil {
		add("ipAddrGroupDst", raw.InvIPAddrGroupDst, r.IPAddrGroupDst.String())
	}
	if raw.TpSrc != nil {
		add("tpSrc", raw.InvTpSrc, portRange(*raw.TpSrc))
	}
	if raw.TpDst != nil {
		add("tpDst", raw.InvTpDst, portRange(*raw.TpDst))
	}
	if raw.FragmentPolicy != "" && raw.FragmentPolicy != defaultFragmentPolicy(raw) {
		add("fragmentPolicy", false, raw.FragmentPolicy)
	}
	for _, flag := range []struct {
		set  bool
		name string
	}{
		{raw.NoVlan, "noVlan"},
		{raw.MatchForwardFlow, "forwardFlow"},
		{raw.MatchReturnFlow, "returnFlow"},
		{raw.MatchNwDstRewritten, "nwDstRewritten"},
		{raw.CondInvert, "invert"},
	} {
		if flag.set {
			f = append(f, flag.name)
		}
	}
	return f
}

// defaultFragmentPolicy is the policy MidoNet fills in when a rule is created without one
// (midonet-api.md §2.7): "unfragmented" for NAT rules that translate ports or several
// addresses, "header" for rules matching L4 ports, "any" otherwise.
func defaultFragmentPolicy(r *midonet.Rule) string {
	hasL4 := r.TpSrc != nil || r.TpDst != nil
	switch r.Type {
	case midonet.RuleTypeDNAT, midonet.RuleTypeSNAT:
		if len(r.NatTargets) == 1 && !hasL4 {
			t := r.NatTargets[0]
			if t.AddressFrom == t.AddressTo && t.PortFrom == 0 && t.PortTo == 0 {
				return midonet.FragmentPolicyAny
			}
		}
		return midonet.FragmentPolicyUnfragmented
	}
	if hasL4 {
		return midonet.FragmentPolicyHeader
	}
	return midonet.FragmentPolicyAny
}

func portList(ports []PortRef) string {
	names := make([]string, len(ports))
	for i, p := range ports {
		names[i] = p.String()
	}
	return strings.Join(names, ",")
}

func etherType(t int) string {
	switch t {
	case midonet.DlTypeIPv4:
		return "ipv4"
	case midonet.DlTypeARP:
		return "arp"
	case 0x86dd:
		return "ipv6"
	}
	return fmt.Sprintf("0x%04x", t)
}

func protocol(p int) string {
	switch p {
	case 1:
		return "icmp"
	case 6:
		return "tcp"
	case 17:
		return "udp"
	}
	return strconv.Itoa(p)
}

func macMatch(mac string, mask *string) string {
	if m := midonet.Deref(mask); m != "" && m != "ffff.ffff.ffff" {
		return mac + "/" + m
	}
	return mac
}

func portRange(r midonet.PortRange) string {
	if r.Start == r.End {
		return strconv.Itoa(r.Start)
	}
	return fmt.Sprintf("%d-%d", r.Start, r.End)
}

// natTargets renders NAT targets as address[-address][:port[-port]], comma separated.
func natTargets(targets []midonet.NatTarget) string {
	if len(targets) == 0 {
		return "?"
	}
	out := make([]string, len(targets))
	for i, t := range targets {
		s := t.AddressFrom
		if t.AddressTo != "" && t.AddressTo != t.AddressFrom {
			s += "-" + t.AddressTo
		}
		if t.PortFrom != 0 || t.PortTo != 0 {
			s += ":" + portRange(midonet.PortRange{Start: t.PortFrom, End: t.PortTo})
		}
		out[i] = s
	}
	return strings.Join(out, ",")
}
