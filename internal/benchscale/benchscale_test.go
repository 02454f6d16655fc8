package benchscale

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/testenv"
)

// TestSmallCloudThroughEveryPhase runs the benchmark on 20 interfaces with the real binaries:
// every phase must reach its ack, and the emulator's counters must show the writes each
// phase made (none for the same view under a new version). Durations are printed, never
// checked.
func TestSmallCloudThroughEveryPhase(t *testing.T) {
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testenv.Assets(); err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+"/", "./cmd/manager", "./cmd/midonet-sim")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the binaries: %v\n%s", err, out)
	}
	var progress bytes.Buffer
	cfg := Config{
		Sizes: []int{20}, Seed: 3, Latency: time.Millisecond, Concurrency: 16,
		ManagerBin: filepath.Join(bin, "manager"), SimBin: filepath.Join(bin, "midonet-sim"),
		RepoRoot: root, WorkDir: t.TempDir(), PhaseTimeout: 3 * time.Minute,
		Progress: &progress, Quiet: 500 * time.Millisecond, MemoryLimit: "300Mi",
		Profile: true, CPUProfile: time.Second,
	}
	sizes, err := Run(context.Background(), cfg)
	t.Log(progress.String())
	if err != nil {
		t.Fatal(err)
	}
	var report bytes.Buffer
	Report(&report, cfg, sizes)
	t.Log("\n" + report.String())

	if want := "300Mi (--memory-limit)"; sizes[0].MemoryLimit != want || !strings.Contains(report.String(), want) {
		t.Errorf("the manager logged the soft memory limit %q, want %q in the report", sizes[0].MemoryLimit, want)
	}
	got := map[string]Phase{}
	for _, p := range sizes[0].Phases {
		got[p.Name] = p
	}
	for _, name := range PhaseNames {
		p, ok := got[name]
		if !ok || p.Seconds <= 0 {
			t.Errorf("phase %s was not acknowledged", name)
		}
		if p.PeakRSSKiB <= 0 {
			t.Errorf("phase %s: no peak RSS of the manager", name)
		}
		if !strings.Contains(report.String(), name) {
			t.Errorf("the report has no line for %s", name)
		}
	}
	// The manager, the emulator and the control plane are told apart: each used some CPU.
	for _, name := range []string{"cold", "restart-adopt"} {
		if c := got[name].CPU; c.Manager <= 0 || c.ControlPlane <= 0 {
			t.Errorf("%s: CPU seconds manager %.2f, control plane %.2f; want both above 0", name, c.Manager, c.ControlPlane)
		}
	}
	if got["cold"].APIWrites <= 0 || got["restart-adopt"].APIWrites <= 0 {
		t.Errorf("the manager's API writes: cold %d, restart-adopt %d; want both above 0 (it creates every resource)",
			got["cold"].APIWrites, got["restart-adopt"].APIWrites)
	}
	if gc := got["cold"].ManagerGC; gc < 0 || gc > got["cold"].CPU.Manager {
		t.Errorf("cold: the manager's GC took %.2f s of its %.2f s of CPU; want a share of it (-1: not exported)", gc, got["cold"].CPU.Manager)
	}
	if got["restart-adopt"].ControlPlaneUp <= 0 {
		t.Error("restart-adopt: the fresh control plane's start was not timed")
	}
	t.Logf("restart over a kept control plane: %d API writes", got["restart"].APIWrites)
	if c := got["cold"].Requests; c.Creates == 0 || got["cold"].MinWrites != c.Creates {
		t.Errorf("cold converge: %d creates counted, minimum %d; want creates, and the minimum equal to them", c.Creates, got["cold"].MinWrites)
	}
	// Not asserted here (the controllers' own tests own it): a restart should make 0 writes.
	t.Logf("restart over a converged MidoNet: %d writes", got["restart-adopt"].Requests.Writes())
	for _, name := range []string{"rule-add", "rule-change", "rule-remove"} {
		if w := got[name].Requests.Writes(); w == 0 {
			t.Errorf("%s: no write counted", name)
		}
		if got[name].FirstWrite < 0 {
			t.Errorf("%s: the first write was not seen", name)
		}
	}
	if w := got["rewrite"].Requests.Writes(); w != 0 {
		t.Errorf("the same view under a new version made %d writes, want 0", w)
	}
	// --profile: the manager's CPU over the phases that start it and over each edit, the API
	// server's and the emulator's over the former, the manager's heap at the end.
	for _, f := range []string{"cpu-cold.pprof", "cpu-restart-adopt.pprof", "kube-apiserver-cpu-cold.pprof", "midonet-sim-cpu-cold.pprof",
		"cpu-rule-add.pprof", "cpu-rewrite.pprof", "heap-cold.pprof", "heap-end.pprof"} {
		if fi, err := os.Stat(filepath.Join(cfg.WorkDir, "20", f)); err != nil || fi.Size() == 0 {
			t.Errorf("profile %s: %v (want a non-empty file)", f, err)
		}
	}
}
