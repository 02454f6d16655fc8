package e2e

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/testenv"
	"github.com/midovpc/midovpc/internal/topoview"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const tenant = "euca_tenant_1"

type harness struct {
	t    *testing.T
	env  *testenv.Env
	mido *sim.Running
	mn   *midonet.Client
	ctx  context.Context
	mgr  *testenv.Manager
	stop sync.Once
}

// stopManager stops the controllers (once: the test may stop them before its cleanup does).
func (h *harness) stopManager() { h.stop.Do(func() { _ = h.mgr.Stop() }) }

func start(t *testing.T, setup func(mgr manager.Manager) error) *harness {
	t.Helper()
	return startWith(t, sim.Options{}, testenv.ManagerOptions{Setup: setup})
}

// startWith starts a control plane, an emulator seeded with the example's hosts, and the
// controllers; simOpts and mgrOpts tune the emulator (faults) and the manager.
func startWith(t *testing.T, simOpts sim.Options, mgrOpts testenv.ManagerOptions) *harness {
	t.Helper()
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	mido, err := sim.Start(simOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mido.Close() })
	data, err := os.ReadFile(filepath.Join("testdata", "global_network_info.example.xml"))
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
		if _, err := mido.Server.AddHost(spec); err != nil {
			t.Fatal(err)
		}
	}
	mgrOpts.MidoNetURL, mgrOpts.Tenant = mido.URL, tenant
	mgr, err := env.StartManager(mgrOpts)
	if err != nil {
		t.Fatal(err)
	}
	mn, err := midonet.New(midonet.Config{URL: mido.URL, Tenant: tenant, QPS: -1})
	if err != nil {
		_ = mgr.Stop()
		t.Fatal(err)
	}
	h := &harness{t: t, env: env, mido: mido, mn: mn, ctx: context.Background(), mgr: mgr}
	t.Cleanup(h.stopManager)
	return h
}

// waitReady waits until each object is Ready for its current generation.
func (h *harness) waitReady(objs ...client.Object) {
	h.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for _, o := range objs {
		for {
			err := h.env.Client.Get(h.ctx, client.ObjectKeyFromObject(o), o)
			if err == nil && vpcv1.IsReady(o.GetGeneration(), o.(interface {
				GetReconcileStatus() *vpcv1.ReconcileStatus
			}).GetReconcileStatus()) {
				break
			}
			if time.Now().After(deadline) {
				h.t.Fatalf("%T %s is not Ready: %v", o, o.GetName(), err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func (h *harness) create(objs ...client.Object) {
	h.t.Helper()
	for _, o := range objs {
		if err := h.env.Client.Create(h.ctx, o); err != nil {
			h.t.Fatalf("create %T %s: %v", o, o.GetName(), err)
		}
	}
}

func objects[T client.Object](xs []T) []client.Object {
	out := make([]client.Object, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// TestExampleConvergesToGoldenTopology projects the example view and creates its resources
// one kind at a time, in name order, so that router indexes and metadata addresses are handed
// out deterministically; the MidoNet topology it converges to must equal the golden one.
func TestExampleConvergesToGoldenTopology(t *testing.T) {
	h := start(t, nil)
	h.convergeExample("golden")
	t.Logf("converged with %d MidoNet writes (%d requests)", h.mido.Server.Writes(), len(h.mido.Server.Requests()))
	h.assertGoldenTopology()
	h.assertNoWrites()
}

// TestExampleConvergesUnderMidoNetFaults does the same against a MidoNet that fails one
// request in six: answered 503, connection dropped, or applied and then answered 503 or never
// answered. Retries and requeues must reach exactly the same topology, with no duplicate.
func TestExampleConvergesUnderMidoNetFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: waits out stalled requests")
	}
	h := startWith(t, sim.Options{FailRate: 1.0 / 6, Seed: 6}, testenv.ManagerOptions{MidoNetTimeout: 300 * time.Millisecond})
	h.convergeExample("faults")
	faults := 0
	for _, r := range h.mido.Server.Requests() {
		if r.Fault != sim.FaultNone {
			faults++
		}
	}
	t.Logf("converged through %d injected faults in %d requests", faults, len(h.mido.Server.Requests()))
	if faults == 0 {
		t.Fatal("no fault was injected")
	}
	h.mido.Server.SetFaults(0, 0, 0, 0)
	h.assertGoldenTopology()
	h.assertNoWrites()
}

// convergeExample creates the example's resources in namespace ns, kind by kind and in name
// order, and waits until every one is Ready.
func (h *harness) convergeExample(ns string) {
	t := h.t
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "global_network_info.example.xml"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := globalview.ProjectDocument(data, ns)
	if err != nil {
		t.Fatal(err)
	}
	h.create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	one := func(objs ...client.Object) {
		for _, o := range objs {
			h.create(o)
			h.waitReady(o)
		}
	}
	all := func(objs ...client.Object) {
		h.create(objs...)
		h.waitReady(objs...)
	}
	one(p.CoreNetwork)
	all(objects(p.DhcpOptionSets)...)
	one(objects(p.Vpcs)...)
	all(objects(p.InternetGateways)...)
	all(objects(p.NetworkAcls)...)
	all(objects(p.RouteTables)...)
	all(objects(p.SecurityGroups)...)
	all(objects(p.Subnets)...)
	one(objects(p.NatGateways)...)
	one(objects(p.NetworkInterfaces)...)
	// One at a time: their NAT rules share the VPC's chains, where each goes on top.
	one(objects(p.ElasticIPs)...)
	// Routes to NAT gateways and interfaces, and references between groups, come in once
	// their targets are Ready: wait for everything again.
	h.waitReady(p.Objects()...)
}

// assertGoldenTopology compares MidoNet with testdata/example-topology.golden.
func (h *harness) assertGoldenTopology() {
	t := h.t
	t.Helper()
	topo, err := topoview.Load(h.ctx, h.mn, tenant)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := topo.WriteTree(&got); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "example-topology.golden")
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("MidoNet topology differs from %s (run with -update to accept):\n%s", golden, topoview.TreeDiff(string(want), got.String()))
	}
}

// assertNoWrites checks that a converged cloud leaves MidoNet alone.
func (h *harness) assertNoWrites() {
	h.t.Helper()
	h.mido.Server.ResetRequests()
	time.Sleep(2 * time.Second)
	if w := h.mido.Server.Writes(); w != 0 {
		h.t.Errorf("a converged cloud made %d writes", w)
	}
}
