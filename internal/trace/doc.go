// Package trace walks one packet through a tenant's MidoNet topology, statically, as midolman
// would simulate it, and says where it ends up and which port, chain, rule or route decided.
//
// The model is MidoNet 5's simulation (midolman's Port, Bridge, Router and Chain):
//
//   - a packet enters an exterior port (an interface's bridge port, a gateway uplink of eucart,
//     the metadata port of eucamdrt); on every port it meets the port's inbound filter, then
//     its device's inbound filter; leaving, the device's outbound filter, then the port's
//     outbound filter; an interior port hands the packet to its peer port;
//   - a filter is a chain: rules in position order, the first accept, drop or reject ends the
//     whole filter (also from inside a jumped-to chain); a jumped-to chain that ends without a
//     verdict, or with return, goes on after the jump; a jump to a missing chain or to a chain
//     already entered is ignored; a filter that ends without a verdict accepts; NAT rules
//     rewrite and then accept, continue or return as their flowAction says;
//   - a bridge forwards by destination MAC: its MAC table, then the MACs of the router ports
//     linked to it; a router delivers to itself what is addressed to one of its ports, else
//     picks among the routes whose source and destination match the one with the longest
//     destination, then the lowest weight, and resolves the next hop (the gateway, else the
//     destination) to a MAC through the ARP table of the bridge on the far side;
//   - connection tracking: a trace is a forward flow; a reply traced with the forward trace's
//     Conn is a return flow when it enters where the forward packet left, carrying the forward
//     packet's addresses and ports reversed; reverse NAT rules undo the forward trace's
//     translations.
//
// What it does not model: fragments (packets are unfragmented), VLANs, MAC learning beyond the
// tables, ECMP hashing (the first of equal routes is taken and the hop says so), TTL, and what
// happens inside a guest or beyond a gateway.
package trace
