package sim

import "strings"

// portRange is a tpSrc/tpDst range; MN 5.4+ requires both ends in 1..65535 with start ≤ end.
type portRange struct {
	Start *int64 `json:"start"`
	End   *int64 `json:"end"`
}

// condition is the match part of a rule (spec §2.7, MN5 Condition.java). The JSON tags are the
// API names: the struct is serialised as is into every rule, nulls and falses included.
type condition struct {
	CondInvert           bool       `json:"condInvert"`
	MatchForwardFlow     bool       `json:"matchForwardFlow"`
	MatchReturnFlow      bool       `json:"matchReturnFlow"`
	InPorts              []string   `json:"inPorts"`
	InvInPorts           bool       `json:"invInPorts"`
	OutPorts             []string   `json:"outPorts"`
	InvOutPorts          bool       `json:"invOutPorts"`
	PortGroup            *string    `json:"portGroup"`
	InvPortGroup         bool       `json:"invPortGroup"`
	InPortGroup          *string    `json:"inPortGroup"`
	InvInPortGroup       bool       `json:"invInPortGroup"`
	OutPortGroup         *string    `json:"outPortGroup"`
	InvOutPortGroup      bool       `json:"invOutPortGroup"`
	IPAddrGroupSrc       *string    `json:"ipAddrGroupSrc"`
	InvIPAddrGroupSrc    bool       `json:"invIpAddrGroupSrc"`
	IPAddrGroupDst       *string    `json:"ipAddrGroupDst"`
	InvIPAddrGroupDst    bool       `json:"invIpAddrGroupDst"`
	TraversedDevice      *string    `json:"traversedDevice"`
	InvTraversedDevice   bool       `json:"invTraversedDevice"`
	DlType               *int64     `json:"dlType"`
	InvDlType            bool       `json:"invDlType"`
	DlSrc                *string    `json:"dlSrc"`
	DlSrcMask            *string    `json:"dlSrcMask"`
	InvDlSrc             bool       `json:"invDlSrc"`
	DlDst                *string    `json:"dlDst"`
	DlDstMask            *string    `json:"dlDstMask"`
	InvDlDst             bool       `json:"invDlDst"`
	NwTos                *int64     `json:"nwTos"`
	InvNwTos             bool       `json:"invNwTos"`
	NwProto              *int64     `json:"nwProto"`
	InvNwProto           bool       `json:"invNwProto"`
	NwSrcAddress         *string    `json:"nwSrcAddress"`
	NwSrcLength          int64      `json:"nwSrcLength"`
	InvNwSrc             bool       `json:"invNwSrc"`
	NwDstAddress         *string    `json:"nwDstAddress"`
	NwDstLength          int64      `json:"nwDstLength"`
	InvNwDst             bool       `json:"invNwDst"`
	TpSrc                *portRange `json:"tpSrc"`
	InvTpSrc             bool       `json:"invTpSrc"`
	TpDst                *portRange `json:"tpDst"`
	InvTpDst             bool       `json:"invTpDst"`
	NoVlan               bool       `json:"noVlan"`
	Vlan                 *int64     `json:"vlan"`
	MatchNwDstRewritten  bool       `json:"matchNwDstRewritten"`
	FragmentPolicy       string     `json:"fragmentPolicy"`
	IcmpDataSrcIPAddress *string    `json:"icmpDataSrcIpAddress"`
	IcmpDataSrcIPLength  int64      `json:"icmpDataSrcIpLength"`
	InvIcmpDataSrcIP     bool       `json:"invIcmpDataSrcIp"`
	IcmpDataDstIPAddress *string    `json:"icmpDataDstIpAddress"`
	IcmpDataDstIPLength  int64      `json:"icmpDataDstIpLength"`
	InvIcmpDataDstIP     bool       `json:"invIcmpDataDstIp"`
}

var fragmentPolicies = []string{"any", "header", "nonheader", "unfragmented"}

