package viewgen

import "fmt"

// Shape says how big a generated cloud is. DefaultShape gives the proportions of the scale
// benchmark; any field may be changed before Generate.
type Shape struct {
	// Interfaces is the number of instances, each with one (primary) network interface.
	Interfaces int
	// VPCs, each with SubnetsPerVPC subnets, an internet gateway, a NAT gateway (in its first
	// subnet), two route tables (public: default route to the internet gateway; private: to the
	// NAT gateway) and one network ACL used by every subnet.
	VPCs          int
	SubnetsPerVPC int
	// SecurityGroups are spread evenly over the VPCs; each has RulesPerGroup rules (ingress and
	// one egress), one of which references another group of its VPC.
	SecurityGroups int
	RulesPerGroup  int
	// ElasticIPs is how many instances get a public IP.
	ElasticIPs int
	// Nodes run the instances, round robin.
	Nodes int
	// Seed makes the ids (and so the names in MidoNet) differ between clouds; the same seed
	// gives the same view.
	Seed uint64
}

// DefaultShape is the benchmark's cloud for n interfaces: for 1,000, 20 VPCs × 5 subnets × 10
// instances, 40 security groups of 6 rules, 100 elastic IPs and 50 nodes; proportionally
// more (or fewer, at least one of each) for other n.
func DefaultShape(n int) Shape {
	return Shape{
		Interfaces:     n,
		VPCs:           max(1, ceilDiv(n, 50)),
		SubnetsPerVPC:  5,
		SecurityGroups: 2 * max(1, ceilDiv(n, 50)),
		RulesPerGroup:  6,
		ElasticIPs:     n / 10,
		Nodes:          max(1, ceilDiv(n, 20)),
		Seed:           1,
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// Limits of the address plan (see Generate).
const (
	maxSubnetsPerVPC = 256
	maxPerSubnet     = 240 // hosts .10 to .249 of a /24
	maxPublicIPs     = 1<<17 - 2
	maxNodes         = 250 * 250
	minRulesPerGroup = 2 // the group reference and the egress rule
	maxRulesPerGroup = 60
)

// Validate reports the first field that Generate cannot honour.
func (s Shape) Validate() error {
	switch {
	case s.Interfaces < 1:
		return fmt.Errorf("shape: interfaces %d: want at least 1", s.Interfaces)
	case s.VPCs < 1:
		return fmt.Errorf("shape: vpcs %d: want at least 1", s.VPCs)
	case s.SubnetsPerVPC < 1 || s.SubnetsPerVPC > maxSubnetsPerVPC:
		return fmt.Errorf("shape: subnets per VPC %d: want 1..%d", s.SubnetsPerVPC, maxSubnetsPerVPC)
	case ceilDiv(s.Interfaces, s.VPCs*s.SubnetsPerVPC) > maxPerSubnet:
		return fmt.Errorf("shape: %d interfaces in %d subnets is more than %d per /24 subnet",
			s.Interfaces, s.VPCs*s.SubnetsPerVPC, maxPerSubnet)
	case s.SecurityGroups < s.VPCs:
		return fmt.Errorf("shape: security groups %d: want at least one per VPC (%d)", s.SecurityGroups, s.VPCs)
	case s.RulesPerGroup < minRulesPerGroup || s.RulesPerGroup > maxRulesPerGroup:
		return fmt.Errorf("shape: rules per group %d: want %d..%d", s.RulesPerGroup, minRulesPerGroup, maxRulesPerGroup)
	case s.ElasticIPs < 0 || s.ElasticIPs > s.Interfaces:
		return fmt.Errorf("shape: elastic IPs %d: want 0..%d (one per interface at most)", s.ElasticIPs, s.Interfaces)
	case s.ElasticIPs+s.VPCs > maxPublicIPs:
		return fmt.Errorf("shape: %d elastic IPs and %d NAT gateways need more than the %d public addresses",
			s.ElasticIPs, s.VPCs, maxPublicIPs)
	case s.Nodes < 1 || s.Nodes > maxNodes:
		return fmt.Errorf("shape: nodes %d: want 1..%d", s.Nodes, maxNodes)
	}
	return nil
}
