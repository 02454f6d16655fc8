// Package testcloud runs, for tests, what `make run` runs: a control plane (envtest), the
// MidoNet emulator, and the manager with the global-view runner on a view file; a test hands
// it views and reads back the MidoNet topology they converge to.
package testcloud
