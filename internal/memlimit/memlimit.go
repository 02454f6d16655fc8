package memlimit

import (
	"debug/elf"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// CgroupMemoryMax is where cgroup v2 tells a container its memory limit ("max": none).
const CgroupMemoryMax = "/sys/fs/cgroup/memory.max"

// Share is the part of what is left for Go, after the executable, that the soft limit takes;
// the rest is for the kernel's own accounting and the moments the limit is exceeded (it is
// soft: the collector may not keep up with a burst).
const Share = 0.9

// Soft is the soft memory limit for a container limited to container bytes running exe:
// Share of the container's limit less the executable's loaded size.
//
// The runtime's limit counts only what Go maps (heap, stacks, its metadata); the container's
// resident set also counts the pages of the executable (its code and read-only data, 58 MB
// for the manager), and a collector that keeps the heap just under its limit keeps the
// resident set there too. At 10,000 interfaces 90% of 512Mi (460Mi) gave a peak of 504–529 MiB,
// the anonymous memory at the limit plus 49 MiB of the executable.
func Soft(container int64, exe string) (soft, loaded int64, err error) {
	loaded, err = LoadedSize(exe)
	if err != nil {
		return 0, 0, err
	}
	if loaded >= container {
		return 0, loaded, fmt.Errorf("the container's memory limit (%d bytes) is not larger than the executable %s (%d bytes)", container, exe, loaded)
	}
	return int64(float64(container-loaded) * Share), loaded, nil
}

// LoadedSize is the bytes of exe that the kernel maps from the file: its loadable ELF segments
// (code, read-only and initialised data). All of it can become resident, and the Go runtime
// does not count it.
func LoadedSize(exe string) (int64, error) {
	f, err := elf.Open(exe)
	if err != nil {
		return 0, fmt.Errorf("read the loaded size of %s: %w", exe, err)
	}
	defer f.Close()
	var n int64
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD {
			n += int64(p.Filesz)
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("read the loaded size of %s: no loadable segment", exe)
	}
	return n, nil
}

// ContainerLimit reads a cgroup v2 memory.max: the limit in bytes, 0 when there is none (or
// no such file).
func ContainerLimit(path string) (int64, error) {
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
