// Package sim is an in-memory emulator of the MidoNet 5 REST API (midonet-api "v5.0"), faithful
// to spec/midonet-api.md of the shared folder beside the project: the same URIs, media types
// and content negotiation (406/415/405), lenient Jackson-style JSON input (string-coerced scalars, unknown fields
// ignored), null-including output with absolute links, 201+Location creates, replacing PUTs with
// the per-model preserved fields, MidoNet's error texts and status codes, and the referential
// cascades of spec §3 (router → ports → routes/links/bindings, chain → rules/jump rules/filter
// references, bridge → ports/DHCP), and MidoNet's strictness where a second reading of its
// source found it (spec §6.1: int32 AS numbers, case-sensitive enums, colon MACs, IPv6 group
// addresses uncompressed, a port PUT taking its binding and link from the body, MAC-table
// entries outliving their port).
//
// It exists so that the controller, its integration tests and benchmarks can run against a real
// HTTP MidoNet without a MidoNet deployment, and so that MidoNet clients (ours or anybody's) can be
// tested against the API's documented behaviour rather than against our own assumptions.
//
// Use New for an http.Handler, Start for a server on a loopback listener. Hosts, their interfaces
// and tunnel zones are not creatable through the API (agents register them in MidoNet): seed them
// with a Seed file (LoadSeed / ParseSeed + ApplySeed) or AddHost. Deterministic fault injection
// (latency, jitter, 503s, dropped connections, writes applied and then answered with 503 or never
// answered) is configured through Options or SetFaults; Options.Capacity and QueueLimit model a
// server that works on only so many requests at once (the rest queue, latency grows with load,
// a full queue answers 503). Requests, Writes, Reads and Refused expose what a client did, for
// tests that count the writes and reads a controller makes; Save and Load snapshot the store.
//
// The store is one RWMutex-protected set of maps: every request is atomic, like a single
// ZooKeeper transaction in MidoNet.
//
// Where the emulator knowingly differs from MidoNet 5:
//   - hostId, interfaceName and peerId in port bodies are always ignored (MidoNet would accept
//     them on POST, or on PUT over a null value); set them through /hosts/{id}/ports and
//     /ports/{id}/link, as the spec tells clients to.
//   - Mirrors, QoS policies, load balancers, VTEPs, service containers are not modelled: a
//     reference to one is 404 (it cannot exist), and their root collections list empty.
//   - A router port without portAddress (and without portSubnet) is a 400 violation, not the
//     server error MidoNet would produce; local routes are not rewritten by a port PUT.
//   - Texts the spec leaves open (e.g. the NAT fragment-policy message, the DHCP-host MAC
//     mapping error) are worded here and marked in the code.
package sim
