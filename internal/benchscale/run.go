package benchscale

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/rest"

	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/memlimit"
	"github.com/midovpc/midovpc/internal/testenv"
	"github.com/midovpc/midovpc/internal/viewgen"
)

// Config is one benchmark run.
type Config struct {
	// Sizes are the numbers of interfaces to benchmark, one cloud each.
	Sizes []int
	// Seed of the generated views.
	Seed uint64
	// Latency and Capacity are the emulator's --latency and --capacity (0: not given).
	Latency  time.Duration
	Capacity int
	// Concurrency is the requests in flight the latency bound assumes; 0: what the manager's
	// adaptive limiter settled on (its midovpc_midonet_in_flight_limit at the ack), else 16.
	Concurrency int
	// ManagerBin and SimBin are the built cmd/manager and cmd/midonet-sim.
	ManagerBin, SimBin string
	// RepoRoot is where the manager runs (it finds the CRDs there).
	RepoRoot string
	// WorkDir receives, per size, the view, the hosts seed, the logs and the profiles.
	WorkDir string
	// MemoryLimit is the manager's --memory-limit: "" not given (outside a container the
	// manager then runs without a soft limit); Deployed (hack/bench-scale's default) the limit
	// the manager sets itself in config/manager's container (DeployedSoftLimit); else passed
	// as it is.
	MemoryLimit string
	// ManagerArgs and SimArgs are added to the processes' command lines (after MemoryLimit,
	// so a --memory-limit among them wins).
	ManagerArgs, SimArgs []string
	// PhaseTimeout bounds each phase.
	PhaseTimeout time.Duration
	// Profile takes CPU profiles of the manager and kube-apiserver over the first CPUProfile
	// of each phase that starts the manager, and heap profiles at its ack and at the end; and
	// a CPU profile of the manager over the first CPUProfile of each edit, from just before
	// the view's rename.
	Profile    bool
	CPUProfile time.Duration
	// Progress receives a line per step; nil: none.
	Progress io.Writer
	// Quiet is how long MidoNet must see no request after an ack before the next phase
	// (default 2s; at most 10s are waited).
	Quiet time.Duration
	// Phases, when not empty, names the phases to run (see PhaseNames); cold always runs,
	// since every other phase starts from the MidoNet it built.
	Phases []string
}

// PhaseNames are the benchmark's phases in the order they run.
var PhaseNames = []string{"cold", "restart", "restart-adopt", "rule-add", "rule-change", "rule-remove", "rewrite"}

// runs reports whether the phase is to run.
func (c Config) runs(phase string) bool {
	return len(c.Phases) == 0 || phase == "cold" || slices.Contains(c.Phases, phase)
}

// Phase is what one phase measured.
type Phase struct {
	Name string
	// Seconds from the manager's start (cold, restarts) or the view's rename (edits) to the ack.
	Seconds float64
	// APIWrites counts the manager's writes to the API server (its client's POST, PUT, PATCH
	// and DELETE requests, dry runs included) from the phase's start to the ack.
	APIWrites int64
	// ControlPlaneUp is how long the fresh control plane of restart-adopt took to start
	// (before the manager's start, so not in Seconds; 0 for the other phases).
	ControlPlaneUp time.Duration
	// Requests counts the MidoNet requests between the start and the ack; Trailing those that
	// came after the ack, before MidoNet fell quiet, QuietAfter after the ack (within about
	// 200 ms; 0: none came).
	Requests, Trailing Counters
	QuietAfter         time.Duration
	// StillBusy: MidoNet had not fallen quiet settleMax after the ack.
	StillBusy bool
	// MinWrites is the fewest writes the phase can make: for the cold converge the objects it
	// created, for edits their hitless cost (a rule added 1, changed 2, removed 1), else 0.
	MinWrites int64
	// FirstWrite is the time from the view's rename to the first write MidoNet saw (edits
	// only; negative: none seen).
	FirstWrite time.Duration
	// PeakRSSKiB is the manager's VmHWM at the ack (its peak since it started).
	PeakRSSKiB int64
	// InFlightLimit is the manager's in-flight limit at the ack (0: it exports none).
	InFlightLimit float64
	// Up is the time from the manager's start to its health probe answering (cold and
	// restarts only; 0: not measured).
	Up time.Duration
	// MemoryLimit is the soft memory limit the manager logged at its start (cold and
	// restart only).
	MemoryLimit string
	// CPU is the processor time each process used from the phase's start to the ack.
	CPU CPUTimes
	// ManagerGC is the part of the manager's CPU its garbage collector took (the Go
	// runtime's estimate, go_cpu_classes_gc_total_cpu_seconds_total; -1: not exported).
	ManagerGC float64
}

