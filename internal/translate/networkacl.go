package translate

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/midovpc/midovpc/internal/topology"
)

// NetworkACLInput is a network ACL of a VPC.
type NetworkACLInput struct {
	ID      string
	VPC     string
	Ingress []ACLEntry
	Egress  []ACLEntry
}

// ACLEntry is one numbered entry: protocol (-1 = all), allow or deny, CIDR, ports, ICMP.
type ACLEntry struct {
	Number   int
	Protocol int
	Allow    bool
	CIDR     netip.Prefix
	Ports    *PortRange
	ICMP     *ICMPMatch
}

// NetworkAcl translates a network ACL (§12, decision (f)): acl_ingress_<vpc>_<acl> and
// acl_egress_<vpc>_<acl>, each with its entries sorted by rule number (allow → accept, deny →
// drop; protocol, ports and ICMP as for security groups; CIDR on the source side for ingress,
// destination side for egress; stateless), then an unconditional final drop. The attachment
// (the jumps in sc_ chains) belongs to the Subnet.
func NetworkAcl(owner topology.Owner, in NetworkACLInput, _ Settings) (topology.Fragment, error) {
	f := topology.Fragment{Owner: owner}
	if !IsID("acl", in.ID) || !IsID("vpc", in.VPC) {
		return f, fmt.Errorf("translate network ACL: ids %q / %q are not acl-/vpc-<8|17 hex>", in.ID, in.VPC)
	}
	for _, dir := range []struct {
		name    string
		entries []ACLEntry
		ingress bool
	}{{ACLIngressChainName(in.VPC, in.ID), in.Ingress, true}, {ACLEgressChainName(in.VPC, in.ID), in.Egress, false}} {
		rules, err := aclRules(dir.entries, dir.ingress)
		if err != nil {
			return f, fmt.Errorf("translate network ACL %s: %s: %w", in.ID, dir.name, err)
		}
		f.Chains = append(f.Chains, topology.Chain{Name: dir.name, Rules: rules})
	}
	return *f.Sort(), nil
}

func aclRules(entries []ACLEntry, ingress bool) ([]topology.Rule, error) {
	sorted := slices.Clone(entries)
	slices.SortStableFunc(sorted, func(a, b ACLEntry) int { return a.Number - b.Number })
	var rules []topology.Rule
	for i, e := range sorted {
		if i > 0 && sorted[i-1].Number == e.Number {
			return nil, fmt.Errorf("rule number %d used twice", e.Number)
		}
		if !e.CIDR.IsValid() || !e.CIDR.Addr().Is4() {
			return nil, fmt.Errorf("entry %d: CIDR %q is not IPv4", e.Number, e.CIDR)
		}
		r := topology.Rule{Type: topology.RuleDrop}
		if e.Allow {
			r.Type = topology.RuleAccept
		}
		if err := l4Match(&r, e.Protocol, e.Ports, e.ICMP); err != nil {
			return nil, fmt.Errorf("entry %d: %w", e.Number, err)
		}
		if ingress {
			r.NWSrc = prefixOf(e.CIDR.Masked())
		} else {
			r.NWDst = prefixOf(e.CIDR.Masked())
		}
		rules = append(rules, r)
	}
	return append(rules, topology.Rule{Type: topology.RuleDrop}), nil
}
