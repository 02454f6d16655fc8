// Package benchscale is the scale benchmark (make bench-scale): for each size N it generates a
// view of N interfaces (internal/viewgen), starts the MidoNet emulator (cmd/midonet-sim, with
// latency) and the real manager binary (cmd/manager --dev: a fresh control plane) as separate
// processes, and measures, phase by phase, the time from the view (or the manager) to the ack
// file, the MidoNet requests the phase cost (from the emulator's /_sim/counters), the minimum
// writes and the latency bound, and the manager's peak RSS.
//
// Phases, in order, on one emulator:
//
//	cold            manager start → ack of the generated view
//	restart-adopt   manager stopped, a new one on a fresh control plane, the same MidoNet → ack
//	rule-add        one security-group rule added (new version) → ack
//	rule-change     that rule's port changed → ack
//	rule-remove     that rule removed → ack
//	rewrite         the same view under a new version → ack
//
// Speed is reported, never asserted: the package's test runs a tiny N and checks behaviour
// (every phase acknowledged, the writes counted) only.
package benchscale
