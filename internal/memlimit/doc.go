// Package memlimit chooses the Go runtime's soft memory limit for a manager running in a
// container with a memory limit, so that the container's whole resident set, not only the Go
// heap, stays under it. The manager sets it at start (cmd/manager) and the scale benchmark
// passes the same figure (internal/benchscale), so that the benchmark measures the manager as
// deployed.
package memlimit