// CPUTimes are seconds of processor time (user and system) used during a phase.
type CPUTimes struct {
	// Manager is the manager's (with any process it starts); ControlPlane that of the
	// benchmark's kube-apiserver and etcd; Emulator midonet-sim's.
	Manager, ControlPlane, Emulator float64
}

func (c CPUTimes) minus(o CPUTimes) CPUTimes {
	return CPUTimes{c.Manager - o.Manager, c.ControlPlane - o.ControlPlane, c.Emulator - o.Emulator}
}

// Concurrency is the requests in flight the phase's latency bound assumes: the configured
// one, else the manager's limit at the ack, else the manager's historical default of 16.
func (p Phase) Concurrency(configured int) float64 {
	switch {
	case configured > 0:
		return float64(configured)
	case p.InFlightLimit >= 1:
		return p.InFlightLimit
	}
	return defaultConcurrency
}

const defaultConcurrency = 16

// LatencyBound is the fewest round trips the phase's minimum writes take at its concurrency,
// ⌈MinWrites / concurrency⌉, times the latency, in seconds: a single write takes one latency,
// not a fraction of it.
func (p Phase) LatencyBound(latency time.Duration, configured int) float64 {
	if p.MinWrites <= 0 {
		return 0
	}
	rounds := math.Ceil(float64(p.MinWrites) / p.Concurrency(configured))
	return rounds * latency.Seconds()
}

// MeanInFlight is the mean number of MidoNet requests in flight during the phase.
func (p Phase) MeanInFlight() float64 {
	if p.Seconds <= 0 {
		return 0
	}
	return p.Requests.BusySeconds / p.Seconds
}

// Size is the result for one size.
type Size struct {
	Interfaces int
	Shape      viewgen.Shape
	ViewBytes  int64
	Phases     []Phase
	// Dir holds the logs and profiles.
	Dir string
	// MemoryLimit is the soft memory limit the manager logged at its first start ("": none logged).
	MemoryLimit string
}

// Run benchmarks every size in turn.
func Run(ctx context.Context, cfg Config) ([]Size, error) {
	if cfg.PhaseTimeout <= 0 {
		cfg.PhaseTimeout = 30 * time.Minute
	}
	for _, bin := range []*string{&cfg.ManagerBin, &cfg.SimBin} {
		abs, err := filepath.Abs(*bin)
		if err != nil {
			return nil, err
		}
		*bin = abs
	}
	if cfg.MemoryLimit == Deployed {
		soft, err := DeployedSoftLimit(cfg.ManagerBin)
		if err != nil {
			return nil, fmt.Errorf("the manager's soft memory limit as deployed: %w", err)
		}
		cfg.MemoryLimit = soft
	}
	if cfg.Quiet <= 0 {
		cfg.Quiet = 2 * time.Second
	}
	if cfg.CPUProfile <= 0 {
		cfg.CPUProfile = 30 * time.Second
	}
	var out []Size
	for _, n := range cfg.Sizes {
		s, err := runSize(ctx, cfg, n)
		if len(s.Phases) > 0 {
			out = append(out, s) // what was measured before a failure is reported too
		}
		if err != nil {
			return out, fmt.Errorf("%d interfaces: %w", n, err)
		}
	}
	return out, nil
}

// bench is the state of one size's run.
type bench struct {
	cfg     Config
	dir     string
	cp      *testenv.Env // the control plane the managers run against
	kubecfg string       // its kubeconfig, for the manager and for kubectl
	view    *globalview.View
	viewAt  string
	sim     *emulator
	manager *process
	metrics string
	probe   string
	pprof   string
	starts  int
}

