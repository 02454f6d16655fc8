// Package dryrun predicts the MidoNet writes midovpc would make for a desired state of its
// Kubernetes objects, without writing anything anywhere: the controllers' own reconcilers run
// against a fake Kubernetes client that holds the desired state, and the real sync engine runs
// on an index loaded from a snapshot of MidoNet (read live, or from a file), through a
// transport that answers every write as MidoNet would and sends nothing. Each write is recorded,
// described by MidoNet name ("create rule #3 in sg_ingress_sg-5e5e5e5e"), and charged to the
// Kubernetes object whose reconcile made it. kubectl-midovpc plan prints them.
package dryrun
