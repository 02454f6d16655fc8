package sync

import (
	"errors"
	"fmt"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
)

// DependencyError reports that something the fragment refers to but does not own is not in
// MidoNet yet: a device of another owner, a chain jumped to, a group matched on, a port used as
// next hop, a host to bind on. Controllers report it as DependencyNotReady instead of failing;
// the owner is synced again when the dependency appears.
type DependencyError struct {
	What string
}

func (e *DependencyError) Error() string { return "dependency not ready: " + e.What }

// missing builds a DependencyError.
func missing(format string, args ...any) error {
	return &DependencyError{What: fmt.Sprintf(format, args...)}
}

// IsDependency reports whether err is (or wraps) a DependencyError.
func IsDependency(err error) bool {
	var de *DependencyError
	return errors.As(err, &de)
}

// failed wraps a client error with the object it concerns and marks the container it was
// written into stale, so the next sync re-reads that container (and nothing else) before
// deciding again (translation.md decision (e)). The client's typed errors stay reachable with
// errors.As / midonet.IsTransient.
func (r *run) failed(kind index.Kind, containerID string, err error, format string, args ...any) error {
	if containerID != "" {
		r.e.Index.MarkStale(kind, containerID)
	}
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), err)
}

// gone reports whether a delete failed only because the object is already gone.
func gone(err error) bool { return err == nil || midonet.IsNotFound(err) }
