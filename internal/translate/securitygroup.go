package translate

import (
	"fmt"
	"net/netip"

	"github.com/midovpc/midovpc/internal/topology"
)

// SecurityGroupInput is a security group and the groups its rules may reference.
type SecurityGroupInput struct {
	ID      string
	Ingress []SecurityGroupRule
	Egress  []SecurityGroupRule
	// KnownGroups are the security groups that exist (their sg_all_ groups can be
	// referenced). The group itself always counts.
	KnownGroups []string
}

// SecurityGroupRule is one permission: protocol (-1 = all), ports (TCP/UDP), ICMP type/code,
// and the peer: a CIDR or a security group id (neither = 0.0.0.0/0).
type SecurityGroupRule struct {
	Protocol int
	Ports    *PortRange
	ICMP     *ICMPMatch
	CIDR     netip.Prefix
	Group    string
}

// SecurityGroup translates a security group (§7): sg_ingress_<sg> / sg_egress_<sg> with one
// accept per rule in the view's order (source side for ingress, destination side for egress;
// a peer group is matched through sg_all_<G>), and the member groups sg_priv_ (private IPs),
// sg_pub_ (public IPs) and sg_all_ (both), whose exact contents the SecurityGroup owns. Rules
// naming a group that does not exist are skipped and reported.
func SecurityGroup(owner topology.Owner, in SecurityGroupInput, _ Settings) (topology.Fragment, []Skipped, error) {
	f := topology.Fragment{Owner: owner}
	if !IsID("sg", in.ID) {
		return f, nil, fmt.Errorf("translate security group: id %q is not sg-<8|17 hex>", in.ID)
	}
	known := map[string]bool{in.ID: true}
	for _, g := range in.KnownGroups {
		known[g] = true
	}
	var skipped []Skipped
	chain := func(name, dir string, rules []SecurityGroupRule, ingress bool) error {
		c := topology.Chain{Name: name}
		for i, sr := range rules {
			r, reason, err := securityGroupRule(sr, ingress, known)
			if err != nil {
				return fmt.Errorf("translate security group %s: %s rule %d: %w", in.ID, dir, i+1, err)
			}
			if reason != "" {
				skipped = append(skipped, Skipped{What: fmt.Sprintf("%s rule %d of %s", dir, i+1, in.ID), Reason: reason})
				continue
			}
			c.Rules = append(c.Rules, r)
		}
		f.Chains = append(f.Chains, c)
		return nil
	}
	if err := chain(SGIngressChainName(in.ID), "ingress", in.Ingress, true); err != nil {
		return f, nil, err
	}
	if err := chain(SGEgressChainName(in.ID), "egress", in.Egress, false); err != nil {
		return f, nil, err
	}

	// The group's address groups hold its members' addresses, each contributed by the member
	// that has it: an interface its private IP, an elastic IP its public IP. So a member is
	// Ready only once its addresses are in, and no member waits for the group to notice it.
	f.AddrGroups = append(f.AddrGroups,
		topology.AddrGroup{Name: SGPrivGroupName(in.ID), Shared: true},
		topology.AddrGroup{Name: SGPubGroupName(in.ID), Shared: true},
		topology.AddrGroup{Name: SGAllGroupName(in.ID), Shared: true})
	return *f.Sort(), skipped, nil
}

// securityGroupRule maps one permission to one accept (§7.2). A non-empty reason means the
// rule is skipped.
func securityGroupRule(sr SecurityGroupRule, ingress bool, known map[string]bool) (topology.Rule, string, error) {
	r := accept()
	if err := l4Match(&r, sr.Protocol, sr.Ports, sr.ICMP); err != nil {
		return r, "", err
	}
	switch {
	case sr.Group != "" && sr.CIDR.IsValid():
		return r, "", fmt.Errorf("both a CIDR and a group")
	case sr.Group != "":
		if !IsID("sg", sr.Group) {
			return r, "", fmt.Errorf("group id %q is not sg-<8|17 hex>", sr.Group)
		}
		if !known[sr.Group] {
			return r, "security group " + sr.Group + " not found", nil
		}
		if ingress {
			r.IPAddrGroupSrc = SGAllGroupName(sr.Group)
		} else {
			r.IPAddrGroupDst = SGAllGroupName(sr.Group)
		}
	default:
		cidr := AnyNetwork
		if sr.CIDR.IsValid() {
			cidr = sr.CIDR.Masked()
		}
		if ingress {
			r.NWSrc = prefixOf(cidr)
		} else {
			r.NWDst = prefixOf(cidr)
		}
	}
	return r, "", nil
}
