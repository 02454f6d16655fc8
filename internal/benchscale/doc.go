// Package benchscale is the scale benchmark (make bench-scale): for each size N it generates a
// view of N interfaces (internal/viewgen), starts a control plane (kube-apiserver and etcd with
// the CRDs, internal/testenv), the MidoNet emulator (cmd/midonet-sim, with latency) and the
// real manager binary as deployed (no --dev) as separate processes, and measures, phase by
// phase, the time from the view (or the manager's start) to the ack file, the MidoNet requests
// the phase cost (from the emulator's /_sim/counters), the manager's writes to the API server
// (its client metrics), the minimum writes and the latency bound, the CPU time of the
// manager, the control plane and the emulator (from /proc), and the manager's peak RSS.
//
// Phases, in order, on one emulator:
//
//	cold            manager start → ack of the generated view
//	restart         manager stopped, a new one on the same control plane and MidoNet → ack
//	restart-adopt   manager and control plane stopped, a fresh control plane started, then a
//	                new manager over the same MidoNet (it adopts what MidoNet holds) → ack
//	rule-add        one security-group rule added (new version) → ack
//	rule-change     that rule's port changed → ack
//	rule-remove     that rule removed → ack
//	rewrite         the same view under a new version → ack
//
// Speed is reported, never asserted: the package's test runs a tiny N and checks behaviour
// (every phase acknowledged, the writes counted) only.
package benchscale
