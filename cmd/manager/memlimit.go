package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// cgroupMemoryMax is where cgroup v2 tells a container its memory limit ("max": none).
const cgroupMemoryMax = "/sys/fs/cgroup/memory.max"

// memoryLimit sets the Go runtime's soft memory limit and says which it set, for the log.
// flagValue is --memory-limit: a quantity ("450Mi"), "0" for none, or "" for automatic:
// GOMEMLIMIT when set, else 90% of the container's memory limit when it has one (the rest is
// for stacks, the runtime and what the kernel counts besides the heap).
//
// Without a soft limit the heap grows to twice what is live before a collection: at 10,000
// interfaces about 160 MiB live became 500 MiB of RSS, past the 512Mi limit of
// config/manager. With it the collector works harder only near the limit.
func memoryLimit(flagValue, cgroupFile string) (string, error) {
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
	limit, err := containerMemoryLimit(cgroupFile)
	if err != nil || limit <= 0 {
		return "none (no container memory limit)", err
	}
	soft := limit / 10 * 9
	debug.SetMemoryLimit(soft)
	return fmt.Sprintf("%dMi (90%% of the container's %dMi)", soft>>20, limit>>20), nil
}

// containerMemoryLimit reads a cgroup v2 memory.max: the limit in bytes, 0 when there is
// none (or no such file).
func containerMemoryLimit(path string) (int64, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the container memory limit: %w", err)
	}
	s := strings.TrimSpace(string(data))
	if s == "max" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read the container memory limit %s: %q is not a number", path, s)
	}
	return n, nil
}
