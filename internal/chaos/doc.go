// Package chaos proves crash safety: the manager runs as a real process against a real
// control plane and the MidoNet emulator, is killed with SIGKILL at chosen MidoNet writes of a
// cold converge or of a large edit (or loses its leadership to a standby), and the topology it
// leaves once restarted must be exactly the golden one, with no duplicate, no orphan and no
// write after settling.
//
// The helpers here (a manager process, a MidoNet front that kills at the Nth write, a
// converge driver and a topology checker) are used by the package's tests; `make test` runs a
// few seeds and `make test-chaos` many.
package chaos
