package translate

import "strings"

// ObjectType is the kind of MidoNet object a name belongs to.
type ObjectType string

const (
	ObjectRouter    ObjectType = "router"
	ObjectBridge    ObjectType = "bridge"
	ObjectChain     ObjectType = "chain"
	ObjectAddrGroup ObjectType = "ipaddrgroup"
	ObjectPortGroup ObjectType = "portgroup"
)

// NameKind says which rule of the grammar (§15) a name follows.
type NameKind string

const (
	NameCore           NameKind = "core"            // eucart, eucabr, … (Name.Core holds it)
	NameVPCRouter      NameKind = "vpc-router"      // vr_<vpc>_<rtid>
	NameVPCChain       NameKind = "vpc-chain"       // vc_<vpc>_<prechain|preelip|postchain|mdulin|mdulout>
	NameSubnetBridge   NameKind = "subnet-bridge"   // vb_<vpc>_<subnet>
	NameSubnetChain    NameKind = "subnet-chain"    // sc_<subnet>_<in|out>
	NameNATRouter      NameKind = "nat-router"      // natr_<natg>_<subnet>_<rtid>
	NameNATChain       NameKind = "nat-chain"       // natc_<natg>_<rtin|rtout>
	NameElipPreGroup   NameKind = "elip-pre"        // elip_pre_<if|natg>
	NameElipPostGroup  NameKind = "elip-post"       // elip_post_<if>
	NameInterfaceChain NameKind = "interface-chain" // ic_<if>_<prechain|postchain>
	NameSGChain        NameKind = "sg-chain"        // sg_<ingress|egress>_<sg>
	NameSGGroup        NameKind = "sg-group"        // sg_<priv|pub|all>_<sg>
	NameACLChain       NameKind = "acl-chain"       // acl_<ingress|egress>_<vpc>_<acl>
)

// Name is a parsed midovpc object name.
type Name struct {
	Kind   NameKind
	Object ObjectType
	// Variant is the literal part that distinguishes siblings: "prechain", "preelip",
	// "postchain", "mdulin", "mdulout", "in", "out", "rtin", "rtout", "ingress", "egress",
	// "priv", "pub", "all"; for NameCore the whole name.
	Variant       string
	VPC           string
	Subnet        string
	NAT           string
	Interface     string // i-… or eni-…; for elip_pre_ of a NAT gateway see NAT
	SecurityGroup string
	ACL           string
	RouterIndex   int
}

// slot kinds in a pattern token.
const (
	slotVPC     = "{vpc}"
	slotSubnet  = "{subnet}"
	slotNAT     = "{nat}"
	slotIf      = "{if}"
	slotIfOrNAT = "{if|nat}"
	slotSG      = "{sg}"
	slotACL     = "{acl}"
	slotRTID    = "{rtid}"
)

type namePattern struct {
	kind   NameKind
	object ObjectType
	tokens []string // literal, "a|b" variant set, or a slot
}

var namePatterns = []namePattern{
	{NameVPCRouter, ObjectRouter, []string{"vr", slotVPC, slotRTID}},
	{NameVPCChain, ObjectChain, []string{"vc", slotVPC, "prechain|preelip|postchain|mdulin|mdulout"}},
	{NameSubnetBridge, ObjectBridge, []string{"vb", slotVPC, slotSubnet}},
	{NameSubnetChain, ObjectChain, []string{"sc", slotSubnet, "in|out"}},
	{NameNATRouter, ObjectRouter, []string{"natr", slotNAT, slotSubnet, slotRTID}},
	{NameNATChain, ObjectChain, []string{"natc", slotNAT, "rtin|rtout"}},
	{NameElipPreGroup, ObjectAddrGroup, []string{"elip", "pre", slotIfOrNAT}},
	{NameElipPostGroup, ObjectAddrGroup, []string{"elip", "post", slotIf}},
	{NameInterfaceChain, ObjectChain, []string{"ic", slotIf, "prechain|postchain"}},
	{NameSGChain, ObjectChain, []string{"sg", "ingress|egress", slotSG}},
	{NameSGGroup, ObjectAddrGroup, []string{"sg", "priv|pub|all", slotSG}},
	{NameACLChain, ObjectChain, []string{"acl", "ingress|egress", slotVPC, slotACL}},
}

// ParseName parses name exactly under the naming scheme (decision (d)): literal parts must
// match, the name is split on "_" (ids never contain "_"), each id must be
// <prefix>-<8|17 lowercase hex> (nat-: 17), rtid canonical decimal below RouterIndexLimit.
// Anything else, including names truncated by the original, is not a midovpc name.
func ParseName(name string) (Name, bool) {
	if obj, ok := coreNames[name]; ok {
		return Name{Kind: NameCore, Object: obj, Variant: name}, true
	}
	parts := strings.Split(name, "_")
	for _, p := range namePatterns {
		if n, ok := p.match(parts); ok {
			return n, true
		}
	}
	return Name{}, false
}

