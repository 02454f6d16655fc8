package translate

import "github.com/midovpc/midovpc/internal/topology"

// InternetGateway translates an internet gateway: it has no MidoNet object (§10). Its
// attachment only makes igw- route targets of the VPC resolvable (RouteTargets).
func InternetGateway(owner topology.Owner) topology.Fragment { return topology.Fragment{Owner: owner} }

// DhcpOptionSet translates a DHCP option set: it owns nothing; its values reach MidoNet
// through the Subnet (DNS servers) and NetworkInterface (domain) fragments of the VPCs that use
// it (decision (c)).
func DhcpOptionSet(owner topology.Owner) topology.Fragment { return topology.Fragment{Owner: owner} }
