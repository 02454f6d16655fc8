// Package sync turns what MidoNet holds into what one owner's topology.Fragment wants, with the
// fewest writes and in dependency order (ARCHITECTURE.md decisions 2–5, translation.md §18).
//
// An Engine{Client, Index, Tenant} serves every owner. Sync(ctx, fragment, previous) reads only
// the index (never lists MidoNet), writes what differs and keeps the index current by
// write-through; Delete removes what an owner owns.
//
// Identity. Named objects (routers, bridges, chains, port groups in the tenant; IP address
// groups installation-wide) are found by exact name, so adopting a topology built by eucanetd
// or an earlier run costs no write. Unnamed objects are matched inside their parent: router
// ports by address; bridge ports by their peer, else the ic_<if>_prechain inbound filter, else
// the bound interface; routes by every field; rules by topology.Rule equality on resolved ids
// (decision (a)); DHCP subnets by prefix, DHCP hosts by MAC, ARP entries by IP, MAC entries by
// MAC and port, group addresses by address. A new object gets a deterministic id, UUIDv5 of
// the tenant and its key, so a create whose answer was lost is found again (409, then read).
//
// Writes. An object is PUT only when its content differs, with every field re-sent (PUT
// replaces). Links and bindings are made only when missing. Chains are edited hitlessly
// (decision (b), chains.go): LCS match, inserts top-down at final positions, then deletes
// bottom-up; never a flush. In a Shared chain the owner's rules are edited that way and other
// owners' contributions are left where they are; a contributor adds its rules at the top (First)
// or the bottom (Last).
//
// Ownership (decision (i)). previous is what the owner recorded in its status (Result.Owned
// of its last sync). Deletion candidates are previous plus what this engine recorded for the
// owner in this process, minus what the fragment still matches. Beyond those, the engine
// removes only children of containers the owner holds exclusively: rules of its non-shared
// chains, addresses of its non-shared groups, members of its port groups. It never removes
// unclaimed children of devices (a router or bridge receives ports, routes, DHCP hosts and
// table entries from other owners, and right after a restart who claims what is not known
// yet), nor anything of a shared container that the owner did not record as its own. Named
// objects are deleted only when in the tenant and named under the naming scheme
// (translate.IsOwnedName); IP address groups by name alone. See delete.go.
//
// Failures. A missing dependency (another owner's device, chain or group, a host, a port) is a
// *DependencyError; steps not depending on it still run, deletes do not. Other errors stop the
// sync, name the object and wrap the client's typed error. The container a failed write went
// to is marked stale in the index and re-read (alone) by the next sync (decision (e)).
//
// Concurrency. Many owners may sync at once. Positional and matching edits of a container's
// children (a chain's rules above all, a device's ports and routes) hold that container's
// lock, so the rule edits of two owners in one shared chain never interleave; order-free
// children keyed by content (group addresses, DHCP hosts, ARP and MAC entries) hold a lock of
// their own entry only. Within one sync, the steps after the routes run at once as lanes, and
// independent objects inside them at once too (Engine.Workers); one chain's rules keep their
// hitless order. The same owner must not be synced concurrently (controller-runtime
// guarantees it).
//
// Drift. OwnersOf maps an index.Drift to the owners to requeue; RunResync compares the index
// with MidoNet one container at a time, spread over each period, and hands them over.
package sync
