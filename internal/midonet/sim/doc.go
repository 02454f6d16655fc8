// Package sim is an in-memory emulator of the MidoNet 5 REST API (midonet-api "v5.0"), faithful
// to /work/shared/spec/midonet-api.md: the same URIs, media types and content negotiation
// (406/415/405), lenient Jackson-style JSON input (string-coerced scalars, unknown fields
// ignored), null-including output with absolute links, 201+Location creates, replacing PUTs with
// the per-model preserved fields, MidoNet's error texts and status codes, and the referential
// cascades of spec §3 (router → ports → routes/links/bindings, chain → rules/jump rules/filter
// references, bridge → ports/DHCP).
//
// It exists so that the controller, its integration tests and benchmarks can run against a real
// HTTP MidoNet without a MidoNet deployment, and so that MidoNet clients (ours or anybody's) can be
// tested against the API's documented behaviour rather than against our own assumptions.
//
// Use New for an http.Handler, Start for a server on a loopback listener. Hosts, their interfaces
// and tunnel zones are not creatable through the API (agents register them in MidoNet): seed them
// with a Seed file (LoadSeed / ParseSeed + ApplySeed) or AddHost. Deterministic fault injection
// (latency, jitter, 503s, dropped connections, writes applied and then answered with 503 or never
// answered) is configured through Options or SetFaults. Requests and Writes expose what a client
// did, for tests that count the writes a controller makes; Save and Load snapshot the store.
//
// The store is one RWMutex-protected set of maps: every request is atomic, like a single
// ZooKeeper transaction in MidoNet.
package sim
