// Package buildinfo tells which build of midovpc is running: the version stamped at build
// time, the commit and the Go version, for `manager --version` and `kubectl-midovpc version`.
package buildinfo
