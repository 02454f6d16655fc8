package globalview

import (
	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// securityGroups projects every group; its VPC is the one of the interfaces using it, or
// empty when no interface uses it or interfaces of several VPCs do.
func (p *projector) securityGroups() error {
	for _, g := range p.view.SecurityGroups {
		sg := &vpcv1.SecurityGroup{
			TypeMeta:   typeMeta("SecurityGroup"),
			ObjectMeta: p.nsMeta(g.ID, g.OwnerID),
			Spec: vpcv1.SecurityGroupSpec{
				Ingress:      securityGroupRules(g.IngressRules),
				Egress:       securityGroupRules(g.EgressRules),
				OwnerAccount: g.OwnerID,
			},
		}
		if vpcs := p.groupVPCs[g.ID]; len(vpcs) == 1 {
			for vpc := range vpcs {
				sg.Spec.VPC = vpc
			}
		}
		p.out.SecurityGroups = append(p.out.SecurityGroups, sg)
	}
	return nil
}

// securityGroupRules keeps the rules in document order. A rule with neither a peer group
// nor a CIDR means 0.0.0.0/0, as in the original reader; the projection says so.
func securityGroupRules(rules []SecurityGroupRule) []vpcv1.SecurityGroupRule {
	var out []vpcv1.SecurityGroupRule
	for _, r := range rules {
		rule := vpcv1.SecurityGroupRule{
			Protocol: protocolName(r.Protocol),
			Ports:    portRange(r.Protocol, r.FromPort, r.ToPort),
			ICMP:     icmpMatch(r.Protocol, r.ICMPType, r.ICMPCode),
		}
		switch {
		case r.GroupID != "":
			rule.SecurityGroup = ptrTo(r.GroupID)
		case r.CIDR != "":
			rule.CIDR = ptrTo(vpcv1.CIDR(r.CIDR))
		default:
			rule.CIDR = ptrTo(vpcv1.CIDR("0.0.0.0/0"))
		}
		out = append(out, rule)
	}
	return out
}
