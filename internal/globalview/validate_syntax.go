package globalview

import (
	"net/netip"
	"strings"
)

// Syntax checks shared by the validators. They are strict: the original's
// tolerance (an unparsable address read as 127.0.0.1, a CIDR without /n read as
// /32) is deliberately not reproduced.

// Object kinds by id prefix, as the CLC names them.
type idKind struct {
	prefix string
	noun   string
	// longOnly is true for kinds that only have 17-digit ids (NAT gateways).
	longOnly bool
}

var (
	kindVPC        = idKind{prefix: "vpc", noun: "VPC"}
	kindSubnet     = idKind{prefix: "subnet", noun: "subnet"}
	kindACL        = idKind{prefix: "acl", noun: "network ACL"}
	kindRouteTable = idKind{prefix: "rtb", noun: "route table"}
	kindNat        = idKind{prefix: "nat", noun: "NAT gateway", longOnly: true}
	kindIGW        = idKind{prefix: "igw", noun: "internet gateway"}
	kindInstance   = idKind{prefix: "i", noun: "instance"}
	kindENI        = idKind{prefix: "eni", noun: "network interface"}
	kindAttachment = idKind{prefix: "eni-attach", noun: "interface attachment"}
	kindSG         = idKind{prefix: "sg", noun: "security group"}
	kindDHCP       = idKind{prefix: "dopt", noun: "DHCP option set"}
)

// hasIDPrefix reports whether id starts with prefix and a dash.
func hasIDPrefix(id, prefix string) bool {
	return strings.HasPrefix(id, prefix+"-")
}

// validID checks <prefix>-<8 or 17 lowercase hex digits> (17 only for long-only kinds).
func (k idKind) valid(id string) bool {
	rest, ok := strings.CutPrefix(id, k.prefix+"-")
	if !ok {
		return false
	}
	if len(rest) != 17 && (k.longOnly || len(rest) != 8) {
		return false
	}
	return isLowerHex(rest)
}

func (k idKind) want() string {
	if k.longOnly {
		return k.prefix + "- and 17 lowercase hex digits"
	}
	return k.prefix + "- and 8 or 17 lowercase hex digits"
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return s != ""
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// validOwnerID checks a 12-digit account number.
func validOwnerID(s string) bool { return len(s) == 12 && isDigits(s) }

// validVersion checks the CLC fingerprint: 8 lowercase hex digits.
func validVersion(s string) bool { return len(s) == 8 && isLowerHex(s) }

// parseIPv4 accepts only a plain dotted-quad IPv4 address.
func parseIPv4(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, false
	}
	return a, true
}

// parseCIDR accepts only an IPv4 a.b.c.d/n with n in 0..32.
func parseCIDR(s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, false
	}
	return p, true
}

// validMAC checks six colon-separated two-digit hex octets.
func validMAC(s string) bool { return validHexOctets(s, 6) }

// validMacPrefix checks the cluster MAC prefix hh:hh.
func validMacPrefix(s string) bool { return validHexOctets(s, 2) }

// validHexOctets checks n colon-separated two-digit hex octets. It indexes rather than
// splits: a view of 10,000 interfaces has 20,000 MAC addresses.
func validHexOctets(s string, n int) bool {
	if len(s) != 3*n-1 {
		return false
	}
	for i := 0; i < len(s); i += 3 {
		if !isHex(s[i:i+2]) || (i+2 < len(s) && s[i+2] != ':') {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20 // lower-case letters; digits are unchanged
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// validHostname checks a DNS name (or dotted address): labels of letters,
// digits, '-' and '_', 1..63 long, 253 in all.
func validHostname(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
			if !ok {
				return false
			}
		}
	}
	return true
}

// validDevice checks a Linux interface name: 1..15 bytes, no whitespace or '/'.
func validDevice(s string) bool {
	if s == "" || len(s) > 15 {
		return false
	}
	return !strings.ContainsAny(s, " \t\r\n/:")
}

// validPublicIPs checks a publicIps value: an address or a range a-b, a <= b.
func validPublicIPRange(s string) bool {
	from, to, isRange := strings.Cut(s, "-")
	a, ok := parseIPv4(from)
	if !ok {
		return false
	}
	if !isRange {
		return true
	}
	b, ok := parseIPv4(to)
	return ok && a.Compare(b) <= 0
}
