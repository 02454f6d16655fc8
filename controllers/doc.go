// Package controllers holds one reconciler per kind of the vpc.midovpc.io API. Each one
// reads like the sentence in ARCHITECTURE.md: fetch, handle deletion, resolve references,
// translate, sync, report status. MidoNet details live in internal/translate and
// internal/midonet/sync, not here.
package controllers
