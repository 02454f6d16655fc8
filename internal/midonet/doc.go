// Package midonet is midovpc's typed client for the MidoNet REST API (MidoNet 5, "v5.0", with
// the MidoNet 1.x "v1.9" media types selectable by the root's version). It is the last hop of
// the data path XML element → resource field → topology object → REST call; the behaviour it
// relies on is written down in spec/midonet-api.md.
//
// What the client takes care of, so that callers only deal in objects:
//
//   - Discovery: the root resource (GET / as Application-v5) gives the base URI, the version
//     and the collection URIs; it is read on first use or by Discover.
//   - Media types: exactly one vendor type per request, per resource and per collection
//     (MediaType), in Accept for GET and Content-Type for POST/PUT.
//   - Typed objects (Router, Bridge, Port, Route, Chain, Rule, …) with MidoNet's JSON names.
//     Nullable fields are pointers, so that null and zero stay apart; decoding tolerates
//     numbers and booleans sent as strings, as MidoNet's own Jackson does.
//   - Create = one POST: the object returned is the request itself, with the id and self link
//     of the Location (Config.ReadBack adds a GET of the stored object). A caller that
//     sets the id (or creates an object with a natural key: DHCP subnet, DHCP host, group
//     address, binding, tunnel-zone member) makes the create idempotent: it is retried, and a
//     duplicate refusal (409, or 400 for a BGP peer) on a retry is resolved by reading the
//     object the lost attempt created.
//   - Update = PUT of the whole object (MidoNet's PUT replaces), not read back; a port PUT
//     leaves out its binding and link, which MidoNet would take from the body as they are.
//   - Typed errors: *APIError (with the Error-v1 message and violations) and *TransportError,
//     decided on with IsNotFound, IsConflict, IsValidation, IsUnauthorized and IsTransient.
//   - Retries with exponential back-off and jitter for transient failures of idempotent
//     requests only; a POST with a server-chosen id is sent exactly once.
//   - X-Auth-Token from a file re-read when it changes, or from /login; TLS with a CA file;
//     tokens and passwords never appear in logs or errors.
//   - An adaptive limit on requests in flight (adaptive.go: slow start, additive increase while
//     latency stays flat, multiplicative decrease on rising latency, 503, 429 and timeouts),
//     bounded by MaxInFlight, and an optional hard rate limit; both honour the context. One
//     attempt is bounded by Timeout (5s).
//   - Prometheus metrics in controller-runtime's registry:
//     midovpc_midonet_requests_total{method,resource,code},
//     midovpc_midonet_request_duration_seconds{method,resource} and
//     midovpc_midonet_retries_total{method,resource}.
//
// A Config with only URL works against any MidoNet API and against the emulator in
// internal/midonet/sim:
//
//	c, err := midonet.New(midonet.Config{URL: "http://127.0.0.1:8181/midonet-api"})
//	rt, err := c.CreateRouter(ctx, &midonet.Router{ID: id, Name: "eucart"})
//
// Deleting a missing object answers 404 for some kinds and 204 for others (spec §1.8); the
// client returns what MidoNet said, except that a 404 on a retried DELETE counts as success.
// Callers that treat deletes as idempotent ignore IsNotFound.
package midonet
