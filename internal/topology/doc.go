// Package topology holds the desired state of MidoNet objects as plain values, keyed by
// logical identity: names for named objects (routers, bridges, chains, IP address groups, port
// groups) and structural keys for everything else (a port by its device and a role, a route by
// router, source, destination, next hop, gateway and weight, a rule by its chain and every
// match and action field). MidoNet UUIDs never appear here: the sync engine resolves names to
// ids through its index, and gives new objects a deterministic id derived from Key().
//
// A Fragment is everything one owner resource (a Kubernetes object such as a Vpc or a
// NetworkInterface) owns. Every object has exactly one owner (ARCHITECTURE.md, decision 2).
// Containers are shared by composition: a fragment may put children (ports, routes, DHCP
// hosts, ARP/MAC entries, rules, group addresses) into a device, chain or group that another
// owner holds; those children belong to the fragment that lists them, the container to its own
// owner.
//
// Two kinds of containers receive children from other owners:
//
//   - Chains. A Chain lists the exact, ordered rules its owner wants. A chain marked Shared also
//     receives rules through ChainRules of other fragments (for instance the elastic-IP DNAT
//     rules in vc_<vpc>_preelip, owned by the Vpc). Those contributions are order-free and sit
//     before (Placement First) or after (Last) the owner's rules; Graph.ChainRules gives the
//     full desired list. When the sync engine syncs the chain's owner it must leave rules that
//     are not the owner's alone; when it syncs a contributor it adds and removes only that
//     contributor's rules.
//   - IP address groups. An AddrGroup lists the addresses its owner holds; a group marked Shared
//     also receives addresses through GroupAddrs (the public IP in elip_pre_<if> comes from the
//     ElasticIP). Graph.GroupAddresses gives the full set.
//
// Devices (routers, bridges) are always open to children of other owners: eucabr receives one
// port per VPC and NAT gateway, a subnet bridge one port per interface, eucart one /32 route per
// elastic IP. A port is identified by PortRef{Device, Role}; the role is unique on the device
// and says what the port is for ("uplink", "subnet:subnet-11112222", "if:i-0000aaaa").
//
// Links are written on both ends: each of the two ports carries Peer pointing at the other.
// Both ends are always in the same fragment. Port-group members are part of the PortGroup.
//
// Keys. Key() returns a stable string per object ("router:eucart", "port:eucabr[vpc:vpc-1]",
// "rule:vc_vpc-1_preelip:dnat …"). Fragment.Keys lists the keys a fragment claims; the rules
// inside an owned Chain and the members of a PortGroup are parts of their container and are not
// claimed separately. Graph.Merge rejects a fragment that claims a key another owner already
// claims, naming both owners.
//
// Recognising existing objects (adoption of a topology built by the original, or after a
// crash). Named objects match by exact name. The others match structurally, with no stored
// ids: a router port by device and portAddress/networkLength; a bridge port with Peer by the
// matched peer (its peerId); an interface's bridge port by its inbound filter
// (ic_<if>_prechain, decision (d)); a gateway port by host and bound interface; a route by
// Route.Key's fields; a rule by Rule.Equal; a DHCP subnet by prefix; a DHCP host by MAC; an ARP
// entry by IP; a MAC entry by MAC and port; a BGP peer by address and AS number; a BGP network
// by prefix. Router ports with MAC "" let MidoNet choose, so the MAC is not compared.
//
// Rule equality follows translation.md decision (a): Rule.Equal compares every match and action
// field after Normalize has applied MidoNet's server defaults (fragment policy, lower-case MACs,
// sorted port lists, NAT targets in order, nil for empty lists). Position is not a rule field.
//
// Ordering. Fragment.Sort orders every slice by Key (rules inside a chain keep their order), so
// output is deterministic whatever order a translator appended objects in. Dump writes a
// compact, line-oriented text form used by golden files and by operators.
package topology
