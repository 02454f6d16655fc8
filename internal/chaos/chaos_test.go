package chaos

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/testenv"
	"github.com/midovpc/midovpc/internal/topoview"
)

var (
	seeds  = flag.Int("chaos.seeds", 0, "seeds per crash scenario (0: the few of make test)")
	seed0  = flag.Int64("chaos.seed", 1, "first seed")
	update = flag.Bool("update", false, "rewrite testdata/edited-topology.golden")
	out    = flag.String("chaos.summary", "", "also write the summary table to this file")
)

const (
	tenant    = "euca_tenant_1"
	namespace = "eucalyptus-vpc"
	// The view and golden topology of the end-to-end suite: the same golden, crash or not.
	exampleView   = "../e2e/testdata/global_network_info.example.xml"
	exampleGolden = "../e2e/testdata/example-topology.golden"
	editedView    = "testdata/global_network_info.edited.xml"
	editedGolden  = "testdata/edited-topology.golden"
)

// managerBin is cmd/manager, built once by TestMain.
var managerBin string

func TestMain(m *testing.M) {
	flag.Parse()
	ctrl.SetLogger(logr.Discard())
	dir, err := os.MkdirTemp("", "midovpc-chaos-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	root, err := testenv.RepoRoot()
	if err == nil {
		managerBin, err = BuildManager(root, dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	summary.print()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// seedsFor returns the seeds of a scenario: n by default (make test), -chaos.seeds with it.
func seedsFor(n int) []int64 {
	if *seeds > 0 {
		n = *seeds
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = *seed0 + int64(i)
	}
	return out
}

// rig is one crash experiment: an emulator behind a killing front, a control plane, and the
// manager process of the moment.
type rig struct {
	t     *testing.T
	dir   string
	front *Front
	mn    *midonet.Client
	env   *testenv.Env
	kc    string // the control plane's kubeconfig
	mgr   *Process
	runs  int
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{t: t, dir: t.TempDir()}
	s := sim.New(sim.Options{})
	data, err := os.ReadFile(exampleView)
	if err != nil {
		t.Fatal(err)
	}
	v, err := globalview.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range globalview.HostsFromView(v) {
		spec := sim.HostSpec{Name: h.Name, TunnelZones: h.TunnelZones}
		for _, i := range h.Interfaces {
			spec.Interfaces = append(spec.Interfaces, sim.InterfaceSpec{Name: i.Name, Addresses: i.Addresses})
		}
		if _, err := s.AddHost(spec); err != nil {
			t.Fatal(err)
		}
	}
	if r.front, err = StartFront(s); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.front.Close() })
	if r.mn, err = midonet.New(midonet.Config{URL: r.front.URL, Tenant: tenant, QPS: -1}); err != nil {
		t.Fatal(err)
	}
	r.startControlPlane()
	t.Cleanup(func() {
		if r.mgr != nil {
			r.mgr.Stop()
		}
		if r.env != nil {
			_ = r.env.Stop()
		}
	})
	return r
}

// startControlPlane starts a fresh kube-apiserver and etcd (stopping the previous ones: the
// control plane is lost) and writes a kubeconfig for the manager.
func (r *rig) startControlPlane() {
	r.t.Helper()
	if r.env != nil {
		if err := r.env.Stop(); err != nil {
			r.t.Fatal(err)
		}
	}
	env, err := testenv.Start()
	if err != nil {
		r.t.Fatal(err)
	}
	r.env = env
	kc, err := env.Kubeconfig()
	if err != nil {
		r.t.Fatal(err)
	}
	r.kc = filepath.Join(r.dir, fmt.Sprintf("kubeconfig-%d", time.Now().UnixNano()))
	if err := os.WriteFile(r.kc, kc, 0o600); err != nil {
		r.t.Fatal(err)
	}
}

// startManager runs the manager binary against the current control plane and the front.
func (r *rig) startManager(extra ...string) *Process {
	r.t.Helper()
	r.runs++
	args := append([]string{
		"--midonet-url", r.front.URL, "--midonet-tenant", tenant,
		"--metrics-bind-address", "0", "--health-probe-bind-address", "0",
	}, extra...)
	p, err := StartProcess(managerBin, r.dir, fmt.Sprintf("manager-%d", r.runs), args, []string{"KUBECONFIG=" + r.kc})
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}

// project reads a view and projects it into the namespace.
func project(t *testing.T, path string) *globalview.Projection {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := globalview.ProjectDocument(data, namespace)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// plan draws the kills of a seed: 1 to 3, spread over about span writes.
type plan struct {
	rng   *rand.Rand
	left  int
	span  int64
	armed int
}

func newPlan(seed, span int64) *plan {
	rng := rand.New(rand.NewSource(seed))
	return &plan{rng: rng, left: 1 + rng.Intn(3), span: span}
}

// armNext arms the next kill, if any is left, some writes after the current count.
func (p *plan) armNext(f *Front, victim func()) {
	if p.left == 0 {
		return
	}
	gap := p.span / int64(p.armed+p.left)
	p.left--
	p.armed++
	at := f.Writes() + 1 + p.rng.Int63n(max(gap, 1))
	f.Arm(at, When(p.rng.Intn(2)), victim)
}

// restartDelay is how long the dead manager stays down.
func (p *plan) restartDelay() time.Duration { return time.Duration(p.rng.Intn(500)) * time.Millisecond }

// outcome is what one seed showed, for the summary.
type outcome struct {
	scenario   string
	seed       int64
	kills      []Shot
	duplicates int
	orphans    int
	missing    int
	diff       bool
	writesLate int64
	seconds    float64
}

// settle checks the topology against the golden file and that MidoNet is left alone, and
// records the outcome.
func (r *rig) settle(o *outcome, golden string) {
	t := r.t
	t.Helper()
	topo, err := topoview.Load(context.Background(), r.mn, tenant)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(golden)
	if err != nil && !*update {
		t.Fatal(err)
	}
	if *update && len(o.kills) == 0 {
		writeGolden(t, topo, golden)
		want, _ = os.ReadFile(golden)
	}
	rep, err := Check(topo, want)
	if err != nil {
		t.Fatal(err)
	}
	before := r.front.Writes()
	time.Sleep(2 * time.Second)
	o.writesLate = r.front.Writes() - before
	o.duplicates, o.orphans, o.missing, o.diff = len(rep.Duplicates), len(rep.Orphans), len(rep.Missing), rep.Diff != ""
	if o.seed != 0 { // seed 0 is the kill-free run that writes a golden file
		summary.add(*o)
	}
	t.Logf("%s seed %d: kills %v; converged %.1fs after the start; %d duplicates, %d orphans, %d missing; %d writes after settling",
		o.scenario, o.seed, o.kills, o.seconds, o.duplicates, o.orphans, o.missing, o.writesLate)
	if !rep.OK() {
		t.Errorf("seed %d, kills %v: the topology is not the golden one (%s):\n%s", o.seed, o.kills, golden, rep)
	}
	if o.writesLate != 0 {
		t.Errorf("seed %d: %d MidoNet writes after settling", o.seed, o.writesLate)
	}
}

func writeGolden(t *testing.T, topo *topoview.Topology, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := topo.WriteTree(f); err != nil {
		t.Fatal(err)
	}
}

// TestCrashDuringColdConverge kills the manager at random MidoNet writes of a cold converge of
// the example view and restarts it, with the control plane kept (the resources and their
// status survive) or lost (a fresh kube-apiserver and etcd, the resources created again): the
// topology must be exactly the golden one.
func TestCrashDuringColdConverge(t *testing.T) {
	for _, mode := range []string{"kept", "lost"} {
		n := 2
		if mode == "lost" {
			n = 1
		}
		for _, seed := range seedsFor(n) {
			t.Run(fmt.Sprintf("control-plane-%s/seed-%d", mode, seed), func(t *testing.T) {
				coldConverge(t, seed, mode == "lost")
			})
		}
	}
}

// convergeWrites is about what a clean cold converge of the example writes to MidoNet.
const convergeWrites = 340

func coldConverge(t *testing.T, seed int64, lose bool) {
	r := newRig(t)
	p := project(t, exampleView)
	pl := newPlan(seed, convergeWrites)
	if lose && *seeds == 0 {
		pl.left = 1 // make test: a fresh control plane costs its start-up, once
	}
	o := &outcome{scenario: "cold converge, control plane kept", seed: seed}
	if lose {
		o.scenario = "cold converge, control plane lost"
	}
	start := time.Now()
	var mu sync.Mutex
	victim := func() {
		mu.Lock()
		defer mu.Unlock()
		r.mgr.Kill()
	}
	r.mgr = r.startManager()
	pl.armNext(r.front, victim)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	// run converges on the current control plane; it reports false when the control plane
	// was lost on the way and everything must be created again on the new one.
	run := func() bool {
		runCtx, stop := context.WithCancel(ctx)
		defer stop()
		done := make(chan error, 1)
		env := r.env
		go func() { done <- Converge(runCtx, env.Client, p) }()
		for {
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("seed %d, kills %v: %v\nmanager log:\n%s", seed, o.kills, err, r.mgr.Tail(30))
				}
				return true
			case k := <-r.front.Fired():
				o.kills = append(o.kills, k)
				time.Sleep(pl.restartDelay())
				if lose {
					stop()
					<-done
					r.startControlPlane()
				}
				mu.Lock()
				r.mgr = r.startManager()
				mu.Unlock()
				pl.armNext(r.front, victim)
				if lose {
					return false
				}
			}
		}
	}
	for !run() {
	}
	r.front.Disarm()
	o.seconds = time.Since(start).Seconds()
	r.settle(o, exampleGolden)
}

// TestCrashDuringLargeEdit converges the example view, then applies the next version of it
// as the CLC would write it (a VPC with its subnet, route table, instance, two interfaces and
// group removed, an instance terminated, group rules, ACL entries and DNS servers changed),
// killing the manager at random MidoNet writes of the edit.
func TestCrashDuringLargeEdit(t *testing.T) {
	if *update {
		t.Run("golden", func(t *testing.T) { largeEdit(t, 0) })
	}
	for _, seed := range seedsFor(1) {
		t.Run(fmt.Sprintf("seed-%d", seed), func(t *testing.T) { largeEdit(t, seed) })
	}
}

// editWrites is about what the edit writes to MidoNet without a crash.
const editWrites = 150

func largeEdit(t *testing.T, seed int64) {
	r := newRig(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	r.mgr = r.startManager()
	before := project(t, exampleView)
	if err := Converge(ctx, r.env.Client, before); err != nil {
		t.Fatalf("%v\n%s", err, r.mgr.Tail(30))
	}
	after := project(t, editedView)
	o := &outcome{scenario: "large edit, control plane kept", seed: seed}
	var mu sync.Mutex
	victim := func() {
		mu.Lock()
		defer mu.Unlock()
		r.mgr.Kill()
	}
	pl := newPlan(seed, editWrites)
	if seed == 0 {
		pl.left = 0 // the run that writes the golden file
	}
	start := time.Now()
	pl.armNext(r.front, victim)
	applier := &globalview.Applier{Client: r.env.Client}
	if _, err := applier.Apply(ctx, after); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- waitEdited(ctx, r.env.Client, before, after) }()
	for finished := false; !finished; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("seed %d, kills %v: %v\nmanager log:\n%s", seed, o.kills, err, r.mgr.Tail(30))
			}
			finished = true
		case k := <-r.front.Fired():
			o.kills = append(o.kills, k)
			time.Sleep(pl.restartDelay())
			mu.Lock()
			r.mgr = r.startManager()
			mu.Unlock()
			pl.armNext(r.front, victim)
		}
	}
	r.front.Disarm()
	o.seconds = time.Since(start).Seconds()
	r.settle(o, editedGolden)
}