func (p namePattern) match(parts []string) (Name, bool) {
	if len(parts) != len(p.tokens) {
		return Name{}, false
	}
	n := Name{Kind: p.kind, Object: p.object}
	for i, tok := range p.tokens {
		v := parts[i]
		ok := true
		switch tok {
		case slotVPC:
			n.VPC, ok = v, IsID("vpc", v)
		case slotSubnet:
			n.Subnet, ok = v, IsID("subnet", v)
		case slotNAT:
			n.NAT, ok = v, IsID("nat", v)
		case slotIf:
			n.Interface, ok = v, IsInterfaceID(v)
		case slotIfOrNAT:
			switch {
			case IsInterfaceID(v):
				n.Interface = v
			case IsID("nat", v):
				n.NAT = v
			default:
				ok = false
			}
		case slotSG:
			n.SecurityGroup, ok = v, IsID("sg", v)
		case slotACL:
			n.ACL, ok = v, IsID("acl", v)
		case slotRTID:
			n.RouterIndex, ok = parseRouterIndex(v)
		default:
			if strings.Contains(tok, "|") {
				ok = false
				for _, alt := range strings.Split(tok, "|") {
					if v == alt {
						n.Variant, ok = v, true
					}
				}
			} else {
				ok = v == tok
			}
		}
		if !ok {
			return Name{}, false
		}
	}
	return n, true
}

// IsOwnedName reports whether name parses exactly under the naming scheme (the core names
// included). Tunnel zones and tap names are not owned objects and do not count.
func IsOwnedName(name string) bool {
	_, ok := ParseName(name)
	return ok
}

// ParseVPCRouterName parses vr_<vpc>_<rtid>.
func ParseVPCRouterName(name string) (vpc string, rtid int, ok bool) {
	n, ok := ParseName(name)
	if !ok || n.Kind != NameVPCRouter {
		return "", 0, false
	}
	return n.VPC, n.RouterIndex, true
}

// ParseSubnetBridgeName parses vb_<vpc>_<subnet>.
func ParseSubnetBridgeName(name string) (vpc, subnet string, ok bool) {
	n, ok := ParseName(name)
	if !ok || n.Kind != NameSubnetBridge {
		return "", "", false
	}
	return n.VPC, n.Subnet, true
}

// ParseNATRouterName parses natr_<natg>_<subnet>_<rtid>.
func ParseNATRouterName(name string) (nat, subnet string, rtid int, ok bool) {
	n, ok := ParseName(name)
	if !ok || n.Kind != NameNATRouter {
		return "", "", 0, false
	}
	return n.NAT, n.Subnet, n.RouterIndex, true
}

// ParseVPCChainName parses vc_<vpc>_<variant>.
func ParseVPCChainName(name string) (vpc, variant string, ok bool) {
	n, ok := ParseName(name)
	if !ok || n.Kind != NameVPCChain {
		return "", "", false
	}
	return n.VPC, n.Variant, true
}

// ParseSubnetChainName parses sc_<subnet>_<in|out>.
func ParseSubnetChainName(name string) (subnet, variant string, ok bool) {
	n, ok := ParseName(name)
	if !ok || n.Kind != NameSubnetChain {
		return "", "", false
	}
	return n.Subnet, n.Variant, true
}

// ParseInterfaceChainName parses ic_<if>_<prechain|postchain>; it is how a bridge port is tied
// to its interface on discovery (decision (d)).
func ParseInterfaceChainName(name string) (ifname, variant string, ok bool) {
	n, ok := ParseName(name)
	if !ok || n.Kind != NameInterfaceChain {
		return "", "", false
	}
	return n.Interface, n.Variant, true
}

// ParseNATChainName parses natc_<natg>_<rtin|rtout>.
func ParseNATChainName(name string) (nat, variant string, ok bool) {
	n, ok := ParseName(name)
	if !ok || n.Kind != NameNATChain {
		return "", "", false
	}
	return n.NAT, n.Variant, true
}

// ParseSGChainName parses sg_<ingress|egress>_<sg>.
func ParseSGChainName(name string) (sg, variant string, ok bool) {
	n, ok := ParseName(name)
	if !ok || n.Kind != NameSGChain {
		return "", "", false
	}
	return n.SecurityGroup, n.Variant, true
}

// ParseSGGroupName parses sg_<priv|pub|all>_<sg>.
func ParseSGGroupName(name string) (sg, variant string, ok bool) {
	n, ok := ParseName(name)
	if !ok || n.Kind != NameSGGroup {
		return "", "", false
	}
	return n.SecurityGroup, n.Variant, true
}

// ParseACLChainName parses acl_<ingress|egress>_<vpc>_<acl>.
func ParseACLChainName(name string) (vpc, acl, variant string, ok bool) {
	n, ok := ParseName(name)
	if !ok || n.Kind != NameACLChain {
		return "", "", "", false
	}
	return n.VPC, n.ACL, n.Variant, true
}

// ParseElipGroupName parses elip_pre_<if|natg> and elip_post_<if>; owner is the interface or
// NAT-gateway id, variant "pre" or "post".
func ParseElipGroupName(name string) (owner, variant string, ok bool) {
	n, ok := ParseName(name)
	if !ok {
		return "", "", false
	}
	switch n.Kind {
	case NameElipPreGroup:
		if n.NAT != "" {
			return n.NAT, "pre", true
		}
		return n.Interface, "pre", true
	case NameElipPostGroup:
		return n.Interface, "post", true
	}
	return "", "", false
}
