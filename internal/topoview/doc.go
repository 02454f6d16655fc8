// Package topoview reads a tenant's MidoNet topology and renders it for an operator, with every
// id resolved to the name midovpc (or eucanetd) gave the object: the view behind
// `kubectl midovpc topology`.
//
// Load reads everything in a handful of list calls (all ports at once, then per-device routes,
// BGP, DHCP, ARP and MAC tables, per-chain rules, group members) and assembles a Topology: the
// tenant's routers, bridges, chains and port groups, the IP address groups whose names follow
// the naming scheme (translate.IsOwnedName; MidoNet gives groups no tenant), and the hosts with
// their tunnel zones and bindings. References (peers, filters, jump targets, address groups,
// next-hop ports, bindings) become Ref and PortRef values that carry both the id and the name.
//
// WriteTree prints an indented, box-drawn tree meant to be read and diffed: everything is
// sorted (eucart, eucamdrt, vr_*, natr_* first among routers; eucabr, eucamdbr, vb_* among
// bridges; chains, groups and hosts by name; rules in chain order) and object ids are left out
// unless asked for, so that two MidoNets holding the same topology print the same text.
// WriteJSON writes the same Topology as a JSON document.
//
// Ports have no names in MidoNet, so a port is shown by what identifies it on its device: a
// router port by its address; a bridge port by its role, named as translate names port roles
// (the tap interface it is bound to, "eucart" / "vpc:<vpc>" / "nat:<natg>" / "router" for a
// link to that router), inferred from the port's binding or peer.
package topoview
