// Package hostside builds and keeps up the host side of the metadata path on the metadata
// host (translation.md §3.3): the veth pair eucamd_mido ↔ eucamd_host, the optional network
// namespace eucamd holding eucamd_host, the addresses 169.254.169.254/29 and
// 169.254.169.253/32 on eucamd_host, and the route 255.0.0.0/8 via 169.254.169.249 (the
// external port of eucamdrt, which MidoNet binds to eucamd_mido).
//
// Everything goes through netlink handles opened in the namespace concerned, so nothing
// switches the namespace of a thread except the two operations that must: creating a named
// namespace and opening a listening socket inside one. Those lock their OS thread and, if the
// thread cannot be brought back, leave it locked so that the Go runtime discards it.
//
// Every step is idempotent: Ensure looks before it writes, so a second run changes nothing,
// and Keep runs it again whenever netlink reports a change to one of our links, addresses or
// routes, and periodically.
package hostside