func (b *bench) progress(format string, args ...any) {
	if b.cfg.Progress != nil {
		fmt.Fprintf(b.cfg.Progress, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
	}
}

func runSize(ctx context.Context, cfg Config, n int) (Size, error) {
	shape := viewgen.DefaultShape(n)
	shape.Seed = cfg.Seed
	v, err := viewgen.Generate(shape)
	if err != nil {
		return Size{}, err
	}
	dir, err := filepath.Abs(filepath.Join(cfg.WorkDir, strconv.Itoa(n)))
	if err != nil {
		return Size{}, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return Size{}, err
	}
	if err := viewgen.WriteFiles(dir, v, true); err != nil {
		return Size{}, err
	}
	b := &bench{cfg: cfg, dir: dir, view: v, viewAt: filepath.Join(dir, viewgen.ViewFile)}
	size := Size{Interfaces: n, Shape: shape, Dir: dir}
	if st, err := os.Stat(b.viewAt); err == nil {
		size.ViewBytes = st.Size()
	}
	b.progress("%d interfaces: view %s (%d bytes)", n, b.viewAt, size.ViewBytes)

	if err := b.startEmulator(ctx); err != nil {
		return size, err
	}
	defer b.sim.stop(10 * time.Second)
	if _, err := b.startControlPlane(); err != nil {
		return size, err
	}
	// Deferred calls run last first: the manager stops before its control plane.
	defer func() { b.stopControlPlane() }()
	defer func() {
		if b.manager != nil {
			b.manager.stop(time.Minute)
		}
	}()

	phases := []struct {
		name string
		run  func(context.Context) (Phase, error)
	}{
		{"cold", b.cold},
		{"restart", b.restart},
		{"restart-adopt", b.restartAdopt},
		{"rule-add", b.edit("rule-add", viewgen.AddRule, 1)},
		{"rule-change", b.edit("rule-change", viewgen.ChangeRule, 2)},
		{"rule-remove", b.edit("rule-remove", viewgen.RemoveRule, 1)},
		{"rewrite", b.edit("rewrite", func(v *globalview.View) error { viewgen.NextVersion(v); return nil }, 0)},
	}
	for _, ph := range phases {
		if !cfg.runs(ph.name) {
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, cfg.PhaseTimeout)
		seq, err := b.sim.counters(pctx, false)
		var p Phase
		if err == nil {
			p, err = ph.run(pctx)
		}
		if err == nil {
			// The manager's metrics at the ack (reconciles, requeues, work queues), for diagnosis.
			if ferr := fetch(pctx, "http://"+b.metrics+"/metrics", filepath.Join(b.dir, "metrics-"+ph.name+".txt")); ferr != nil {
				b.progress("metrics at the ack of %s: %v", ph.name, ferr)
			}
		}
		if err == nil {
			p.Trailing, p.QuietAfter, err = b.settle(pctx)
			p.StillBusy = p.QuietAfter >= settleMax-time.Second && p.Trailing.Requests > 0
		}
		p.Name = ph.name
		if err == nil {
			err = b.recordWrites(pctx, p, seq.WriteSeq)
		}
		cancel()
		if err != nil {
			return size, fmt.Errorf("phase %s: %w", ph.name, err)
		}
		size.Phases = append(size.Phases, p)
		if p.MemoryLimit != "" && size.MemoryLimit == "" {
			size.MemoryLimit = p.MemoryLimit
		}
		b.progress("%d interfaces: %s acknowledged in %.2fs: %d creates, %d updates, %d deletes, %d reads, peak RSS %d MiB",
			n, ph.name, p.Seconds, p.Requests.Creates, p.Requests.Updates, p.Requests.Deletes, p.Requests.Reads, p.PeakRSSKiB/1024)
	}
	if cfg.Profile {
		b.profile(ctx, "heap", "heap-end.pprof")
	}
	return size, nil
}

func (b *bench) startEmulator(ctx context.Context) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	args := []string{"--listen", addr, "--hosts", filepath.Join(b.dir, viewgen.HostsFile), "--latency", b.cfg.Latency.String()}
	simPprof := ""
	if b.cfg.Profile {
		if simPprof, err = freeAddr(); err != nil {
			return err
		}
		args = append(args, "--pprof-bind-address", simPprof)
	}
	if b.cfg.Capacity > 0 {
		args = append(args, "--capacity", strconv.Itoa(b.cfg.Capacity))
	}
	args = append(args, b.cfg.SimArgs...)
	p, err := startProcess(b.dir, filepath.Join(b.dir, "midonet-sim.log"), b.cfg.SimBin, args, nil)
	if err != nil {
		return err
	}
	b.sim = &emulator{process: p, addr: addr, pprof: simPprof}
	return b.sim.waitReady(ctx)
}

