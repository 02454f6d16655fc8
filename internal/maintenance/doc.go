// Package maintenance holds the logic of the operator's maintenance commands (eucanetd's
// maintenance flags, made safe): flushing midovpc's objects, finding and repairing duplicates
// and leftovers, listing the MidoNet objects of one cloud model, showing gateways and creating
// a tunnel zone. The CLI (cmd/kubectl-midovpc) only parses flags and prints.
//
// Everything works on a State: what MidoNet holds for the tenant, read once (Load) from the
// index, or built by any other topology source. Every destructive operation is split in two:
// a pure function computes a Plan (the exact objects to delete, each with the reason) from a
// State, and Apply carries out exactly that plan. A dry run prints the plan; --yes applies the
// same plan.
//
// Ownership is exact. Named objects (routers, bridges, chains, port groups of the tenant; IP
// address groups, which MidoNet does not scope by tenant) are ours only when their whole name
// parses under the naming scheme (translate.ParseName); a name that merely contains "vr_vpc"
// or "sg_" is foreign. Unnamed children (ports, routes, rules, DHCP entries, ARP and MAC
// entries) are ours only inside an owned device or chain.
package maintenance
