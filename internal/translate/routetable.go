package translate

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/topology"
)

// Route-table routes live in the Subnet fragment: they are source-routed on the subnet CIDR
// (§9), so they exist once per associated subnet, and the original reconciles them per subnet.
// The RouteTable kind therefore owns no MidoNet object; its controller only requeues the
// subnets associated with it when its entries change.

// Weights of route-table routes (§9).
const (
	WeightIGW = 10
	WeightNAT = 20
	WeightENI = 30
)

// RouteEntry is one entry of a route table: a destination and a target ("local", "igw-…",
// "nat-…", "eni-…"; anything else is unsupported).
type RouteEntry struct {
	Destination netip.Prefix
	Target      string
}

// RouteTargets is what route targets in the subnet's VPC resolve to.
type RouteTargets struct {
	// InternetGateways are the IGWs attached to the VPC.
	InternetGateways []string
	// NATGateways are the VPC's NAT gateways.
	NATGateways []NATGatewayTarget
	// Interfaces are the VPC's interfaces, by real ENI id.
	Interfaces []InterfaceTarget
}

// NATGatewayTarget is a NAT gateway as a route target.
type NATGatewayTarget struct {
	ID        string
	Subnet    SubnetRef
	PrivateIP netip.Addr
}

// InterfaceTarget is an interface as a route target, by its ENI id (not the instance id).
type InterfaceTarget struct {
	ENIID     string
	Subnet    SubnetRef
	PrivateIP netip.Addr
}

// RouteTableRoutes translates a subnet's route-table entries (§9) into routes on the VPC router
// with source = the subnet CIDR: igw → the VPC uplink via 169.254.0.1 (w 10); nat → the VPC
// router's port on the NAT gateway's subnet via its private IP (w 20); eni → the VPC router's
// port on the ENI's subnet via its private IP (w 30); local → nothing. Entries that cannot be
// resolved (unknown or unattached target, unsupported kind, duplicate) are returned as
// Skipped.
func RouteTableRoutes(vpc VPCRef, sub SubnetRef, entries []RouteEntry, targets RouteTargets) ([]topology.Route, []Skipped) {
	var routes []topology.Route
	var skipped []Skipped
	seen := map[string]bool{}
	for _, e := range entries {
		what := fmt.Sprintf("route %s -> %s", e.Destination, e.Target)
		r, reason := resolveRoute(vpc, sub, e, targets)
		switch {
		case reason != "":
			skipped = append(skipped, Skipped{What: what, Reason: reason, Route: &e})
		case r == nil: // local
		case seen[r.Key()]:
			skipped = append(skipped, Skipped{What: what, Reason: "duplicate entry", Route: &e})
		default:
			seen[r.Key()] = true
			routes = append(routes, *r)
		}
	}
	return routes, skipped
}

func resolveRoute(vpc VPCRef, sub SubnetRef, e RouteEntry, t RouteTargets) (*topology.Route, string) {
	if !e.Destination.IsValid() || !e.Destination.Addr().Is4() {
		return nil, "destination is not an IPv4 CIDR"
	}
	mk := func(port topology.PortRef, gw netip.Addr, w int) *topology.Route {
		return &topology.Route{Router: vpc.routerName(), Src: sub.CIDR, Dst: e.Destination.Masked(),
			NextHopPort: port, Gateway: gw, Weight: w, Type: topology.RouteNormal}
	}
	switch {
	case e.Target == "local":
		return nil, ""
	case strings.HasPrefix(e.Target, "igw-"):
		if !slices.Contains(t.InternetGateways, e.Target) {
			return nil, "internet gateway is not attached to " + vpc.ID
		}
		return mk(VPCUplinkPort(vpc), CoreRouterAddress, WeightIGW), ""
	case strings.HasPrefix(e.Target, "nat-"):
		for _, n := range t.NATGateways {
			if n.ID == e.Target {
				if reason := targetProblem(vpc, n.Subnet, n.PrivateIP); reason != "" {
					return nil, reason
				}
				return mk(VPCSubnetPort(vpc, n.Subnet.ID), n.PrivateIP, WeightNAT), ""
			}
		}
		return nil, "NAT gateway not found in " + vpc.ID
	case strings.HasPrefix(e.Target, "eni-"):
		for _, i := range t.Interfaces {
			if i.ENIID == e.Target {
				if reason := targetProblem(vpc, i.Subnet, i.PrivateIP); reason != "" {
					return nil, reason
				}
				return mk(VPCSubnetPort(vpc, i.Subnet.ID), i.PrivateIP, WeightENI), ""
			}
		}
		return nil, "network interface not found in " + vpc.ID
	}
	return nil, "unsupported route target"
}

func targetProblem(vpc VPCRef, sub SubnetRef, ip netip.Addr) string {
	if err := sub.validate(vpc); err != nil {
		return err.Error()
	}
	if !sub.CIDR.Contains(ip) {
		return fmt.Sprintf("private IP %s is not in subnet %s %s", ip, sub.ID, sub.CIDR)
	}
	return ""
}

// RouteTable translates the RouteTable kind: it owns nothing (see above).
func RouteTable(owner topology.Owner) topology.Fragment { return topology.Fragment{Owner: owner} }