// waitEdited waits until every object of after is Ready and every object only before held is
// gone (its finalizer done).
func waitEdited(ctx context.Context, c client.Client, before, after *globalview.Projection) error {
	kept := map[string]bool{}
	for _, o := range after.Objects() {
		kept[fmt.Sprintf("%T/%s", o, o.GetName())] = true
	}
	for _, o := range before.Objects() {
		if kept[fmt.Sprintf("%T/%s", o, o.GetName())] {
			continue
		}
		cur := o.DeepCopyObject().(client.Object)
		for {
			err := c.Get(ctx, client.ObjectKeyFromObject(o), cur)
			if client.IgnoreNotFound(err) == nil && err != nil {
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("%T %s is still there: %w", o, o.GetName(), ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return WaitReady(ctx, c, after.Objects()...)
}

// TestLeaderFailover runs two managers with leader election on one control plane, kills the
// leader at a random MidoNet write of the cold converge, and the standby must finish it.
func TestLeaderFailover(t *testing.T) {
	for _, seed := range seedsFor(1) {
		t.Run(fmt.Sprintf("seed-%d", seed), func(t *testing.T) { failover(t, seed) })
	}
}

func failover(t *testing.T, seed int64) {
	r := newRig(t)
	elect := []string{"--leader-elect", "--leader-election-namespace", "default"}
	a, b := r.startManager(elect...), r.startManager(elect...)
	t.Cleanup(func() { a.Stop(); b.Stop() })
	leader := func() *Process {
		for _, p := range []*Process{a, b} {
			if p.LogContains("Successfully acquired lease") {
				if dead, _ := p.Exited(); !dead {
					return p
				}
			}
		}
		return nil
	}
	var mu sync.Mutex
	var killed, survivor *Process
	victim := func() {
		mu.Lock()
		defer mu.Unlock()
		killed = leader()
		if killed == nil {
			return // no leader: nobody writes, cannot happen
		}
		killed.Kill()
		survivor = a
		if killed == a {
			survivor = b
		}
	}
	pl := newPlan(seed, 250)
	pl.left = 1
	pl.armNext(r.front, victim)
	o := &outcome{scenario: "leader failover", seed: seed}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	p := project(t, exampleView)
	done := make(chan error, 1)
	go func() { done <- Converge(ctx, r.env.Client, p) }()
	for finished := false; !finished; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("seed %d: %v\nmanager a:\n%s\nmanager b:\n%s", seed, err, a.Tail(20), b.Tail(20))
			}
			finished = true
		case k := <-r.front.Fired():
			o.kills = append(o.kills, k)
		}
	}
	r.front.Disarm()
	o.seconds = time.Since(start).Seconds()
	mu.Lock()
	defer mu.Unlock()
	if killed == nil {
		t.Fatal("the leader was not killed: the converge ended before the chosen write")
	}
	if !survivor.LogContains("Successfully acquired lease") {
		t.Errorf("the standby %s never became leader, yet the converge finished", survivor.Name)
	}
	r.settle(o, exampleGolden)
}

// summary gathers the outcomes of every seed, printed after the tests.
var summary results

type results struct {
	mu  sync.Mutex
	out []outcome
}

func (s *results) add(o outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out = append(s.out, o)
}

func (s *results) print() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.out) == 0 {
		return
	}
	type agg struct {
		seeds, kills, dups, orphans, diffs, late int
		secs                                     []float64
	}
	byScenario := map[string]*agg{}
	for _, o := range s.out {
		a := byScenario[o.scenario]
		if a == nil {
			a = &agg{}
			byScenario[o.scenario] = a
		}
		a.seeds++
		a.kills += len(o.kills)
		a.dups += o.duplicates
		a.orphans += o.orphans
		if o.diff || o.missing > 0 {
			a.diffs++
		}
		a.late += int(o.writesLate)
		a.secs = append(a.secs, o.seconds)
	}
	var b strings.Builder
	fmt.Fprintln(&b, "| scenario | seeds | kills | duplicates | orphans | not golden | writes after settling | seconds to converge (median, max) |")
	fmt.Fprintln(&b, "| --- | --- | --- | --- | --- | --- | --- | --- |")
	names := make([]string, 0, len(byScenario))
	for k := range byScenario {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		a := byScenario[k]
		sort.Float64s(a.secs)
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d | %.1f, %.1f |\n", k, a.seeds, a.kills, a.dups, a.orphans, a.diffs, a.late,
			a.secs[len(a.secs)/2], a.secs[len(a.secs)-1])
	}
	fmt.Print("crash suite summary\n" + b.String())
	if *out != "" {
		if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
}
