package sync_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	msync "github.com/midovpc/midovpc/internal/midonet/sync"
	"github.com/midovpc/midovpc/internal/topology"
)

const tenant = "euca_tenant_1"

// env is one emulator, a client, a loaded index and an engine.
type env struct {
	t      testing.TB
	ctx    context.Context
	sim    *sim.Running
	client *midonet.Client
	raw    *midonet.Client // for building and inspecting behind the engine's back
	idx    *index.Index
	eng    *msync.Engine
}

type envOption func(*midonet.Config)

func newEnv(t testing.TB, opts sim.Options, copts ...envOption) *env {
	t.Helper()
	run, err := sim.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Close() })
	seed, err := sim.LoadSeed("testdata/hosts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Server.ApplySeed(seed); err != nil {
		t.Fatal(err)
	}
	cfg := midonet.Config{URL: run.URL, Tenant: tenant, QPS: -1, MaxInFlight: -1,
		Retry: midonet.RetryConfig{Attempts: 6, BaseDelay: 2 * time.Millisecond, MaxDelay: 20 * time.Millisecond}}
	for _, o := range copts {
		o(&cfg)
	}
	client, err := midonet.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := midonet.New(midonet.Config{URL: run.URL, Tenant: tenant, QPS: -1, MaxInFlight: -1, ReadBack: true})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: context.Background(), sim: run, client: client, raw: raw}
	e.reload()
	return e
}

// reload starts over with a fresh index and engine, as a restarted manager would.
func (e *env) reload() {
	e.t.Helper()
	e.idx = index.New(e.client, tenant)
	if err := e.idx.Load(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	e.eng = &msync.Engine{Client: e.client, Index: e.idx, Tenant: tenant}
}

func (e *env) sync(f topology.Fragment, previous []string) *msync.Result {
	e.t.Helper()
	res, err := e.eng.Sync(e.ctx, &f, previous)
	if err != nil {
		e.t.Fatalf("sync %s: %v", f.Owner, err)
	}
	return res
}

// writes lists the emulator's requests that changed something, since the last reset.
func (e *env) writes() []sim.Request {
	var out []sim.Request
	for _, r := range e.sim.Server.Requests() {
		if r.Method != "GET" {
			out = append(out, r)
		}
	}
	return out
}

func (e *env) reset() { e.sim.Server.ResetRequests() }

func (e *env) chainRules(name string) []midonet.Rule {
	e.t.Helper()
	chains, err := e.raw.ListChains(e.ctx, tenant)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range chains {
		if c.Name == name {
			rules, err := e.raw.ListRules(e.ctx, c.ID)
			if err != nil {
				e.t.Fatal(err)
			}
			return rules
		}
	}
	e.t.Fatalf("chain %s not found", name)
	return nil
}

func describe(reqs []sim.Request) string {
	var b strings.Builder
	for _, r := range reqs {
		b.WriteString("\n  " + r.Method + " " + r.Path)
	}
	return b.String()
}

// Small constructors for hand-built fragments.
func ip(s string) netip.Addr                { return netip.MustParseAddr(s) }
func pfx(s string) netip.Prefix             { return netip.MustParsePrefix(s) }
func ppfx(s string) *netip.Prefix           { p := netip.MustParsePrefix(s); return &p }
func num(n int) *int                        { return &n }
func ref(dev, role string) topology.PortRef { return topology.PortRef{Device: dev, Role: role} }
func pref(dev, role string) *topology.PortRef {
	r := ref(dev, role)
	return &r
}