// startControlPlane starts kube-apiserver and etcd with the CRDs installed, as a cluster
// holds them before midovpc is deployed, and writes their kubeconfig. It returns how long
// they took to start.
func (b *bench) startControlPlane() (time.Duration, error) {
	start := time.Now()
	cp, err := testenv.Start()
	if err != nil {
		return 0, err
	}
	up := time.Since(start)
	kc, err := cp.Kubeconfig()
	if err == nil {
		b.kubecfg = filepath.Join(b.dir, "kubeconfig")
		err = os.WriteFile(b.kubecfg, kc, 0o600)
	}
	if err != nil {
		_ = cp.Stop()
		return 0, err
	}
	b.cp = cp
	b.progress("control plane up in %.1fs: export KUBECONFIG=%s", up.Seconds(), b.kubecfg)
	return up, nil
}

func (b *bench) stopControlPlane() {
	if b.cp == nil {
		return
	}
	if err := b.cp.Stop(); err != nil {
		b.progress("stop the control plane: %v", err)
	}
	b.cp = nil
}

// startManager starts the manager, as deployed (no --dev), on the benchmark's control plane
// and against the emulator.
func (b *bench) startManager() error {
	b.starts++
	metrics, err := freeAddr()
	if err != nil {
		return err
	}
	b.metrics = metrics
	probe, err := freeAddr()
	if err != nil {
		return err
	}
	b.probe = probe
	args := []string{
		"--midonet-url", b.sim.url(), "--global-view", b.viewAt,
		// Plain HTTP metrics on loopback: the benchmark reads the in-flight limit and the
		// work queues without credentials.
		"--metrics-bind-address", metrics, "--metrics-secure=false", "--health-probe-bind-address", probe,
		// Lines of text rather than JSON: the benchmark reads its progress from the log.
		"--zap-encoder=console",
	}
	b.pprof = ""
	if b.cfg.Profile {
		if b.pprof, err = freeAddr(); err != nil {
			return err
		}
		args = append(args, "--pprof-bind-address", b.pprof)
	}
	if b.cfg.MemoryLimit != "" {
		args = append(args, "--memory-limit="+b.cfg.MemoryLimit)
	}
	args = append(args, b.cfg.ManagerArgs...)
	log := filepath.Join(b.dir, fmt.Sprintf("manager-%d.log", b.starts))
	b.manager, err = startProcess(b.cfg.RepoRoot, log, b.cfg.ManagerBin, args, []string{"KUBECONFIG=" + b.kubecfg})
	return err
}

// profile saves one of the manager's pprof profiles into the size's folder.
func (b *bench) profile(ctx context.Context, what, file string) {
	if b.pprof == "" || b.manager == nil || b.manager.exited() {
		return
	}
	if err := fetch(ctx, "http://"+b.pprof+"/debug/pprof/"+what, filepath.Join(b.dir, file)); err != nil {
		b.progress("profile %s: %v", what, err)
	}
}

// profileControlPlane saves a CPU profile of kube-apiserver (its /debug/pprof, served to
// the control plane's admin credentials) over the first CPUProfile of a phase: where the
// API server spends the CPU the manager's writes cost it.
func (b *bench) profileControlPlane(ctx context.Context, file string) {
	if b.cp == nil {
		return
	}
	c, err := rest.HTTPClientFor(b.cp.Config)
	if err != nil {
		b.progress("profile kube-apiserver: %v", err)
		return
	}
	c.Timeout = 0
	url := strings.TrimSuffix(b.cp.Config.Host, "/") + fmt.Sprintf("/debug/pprof/profile?seconds=%d", int(b.cfg.CPUProfile.Seconds()))
	if err := fetchWith(ctx, c, url, filepath.Join(b.dir, file)); err != nil {
		b.progress("profile kube-apiserver: %v", err)
	}
}

