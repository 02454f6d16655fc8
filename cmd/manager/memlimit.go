package main

import (
	"fmt"
	"math"
	"os"
	"runtime/debug"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/midovpc/midovpc/internal/memlimit"
)

// cgroupMemoryMax is where cgroup v2 tells a container its memory limit ("max": none).
const cgroupMemoryMax = memlimit.CgroupMemoryMax

// memoryLimit sets the Go runtime's soft memory limit and says which it set, for the log.
// flagValue is --memory-limit: a quantity ("450Mi"), "0" for none, or "" for automatic:
// GOMEMLIMIT when set, else, in a container with a memory limit, 90% of that limit less the
// executable's loaded size (memlimit.Soft); exe is the running executable.
//
// Without a soft limit the heap grows to twice what is live before a collection: at 10,000
// interfaces about 160 MiB live became 500 MiB of RSS, past the 512Mi limit of
// config/manager. With it the collector works harder only near the limit. The executable's
// pages are resident too and the runtime does not count them: 90% of 512Mi without taking
// them off gave a peak RSS of 504–529 MiB.
func memoryLimit(flagValue, cgroupFile, exe string) (string, error) {
	switch {
	case flagValue == "0":
		debug.SetMemoryLimit(math.MaxInt64)
		return "none (--memory-limit 0)", nil
	case flagValue != "":
		q, err := resource.ParseQuantity(flagValue)
		if err != nil || q.Value() <= 0 {
			return "", fmt.Errorf("--memory-limit %q: want a quantity such as 450Mi, or 0 for none", flagValue)
		}
		debug.SetMemoryLimit(q.Value())
		return q.String() + " (--memory-limit)", nil
	case os.Getenv("GOMEMLIMIT") != "":
		return os.Getenv("GOMEMLIMIT") + " (GOMEMLIMIT)", nil // the runtime read it at start
	}
	limit, err := memlimit.ContainerLimit(cgroupFile)
	if err != nil || limit <= 0 {
		return "none (no container memory limit)", err
	}
	soft, loaded, err := memlimit.Soft(limit, exe)
	if err != nil {
		// Not an ELF executable we can read: the executable's share is unknown.
		soft = int64(float64(limit) * memlimit.Share)
		debug.SetMemoryLimit(soft)
		return fmt.Sprintf("%dMi (90%% of the container's %dMi; %v)", soft>>20, limit>>20, err), nil
	}
	debug.SetMemoryLimit(soft)
	return fmt.Sprintf("%dMi (90%% of the container's %dMi less the executable's %dMi)", soft>>20, limit>>20, loaded>>20), nil
}