// decodeCondition reads every match field; bean-validation failures go to v, mapping errors to
// f.err. FragmentPolicy is left as given ("" when absent): its default depends on the rule type.
func decodeCondition(f *fields, v *violations) condition {
	cd := condition{
		CondInvert:           f.boolOr("condInvert", false),
		MatchForwardFlow:     f.boolOr("matchForwardFlow", false),
		MatchReturnFlow:      f.boolOr("matchReturnFlow", false),
		InPorts:              f.uuids("inPorts"),
		InvInPorts:           f.boolOr("invInPorts", false),
		OutPorts:             f.uuids("outPorts"),
		InvOutPorts:          f.boolOr("invOutPorts", false),
		PortGroup:            f.uuid("portGroup"),
		InvPortGroup:         f.boolOr("invPortGroup", false),
		InPortGroup:          f.uuid("inPortGroup"),
		InvInPortGroup:       f.boolOr("invInPortGroup", false),
		OutPortGroup:         f.uuid("outPortGroup"),
		InvOutPortGroup:      f.boolOr("invOutPortGroup", false),
		IPAddrGroupSrc:       f.uuid("ipAddrGroupSrc"),
		InvIPAddrGroupSrc:    f.boolOr("invIpAddrGroupSrc", false),
		IPAddrGroupDst:       f.uuid("ipAddrGroupDst"),
		InvIPAddrGroupDst:    f.boolOr("invIpAddrGroupDst", false),
		TraversedDevice:      f.uuid("traversedDevice"),
		InvTraversedDevice:   f.boolOr("invTraversedDevice", false),
		DlType:               f.integer("dlType"),
		InvDlType:            f.boolOr("invDlType", false),
		DlSrc:                f.str("dlSrc"),
		DlSrcMask:            f.str("dlSrcMask"),
		InvDlSrc:             f.boolOr("invDlSrc", false),
		DlDst:                f.str("dlDst"),
		DlDstMask:            f.str("dlDstMask"),
		InvDlDst:             f.boolOr("invDlDst", false),
		NwTos:                f.integer("nwTos"),
		InvNwTos:             f.boolOr("invNwTos", false),
		NwProto:              f.integer("nwProto"),
		InvNwProto:           f.boolOr("invNwProto", false),
		NwSrcAddress:         f.str("nwSrcAddress"),
		NwSrcLength:          f.intOr("nwSrcLength", 0),
		InvNwSrc:             f.boolOr("invNwSrc", false),
		NwDstAddress:         f.str("nwDstAddress"),
		NwDstLength:          f.intOr("nwDstLength", 0),
		InvNwDst:             f.boolOr("invNwDst", false),
		TpSrc:                decodeRange(f, "tpSrc"),
		InvTpSrc:             f.boolOr("invTpSrc", false),
		TpDst:                decodeRange(f, "tpDst"),
		InvTpDst:             f.boolOr("invTpDst", false),
		NoVlan:               f.boolOr("noVlan", false),
		Vlan:                 f.integer("vlan"),
		MatchNwDstRewritten:  f.boolOr("matchNwDstRewritten", false),
		IcmpDataSrcIPAddress: f.str("icmpDataSrcIpAddress"),
		IcmpDataSrcIPLength:  f.intOr("icmpDataSrcIpLength", 0),
		InvIcmpDataSrcIP:     f.boolOr("invIcmpDataSrcIp", false),
		IcmpDataDstIPAddress: f.str("icmpDataDstIpAddress"),
		IcmpDataDstIPLength:  f.intOr("icmpDataDstIpLength", 0),
		InvIcmpDataDstIP:     f.boolOr("invIcmpDataDstIp", false),
	}
	if fp := f.str("fragmentPolicy"); fp != nil {
		cd.FragmentPolicy = strings.ToLower(*fp)
	}
	if f.err != nil {
		return cd
	}
	for _, mac := range []struct {
		prop string
		val  **string
	}{{"dlSrc", &cd.DlSrc}, {"dlDst", &cd.DlDst}} {
		if *mac.val == nil {
			continue
		}
		if m, valid := bodyMAC(**mac.val); valid {
			*mac.val = &m
		} else {
			f.fail(mac.prop, "%q is not a valid MAC address", **mac.val)
		}
	}
	v.between("dlType", cd.DlType, 0x0600, 0xFFFF)
	v.between("nwProto", cd.NwProto, 0, 255)
	v.between("nwTos", cd.NwTos, 0, 255)
	v.ipv4("nwSrcAddress", cd.NwSrcAddress)
	v.ipv4("nwDstAddress", cd.NwDstAddress)
	v.between("nwSrcLength", &cd.NwSrcLength, 0, 32)
	v.between("nwDstLength", &cd.NwDstLength, 0, 32)
	v.ipv4("icmpDataSrcIpAddress", cd.IcmpDataSrcIPAddress)
	v.ipv4("icmpDataDstIpAddress", cd.IcmpDataDstIPAddress)
	checkRange(v, "tpSrc", cd.TpSrc)
	checkRange(v, "tpDst", cd.TpDst)
	return cd
}

func decodeRange(f *fields, key string) *portRange {
	o := f.object(key)
	if o == nil {
		return nil
	}
	r := &portRange{Start: o.integer("start"), End: o.integer("end")}
	f.adopt(o)
	return r
}

// checkRange is MN 5.4+'s @ValidRange(min=1, max=65535): both ends present, in range, ordered.
func checkRange(v *violations, prop string, r *portRange) {
	if r == nil {
		return
	}
	if r.Start == nil || r.End == nil || *r.Start < 1 || *r.End > 65535 || *r.Start > *r.End {
		v.add(prop, msgBadRange)
	}
}

// hasL4 reports whether the condition constrains transport ports.
func (cd *condition) hasL4() bool { return cd.TpSrc != nil || cd.TpDst != nil }

// settleFragmentPolicy applies the default and the checks of spec §2.7 for a non-NAT rule.
func (cd *condition) settleFragmentPolicy() error {
	if err := checkFragmentPolicyName(cd.FragmentPolicy); err != nil {
		return err
	}
	if cd.FragmentPolicy == "" {
		cd.FragmentPolicy = "any"
		if cd.hasL4() {
			cd.FragmentPolicy = "header"
		}
	}
	if cd.hasL4() && cd.FragmentPolicy != "header" && cd.FragmentPolicy != "unfragmented" {
		return badRequest("For a rule with tpDst or tpSrc constraints, the fragmentPolicy must be 'header' or 'unfragmented'.")
	}
	return nil
}

func checkFragmentPolicyName(fp string) error {
	if fp == "" {
		return nil
	}
	for _, known := range fragmentPolicies {
		if fp == known {
			return nil
		}
	}
	return badRequest("The valid options for fragmentPolicy are: %s", strings.Join(fragmentPolicies, ", "))
}