// profileEmulator saves a CPU profile of the emulator over the first CPUProfile of a phase:
// on the benchmark's two cores its CPU is taken from the manager and the control plane.
func (b *bench) profileEmulator(ctx context.Context, file string) {
	if b.sim == nil || b.sim.pprof == "" {
		return
	}
	url := "http://" + b.sim.pprof + fmt.Sprintf("/debug/pprof/profile?seconds=%d", int(b.cfg.CPUProfile.Seconds()))
	if err := fetch(ctx, url, filepath.Join(b.dir, file)); err != nil {
		b.progress("profile midonet-sim: %v", err)
	}
}

// pprofUp reports whether the manager's pprof endpoint answers.
func (b *bench) pprofUp(ctx context.Context) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+b.pprof+"/debug/pprof/", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// waitUp polls the manager's health probe and returns the time from start to its first
// answer (0 if it never answered before ctx ended).
func (b *bench) waitUp(ctx context.Context, start time.Time) time.Duration {
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+b.probe+"/healthz", nil)
		if err != nil {
			return 0
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return time.Since(start)
		}
		select {
		case <-ctx.Done():
			return 0
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// cold starts the manager on an empty MidoNet and waits for the ack.
func (b *bench) cold(ctx context.Context) (Phase, error) {
	_ = os.Remove(globalview.AckPath(b.viewAt))
	return b.fromStart(ctx, "cold")
}

// restart stops the manager and starts a new one over the same control plane and MidoNet:
// the manager's pod restarted, the cluster kept its resources. The ack file is removed so
// that the new manager has to write it again.
func (b *bench) restart(ctx context.Context) (Phase, error) {
	b.manager.stop(time.Minute)
	_ = os.Remove(globalview.AckPath(b.viewAt))
	p, err := b.fromStart(ctx, "restart")
	p.MinWrites = 0
	return p, err
}

// restartAdopt stops the manager and its control plane, and starts a new manager on a fresh
// control plane over the MidoNet the last one built: the cluster lost its resources (a new
// cluster, etcd restored from nothing), and the manager adopts what MidoNet holds.
func (b *bench) restartAdopt(ctx context.Context) (Phase, error) {
	b.manager.stop(time.Minute)
	b.stopControlPlane()
	up, err := b.startControlPlane()
	if err != nil {
		return Phase{}, err
	}
	_ = os.Remove(globalview.AckPath(b.viewAt))
	p, err := b.fromStart(ctx, "restart-adopt")
	p.MinWrites = 0
	p.ControlPlaneUp = up
	return p, err
}

func (b *bench) fromStart(ctx context.Context, label string) (Phase, error) {
	before, err := b.sim.counters(ctx, true)
	if err != nil {
		return Phase{}, err
	}
	cpu, err := b.cpuTimes()
	if err != nil {
		return Phase{}, err
	}
	start := time.Now()
	if err := b.startManager(); err != nil {
		return Phase{}, err
	}
	profiled := make(chan struct{})
	if b.cfg.Profile {
		cpProfiled := make(chan struct{})
		go func() {
			defer close(cpProfiled)
			done := make(chan struct{})
			go func() { defer close(done); b.profileEmulator(ctx, "midonet-sim-cpu-"+label+".pprof") }()
			b.profileControlPlane(ctx, "kube-apiserver-cpu-"+label+".pprof")
			<-done
		}()
		go func() {
			defer close(profiled)
			defer func() { <-cpProfiled }()
			// The pprof listener comes up with the manager, after its control plane.
			for i := 0; i < 600 && !b.pprofUp(ctx); i++ {
				time.Sleep(100 * time.Millisecond)
			}
			b.profile(ctx, fmt.Sprintf("profile?seconds=%d", int(b.cfg.CPUProfile.Seconds())), "cpu-"+label+".pprof")
		}()
	} else {
		close(profiled)
	}
	up := make(chan time.Duration, 1)
	go func() { up <- b.waitUp(ctx, start) }()
	p, err := b.waitAck(ctx, start, before, cpu, 0, false)
	if err != nil {
		return p, err
	}
	p.Up = <-up
	p.MinWrites = p.Requests.Creates
	p.MemoryLimit = b.manager.loggedValue("soft memory limit", "limit")
	b.progress("%s: from the manager's start: controllers start %s, MidoNet index loaded %s, view applied %s, ack %.1fs",
		label, b.manager.logged(start, "starting manager"), b.manager.logged(start, "loaded the MidoNet index"),
		b.manager.logged(start, "applied the global network view"), p.Seconds)
	if b.cfg.Profile {
		b.profile(ctx, "heap", "heap-"+label+".pprof")
		<-profiled
	}
	return p, nil
}

// edit changes the view, writes it under its new version and waits for the ack.
func (b *bench) edit(label string, change func(*globalview.View) error, minWrites int64) func(context.Context) (Phase, error) {
	return func(ctx context.Context) (Phase, error) {
		if err := change(b.view); err != nil {
			return Phase{}, err
		}
		before, err := b.sim.counters(ctx, true)
		if err != nil {
			return Phase{}, err
		}
		cpu, err := b.cpuTimes()
		if err != nil {
			return Phase{}, err
		}
		apiWrites, err := b.apiWrites(ctx)
		if err != nil {
			return Phase{}, err
		}
		gc := b.managerGC(ctx)
		profiled := make(chan struct{})
		if b.cfg.Profile {
			// The manager's CPU over the edit: the profile starts just before the rename.
			go func() {
				defer close(profiled)
				b.profile(ctx, fmt.Sprintf("profile?seconds=%d", int(b.cfg.CPUProfile.Seconds())), "cpu-"+label+".pprof")
			}()
			time.Sleep(50 * time.Millisecond)
		} else {
			close(profiled)
		}
		start := time.Now()
		if err := viewgen.WriteView(b.viewAt, b.view); err != nil {
			return Phase{}, err
		}
		p, err := b.waitAck(ctx, start, before, cpu, apiWrites, true)
		<-profiled
		if p.ManagerGC >= 0 && gc >= 0 {
			p.ManagerGC -= gc
		}
		p.MinWrites = minWrites
		return p, err
	}
}

// waitAck waits for the ack file to hold the view's version, watching the counters for the
// first write when watchWrites is set. before, cpuBefore and apiBefore are the emulator's
// counters, the CPU times and the manager's API writes at the phase's start.
func (b *bench) waitAck(ctx context.Context, start time.Time, before Counters, cpuBefore CPUTimes, apiBefore int64, watchWrites bool) (Phase, error) {
	p := Phase{FirstWrite: -1}
	ackPath := globalview.AckPath(b.viewAt)
	tick := 200 * time.Millisecond
	if watchWrites {
		tick = 10 * time.Millisecond
	}
	for {
		if b.manager.exited() {
			return p, b.manager.failure()
		}
		if watchWrites && p.FirstWrite < 0 {
			c, err := b.sim.counters(ctx, false)
			if err != nil {
				return p, err
			}
			if c.Writes() > before.Writes() {
				p.FirstWrite = time.Since(start)
			}
		}
		acked, err := globalview.ReadAck(ackPath)
		if err != nil {
			return p, err
		}
		if acked == b.view.Version {
			p.Seconds = time.Since(start).Seconds()
			break
		}
		select {
		case <-ctx.Done():
			return p, fmt.Errorf("no ack of version %s after %s (ack file holds %q); see %s: %w",
				b.view.Version, time.Since(start).Round(time.Second), acked, b.manager.log, ctx.Err())
		case <-time.After(tick):
		}
	}
	after, err := b.sim.counters(ctx, false)
	if err != nil {
		return p, err
	}
	p.Requests = after.minus(before)
	cpu, err := b.cpuTimes()
	if err != nil {
		return p, err
	}
	p.CPU = cpu.minus(cpuBefore)
	apiWrites, err := b.apiWrites(ctx)
	if err != nil {
		return p, err
	}
	p.APIWrites = apiWrites - apiBefore
	p.ManagerGC = b.managerGC(ctx)
	if p.PeakRSSKiB, err = peakRSS(b.manager.pid()); err != nil {
		return p, err
	}
	p.InFlightLimit, _ = gauge(ctx, "http://"+b.metrics+"/metrics", inFlightLimitMetric)
	return p, nil
}

// cpuTimes reads the CPU time the emulator, the running manager and the control plane have
// used since they started (0 for a manager that is not running). The control plane's
// kube-apiserver and etcd are this process's children, as are the manager and the emulator.
func (b *bench) cpuTimes() (CPUTimes, error) {
	stats, err := procStats()
	if err != nil {
		return CPUTimes{}, err
	}
	var c CPUTimes
	_, all := treeCPU(stats, os.Getpid())
	if b.manager != nil && !b.manager.exited() {
		own, children := treeCPU(stats, b.manager.pid())
		c.Manager = own + children
	}
	own, children := treeCPU(stats, b.sim.pid())
	c.Emulator = own + children
	c.ControlPlane = all - c.Manager - c.Emulator
	return c, nil
}

// managerGC is the CPU seconds the running manager's garbage collector has used since it
// started (-1: none exported).
func (b *bench) managerGC(ctx context.Context) float64 {
	if b.manager == nil || b.manager.exited() {
		return 0
	}
	v, ok := gauge(ctx, "http://"+b.metrics+"/metrics", gcCPUMetric)
	if !ok {
		return -1
	}
	return v
}

// gcCPUMetric is the Go runtime's estimate of its collector's CPU time (runtime/metrics
// /cpu/classes/gc/total:cpu-seconds, exported by the Prometheus Go collector).
const gcCPUMetric = "go_cpu_classes_gc_total_cpu_seconds_total"

// apiWrites is the number of writes the running manager has sent the API server since it
// started: the sum of its client-go rest_client_requests_total for every method but GET.
func (b *bench) apiWrites(ctx context.Context) (int64, error) {
	if b.manager == nil || b.manager.exited() {
		return 0, nil
	}
	n, err := counterSum(ctx, "http://"+b.metrics+"/metrics", "rest_client_requests_total", func(labels string) bool {
		return !strings.Contains(labels, `method="GET"`)
	})
	return int64(n), err
}

// settleMax bounds the wait for MidoNet to fall quiet after an ack.
const settleMax = 10 * time.Second

// settle waits (at most settleMax) until the manager has sent no MidoNet request for a while
// and returns what it sent after the ack, and how long after the ack (the call) it sent the
// last of it. A manager that never falls quiet (a drift check spread over its period) is not
// an error: its requests are reported.
func (b *bench) settle(ctx context.Context) (Counters, time.Duration, error) {
	first, err := b.sim.counters(ctx, false)
	if err != nil {
		return Counters{}, 0, err
	}
	ack := time.Now()
	last, since := first, ack
	deadline := time.Now().Add(settleMax)
	for time.Since(since) < b.cfg.Quiet && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return Counters{}, 0, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		c, err := b.sim.counters(ctx, false)
		if err != nil {
			return Counters{}, 0, err
		}
		if c.Requests != last.Requests {
			last, since = c, time.Now()
		}
	}
	return last.minus(first), since.Sub(ack), nil
}

