package main

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/memlimit"
)

// The soft memory limit comes from --memory-limit, else from the container's cgroup limit
// (90% of it less the executable's loaded size), else there is none.
func TestMemoryLimit(t *testing.T) {
	if os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOMEMLIMIT is set: the automatic choice defers to it")
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	dir := t.TempDir()
	cgroup := filepath.Join(dir, "memory.max")

	if err := os.WriteFile(cgroup, []byte("536870912\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := memlimit.LoadedSize(exe)
	if err != nil {
		t.Fatal(err)
	}
	got, err := memoryLimit("", cgroup, exe)
	const mi512 = 536870912
	if want := int64(float64(mi512-loaded) * 0.9); err != nil || debug.SetMemoryLimit(-1) != want || !strings.Contains(got, "512Mi") {
		t.Errorf("a 512Mi container: %q, %v, limit %d; want %d, 90%% of 512Mi less the executable's %d bytes", got, err, debug.SetMemoryLimit(-1), want, loaded)
	}
	notELF := filepath.Join(dir, "script")
	if err := os.WriteFile(notELF, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err = memoryLimit("", cgroup, notELF)
	if err != nil || debug.SetMemoryLimit(-1) != int64(mi512*9/10) || !strings.Contains(got, notELF) {
		t.Errorf("an executable that is not ELF: %q, %v, limit %d; want 90%% of 512Mi, saying why", got, err, debug.SetMemoryLimit(-1))
	}
	if _, err := memoryLimit("300Mi", cgroup, exe); err != nil || debug.SetMemoryLimit(-1) != 300<<20 {
		t.Errorf("--memory-limit 300Mi: %v, limit %d", err, debug.SetMemoryLimit(-1))
	}
	if _, err := memoryLimit("0", cgroup, exe); err != nil || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Errorf("--memory-limit 0: %v, limit %d; want none", err, debug.SetMemoryLimit(-1))
	}
	if err := os.WriteFile(cgroup, []byte("max\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := memoryLimit("", cgroup, exe); err != nil || !strings.HasPrefix(got, "none") {
		t.Errorf("no container limit: %q, %v", got, err)
	}
	if got, err := memoryLimit("", filepath.Join(dir, "absent"), exe); err != nil || !strings.HasPrefix(got, "none") {
		t.Errorf("no cgroup file: %q, %v", got, err)
	}
	if _, err := memoryLimit("lots", cgroup, exe); err == nil || !strings.Contains(err.Error(), "--memory-limit") {
		t.Errorf("--memory-limit lots: %v; want an error naming the flag", err)
	}
}
