package translate

import (
	"strconv"
	"strings"
)

// Fixed names of the core objects (translation.md §2, §3, §15).
const (
	CoreRouterName        = "eucart"
	CoreBridgeName        = "eucabr"
	CoreBridgeFilterName  = "eucabr_infilter"
	GatewayPortGroupName  = "eucapg"
	VersionGroupName      = "euca_version"
	MetadataGroupName     = "metadata_ip"
	MetadataRouterName    = "eucamdrt"
	MetadataBridgeName    = "eucamdbr"
	MetadataExtFilterName = "eucamdrt_extportout"
	// MetadataHostInterface is the MidoNet end of the metadata veth on the metadata host.
	MetadataHostInterface = "eucamd_mido"
)

// coreNames are the fixed names owned by midovpc.
var coreNames = map[string]ObjectType{
	CoreRouterName:        ObjectRouter,
	CoreBridgeName:        ObjectBridge,
	CoreBridgeFilterName:  ObjectChain,
	GatewayPortGroupName:  ObjectPortGroup,
	VersionGroupName:      ObjectAddrGroup,
	MetadataGroupName:     ObjectAddrGroup,
	MetadataRouterName:    ObjectRouter,
	MetadataBridgeName:    ObjectBridge,
	MetadataExtFilterName: ObjectChain,
}

// TunnelZoneNames are the names a tunnel zone is recognised by (whole-name equality, decision
// (d)). Tunnel zones are never owned.
var TunnelZoneNames = []string{"mido-tz", "midotz", "euca-tz", "eucatz"}

// IsTunnelZoneName reports whether name is one of TunnelZoneNames.
func IsTunnelZoneName(name string) bool {
	for _, n := range TunnelZoneNames {
		if n == name {
			return true
		}
	}
	return false
}

// VPCRouterName is vr_<vpc>_<rtid>.
func VPCRouterName(vpc string, rtid int) string { return "vr_" + vpc + "_" + strconv.Itoa(rtid) }

// VPC chain names.
func VPCPreChainName(vpc string) string         { return "vc_" + vpc + "_prechain" }
func VPCPreElipChainName(vpc string) string     { return "vc_" + vpc + "_preelip" }
func VPCPostChainName(vpc string) string        { return "vc_" + vpc + "_postchain" }
func VPCMetadataInChainName(vpc string) string  { return "vc_" + vpc + "_mdulin" }
func VPCMetadataOutChainName(vpc string) string { return "vc_" + vpc + "_mdulout" }

// SubnetBridgeName is vb_<vpc>_<subnet>.
func SubnetBridgeName(vpc, subnet string) string { return "vb_" + vpc + "_" + subnet }

// Subnet bridge chain names.
func SubnetInChainName(subnet string) string  { return "sc_" + subnet + "_in" }
func SubnetOutChainName(subnet string) string { return "sc_" + subnet + "_out" }

// NATRouterName is natr_<natg>_<subnet>_<rtid>.
func NATRouterName(nat, subnet string, rtid int) string {
	return "natr_" + nat + "_" + subnet + "_" + strconv.Itoa(rtid)
}

// NAT gateway chain names.
func NATInChainName(nat string) string  { return "natc_" + nat + "_rtin" }
func NATOutChainName(nat string) string { return "natc_" + nat + "_rtout" }

// ElipPreGroupName is elip_pre_<if> (or elip_pre_<natg>): the public IP.
func ElipPreGroupName(ifOrNAT string) string { return "elip_pre_" + ifOrNAT }

// ElipPostGroupName is elip_post_<if>: the private IP.
func ElipPostGroupName(ifname string) string { return "elip_post_" + ifname }

// Interface chain names: prechain = from the VM (bridge-port inbound filter), postchain = to
// the VM (outbound filter).
func InterfacePreChainName(ifname string) string  { return "ic_" + ifname + "_prechain" }
func InterfacePostChainName(ifname string) string { return "ic_" + ifname + "_postchain" }

// Security-group chain and group names.
func SGIngressChainName(sg string) string { return "sg_ingress_" + sg }
func SGEgressChainName(sg string) string  { return "sg_egress_" + sg }
func SGPrivGroupName(sg string) string    { return "sg_priv_" + sg }
func SGPubGroupName(sg string) string     { return "sg_pub_" + sg }
func SGAllGroupName(sg string) string     { return "sg_all_" + sg }

// Network-ACL chain names.
func ACLIngressChainName(vpc, acl string) string { return "acl_ingress_" + vpc + "_" + acl }
func ACLEgressChainName(vpc, acl string) string  { return "acl_egress_" + vpc + "_" + acl }

// InterfaceName is the <if> used in object names (§6.1): the instance id for the ENI with
// device index 0, the ENI id otherwise.
func InterfaceName(eniID, instanceID string, deviceIndex int) string {
	if deviceIndex == 0 && instanceID != "" {
		return instanceID
	}
	return eniID
}

// ShortID cuts a long (17-hex) id to 8 hex digits after its prefix, as the node controller
// does for tap names (i-0123456789abcdef0 → i-01234567). Short ids, and strings that are not
// ids, are returned unchanged.
func ShortID(id string) string {
	prefix, hex, ok := strings.Cut(id, "-")
	if !ok || len(hex) != 17 || !isLowerHex(hex) || !idPrefixes[prefix] {
		return id
	}
	return prefix + "-" + hex[:8]
}

// TapName is the node's tap interface for an interface: vn_<shortid>.
func TapName(ifname string) string { return "vn_" + ShortID(ifname) }

// idPrefixes are the id kinds of the naming grammar; nat ids are always long.
var idPrefixes = map[string]bool{"vpc": true, "subnet": true, "sg": true, "acl": true, "eni": true, "i": true, "nat": true}

// IsID reports whether s is <prefix>-<8 or 17 lowercase hex> with the given prefix (nat-: 17
// only).
func IsID(prefix, s string) bool {
	p, hex, ok := strings.Cut(s, "-")
	if !ok || p != prefix || !idPrefixes[prefix] || !isLowerHex(hex) {
		return false
	}
	if prefix == "nat" {
		return len(hex) == 17
	}
	return len(hex) == 8 || len(hex) == 17
}

// IsInterfaceID reports whether s is an instance id or an ENI id (an <if> of §6.1).
func IsInterfaceID(s string) bool { return IsID("i", s) || IsID("eni", s) }

func isLowerHex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// parseRouterIndex accepts canonical decimal (no sign, no leading zero) below
// RouterIndexLimit, so that parse and build round-trip exactly.
func parseRouterIndex(s string) (int, bool) {
	if s == "" || len(s) > 5 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n >= RouterIndexLimit {
		return 0, false
	}
	return n, true
}