// writesShown is how many of a phase's surplus writes the progress output shows.
const writesShown = 20

// recordWrites saves the writes MidoNet saw during a phase (its ack and the quiet after it)
// into writes-<phase>.jsonl in the size's folder and, when the phase wrote more than its
// minimum, shows the first of them: a churn then names the objects it touched.
func (b *bench) recordWrites(ctx context.Context, p Phase, since int64) error {
	ws, err := b.sim.writes(ctx, since)
	if err != nil {
		return err
	}
	file := filepath.Join(b.dir, "writes-"+p.Name+".jsonl")
	var data []byte
	for _, w := range ws {
		data = append(append(data, w...), '\n')
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return err
	}
	if int64(len(ws)) > p.MinWrites {
		b.progress("%s: %d writes (minimum %d), in %s; the first:", p.Name, len(ws), p.MinWrites, file)
		for _, w := range ws[:min(len(ws), writesShown)] {
			b.progress("  %s", w)
		}
	}
	return nil
}

// DeployedContainerMemory is the memory limit config/manager gives the manager's container
// (TestDeployedMemoryLimit keeps the two in step).
const DeployedContainerMemory = 512 << 20

// Deployed as Config.MemoryLimit passes DeployedSoftLimit of the manager binary.
const Deployed = "deployed"

// DeployedSoftLimit is the soft memory limit the manager binary sets itself in
// config/manager's container (memlimit.Soft), as a --memory-limit value in bytes.
func DeployedSoftLimit(managerBin string) (string, error) {
	soft, _, err := memlimit.Soft(DeployedContainerMemory, managerBin)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(soft, 10), nil
}
