// Package index is midovpc's in-memory mirror of what MidoNet holds for its tenant, so that
// reconciles never list MidoNet (ARCHITECTURE.md decision 4).
//
// Load reads everything once: the tenant's routers (with ports, routes, BGP peers and
// networks), bridges (ports, DHCP subnets and their hosts, ARP and MAC tables), chains (rules,
// in position order) and port groups (members); every IP address group of the installation
// (MidoNet does not scope them by tenant; they are kept, but only groups whose name parses under
// the naming scheme may ever be modified, which the sync engine enforces); hosts (interfaces,
// bindings) and tunnel zones (members). Only objects whose tenantId equals the configured tenant
// are mirrored for routers, bridges, chains and port groups.
//
// Write-through: after each successful write the sync engine calls the matching method (PutPort,
// InsertRule, DeleteRouter, …) so the mirror stays current without re-reading. Deletions apply
// MidoNet's cascades (spec midonet-api.md §3): a router takes its ports, routes and BGP objects,
// a port unlinks its peer and takes the routes through it, a chain takes its rules, the jump
// rules to it and the filter references to it.
//
// A failed write leaves a container (router, bridge, chain, group, port group, host) in an
// unknown state: MarkStale records it and the next sync re-reads just that container with
// Refresh (translation.md decision (e)), never the whole of MidoNet.
//
// Resync re-reads everything into a new mirror beside the current one (lookups continue
// meanwhile), then swaps it in under a short lock and reports the Drift: objects that vanished,
// changed or appeared behind midovpc's back. Containers written through during the re-read keep
// their write-through state (it is newer than what the re-read saw) and are left out of the drift.
// The incremental form (incremental.go), which the manager uses, does the same one container at
// a time: ResyncCollections finds containers that appeared or vanished, ResyncContainer
// re-reads one; a container written through while it was read is compared next time.
//
// Objects without a UUID get a synthetic id (DHCPSubnetID, DHCPHostID, AddrID, ARPID, MACID,
// MemberID) so that owners can record them in their status like any other id; Find resolves
// any id to a Ref.
//
// Every method is safe for concurrent use; lookups return copies.
package index
